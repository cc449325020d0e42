import { describe, expect, it } from 'vitest'
import type { OpenSound } from '../../../main/api'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useSoundEditorStore } from '../../../renderer/src/workspaces/sound/stores/sound-editor'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'

function opened(id: string, lufs: number | null = -20, duration = 10): OpenSound {
  return {
    id,
    path: `/sounds/${id}.wav`,
    name: `${id}.wav`,
    media: `res/audio/${id}/media`,
    info: { format: 'wav', encoding: 'pcm16', sampleRate: 8000, channels: 1, frames: duration * 8000, duration, peak: 0.5, rms: 0.1, lufs },
  }
}

/** A core that opens /sounds/<id>.wav as sound <id>, with the loudness given per id. */
function core(loudness: Record<string, number | null> = {}): FakeBridge {
  return new FakeBridge()
    .answer('audio.open', (input) => {
      const id = /\/sounds\/(\w+)\.wav$/.exec((input as { path: string }).path)?.[1]
      if (!id) return { ok: false, error: { code: 'INVALID_FILE', message: 'Not a sound file.' } }
      return { ok: true, value: opened(id, id in loudness ? (loudness[id] ?? null) : -20) }
    })
    .answerValue('audio.close', { closed: true })
    .answerValue('audio.recent', [])
}

describe('the sound editor store', () => {
  it('opens a sound, and closes it in the core when another replaces it or its tab is closed', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useSoundEditorStore()
    expect(await store.open('/sounds/a.wav')).toBe(true)
    expect(store.sound?.id).toBe('a')
    expect(store.tabs).toHaveLength(1)
    store.addRegion({ start: 1, end: 2 })
    expect(store.unsavedCount).toBe(1)
    await store.open('/sounds/b.wav')
    expect(store.sound?.id).toBe('b')
    expect(store.tabs).toHaveLength(1)
    expect(store.regions).toEqual([])
    expect(store.unsavedCount).toBe(0)
    // Closed a task later, once the editor has let go of it.
    expect(bridge.callsTo('audio.close')).toEqual([])
    await settle()
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'a' }])
    store.closeTab()
    await settle()
    expect(store.sound).toBeNull()
    expect(store.tabs).toEqual([])
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'a' }, { id: 'b' }])
    expect(bridge.callsTo('audio.recent').length).toBeGreaterThan(0)
  })

  it('keeps each tab its own sound, versions, regions, gain and view, and shows its neighbour when closed', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    store.addRegion({ start: 1, end: 2 }, 'dog bark')
    store.gainDb = 3
    store.setView({ start: 2, pxPerSec: 800 })
    await store.openInNewTab('/sounds/b.wav')
    const [first, second] = store.tabs
    expect(store.activeKey).toBe(second!.key)
    expect(store.sound?.id).toBe('b')
    expect(store.regions).toEqual([])
    expect(store.gainDb).toBe(0)
    expect(store.view).toBeNull()
    await store.addVersion('/sounds/c.wav')
    expect(store.versions.map((v) => v.id)).toEqual(['b', 'c'])

    await store.activateTab(first!.key)
    expect(store.sound?.id).toBe('a')
    expect(store.regions.map((r) => r.label)).toEqual(['dog bark'])
    expect(store.gainDb).toBe(3)
    expect(store.view).toEqual({ start: 2, pxPerSec: 800 })
    // Showing a tab first makes sure its sounds are still open in the core (reusing their handles).
    expect(bridge.callsTo('audio.open').at(-1)).toEqual({ path: '/sounds/a.wav', reuse: 'a' })
    expect(store.allVersions.map((v) => v.id)).toEqual(['a', 'b', 'c'])

    store.closeTab(first!.key)
    expect(store.activeKey).toBe(second!.key)
    await settle()
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'a' }])
    store.closeTab()
    await settle()
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
    expect(store.activeKey).toBeNull()
  })

  it('gives a tab whose sound the core closed (past a dozen open) a new handle, keeping its version key', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    const key = store.versions[0]!.key
    const tab = store.activeKey!
    await store.openInNewTab('/sounds/b.wav')
    // The core no longer has "a" open: it decodes the file again under a new id.
    bridge.answer('audio.open', () => ({ ok: true, value: { ...opened('a'), id: 'a2' } }))
    await store.activateTab(tab)
    expect(store.sound).toMatchObject({ id: 'a2', key, path: '/sounds/a.wav' })
    expect(bridge.callsTo('audio.open').at(-1)).toEqual({ path: '/sounds/a.wav', reuse: 'a' })
  })

  it('marks labels unsaved when regions change, and saved once written as a label track', async () => {
    const bridge = core().answer('audio.labels.write', (input) => ({ ok: true, value: { path: (input as { path: string }).path, count: 1 } }))
    storesOver(bridge)
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    store.setSelection({ start: 1, end: 2 })
    store.gainDb = 2
    expect(store.unsaved).toBe(false)
    const id = store.regionFromSelection()!
    expect(store.unsavedCount).toBe(1)
    await store.exportLabels('/out/a.txt')
    expect(store.unsaved).toBe(false)
    store.renameRegion(id, 'Region 1')
    expect(store.unsaved).toBe(false)
    store.renameRegion(id, 'dog bark')
    expect(store.unsavedCount).toBe(1)
    await store.exportLabels('/out/a.txt')
    store.updateRegion(id, { start: 1.5 })
    expect(store.unsaved).toBe(true)
    store.removeRegion(id)
    // Changed, but nothing is left to lose.
    expect(store.unsavedCount).toBe(0)
  })

  it('shows a file that fails to open in the error banner and keeps the open sound', async () => {
    storesOver(core())
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    expect(await store.open('/elsewhere/notes.txt')).toBe(false)
    expect(useAppStore().lastError?.code).toBe('INVALID_FILE')
    expect(store.sound?.id).toBe('a')
    expect(store.busy).toBeNull()
  })

  it('closes a sound whose answer comes after another file was chosen', async () => {
    const slow = deferred<{ ok: true; value: OpenSound }>()
    const bridge = core()
    bridge.answer('audio.open', (input) => ((input as { path: string }).path.includes('slow') ? slow.promise : { ok: true, value: opened('b') }))
    storesOver(bridge)
    const store = useSoundEditorStore()
    const first = store.open('/sounds/slow.wav')
    await store.open('/sounds/b.wav')
    slow.resolve({ ok: true, value: opened('slow') })
    expect(await first).toBe(false)
    await settle()
    expect(store.sound?.id).toBe('b')
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'slow' }])
  })

  it('adds versions, matches their loudness to the quietest, and closes a removed one', async () => {
    const bridge = core({ a: -14, b: -20, c: null })
    storesOver(bridge)
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    await store.addVersion('/sounds/b.wav')
    await store.addVersion('/sounds/c.wav')
    expect(store.versions.map((v) => v.id)).toEqual(['a', 'b', 'c'])
    expect(store.activeIndex).toBe(2)
    expect(store.matchedDb).toEqual([-6, 0, null])
    store.gainDb = 3
    expect(store.playbackDb).toEqual([-3, 3, 3])
    store.matchLoudness = false
    expect(store.playbackDb).toEqual([3, 3, 3])
    expect(store.setActive(1)).toBe(true)
    expect(store.setActive(5)).toBe(false)
    store.removeVersion(1)
    expect(store.versions.map((v) => v.id)).toEqual(['a', 'c'])
    expect(store.activeIndex).toBe(0)
    store.removeVersion(0)
    expect(store.versions).toHaveLength(2)
    await settle()
    expect(bridge.callsTo('audio.close')).toEqual([{ id: 'b' }])
  })

  it('makes regions of the selection and markers, renames, moves and deletes them', async () => {
    storesOver(core())
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    expect(store.regionFromSelection()).toBeNull()
    store.setSelection({ start: 4, end: 2 })
    expect(store.selection).toEqual({ start: 2, end: 4 })
    expect(store.activeRange).toEqual({ start: 2, end: 4 })
    const id = store.regionFromSelection()!
    expect(store.selection).toBeNull()
    expect(store.selectedRegion).toMatchObject({ start: 2, end: 4, label: 'Region 1' })
    const marker = store.addMarker(1)
    expect(store.regions.map((r) => r.label)).toEqual(['Marker 1', 'Region 1'])
    expect(store.activeRange).toBeNull()
    store.renameRegion(id, '  dog bark ')
    store.renameRegion(id, '   ')
    store.updateRegion(id, { start: 9, end: 12 })
    expect(store.regions.find((r) => r.id === id)).toMatchObject({ label: 'dog bark', start: 9, end: 10 })
    store.selectAdjacent(-1)
    expect(store.selectedId).toBe(marker)
    store.removeRegion(marker)
    expect(store.selectedId).toBeNull()
    expect(store.regions.map((r) => r.label)).toEqual(['dog bark'])
  })

  it('writes and reads Audacity label tracks and exports audio with the gain it plays with', async () => {
    const bridge = core({ a: -14, b: -20 })
      .answer('audio.labels.write', (input) => ({ ok: true, value: { path: (input as { path: string }).path, count: 2 } }))
      .answerValue('audio.labels.read', { labels: [{ start: 0.5, end: 1, label: 'imported' }] })
      .answerValue('audio.export', { path: '/out/a.wav', frames: 8000, clipped: 3 })
    storesOver(bridge)
    const store = useSoundEditorStore()
    await store.open('/sounds/a.wav')
    await store.addVersion('/sounds/b.wav')
    store.setActive(0)
    store.addMarker(2)
    store.addRegion({ start: 1, end: 1.5 }, 'tab\there')
    await store.exportLabels('/out/labels.txt')
    expect(bridge.callsTo('audio.labels.write')).toEqual([
      { path: '/out/labels.txt', labels: [{ start: 1, end: 1.5, label: 'tab here' }, { start: 2, end: 2, label: 'Marker 1' }] },
    ])
    expect(store.notice).toBe('Wrote 2 labels to /out/labels.txt.')
    expect(await store.importLabels('/in/labels.txt')).toBe(1)
    expect(store.regions.map((r) => r.label)).toEqual(['imported', 'tab\there', 'Marker 1'])
    store.gainDb = 1.5
    await store.exportAudio('/out/a.wav', { start: 1, end: 2 }, 'pcm24')
    expect(bridge.callsTo('audio.export')).toEqual([{ id: 'a', path: '/out/a.wav', start: 1, end: 2, gainDb: -4.5, encoding: 'pcm24' }])
    expect(store.notice).toMatch(/Exported 8000 frames to \/out\/a\.wav\. 3 samples clipped/)
    expect(store.busy).toBeNull()
  })
})
