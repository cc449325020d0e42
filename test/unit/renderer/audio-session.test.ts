import { describe, expect, it } from 'vitest'
import type { OpenSound, SoundClassificationResult, SoundEditorState } from '../../../main/api'
import { describeLabels, restoredTab, savedState, unsavedLabels, type TabVersion } from '../../../renderer/src/workspaces/sound/lib/editor-tabs'
import { useSoundClassificationStore } from '../../../renderer/src/workspaces/sound/stores/sound-classification'
import { saveDelayMs, useSoundEditorSessionStore } from '../../../renderer/src/workspaces/sound/stores/sound-editor-session'
import { useSoundEditorStore } from '../../../renderer/src/workspaces/sound/stores/sound-editor'
import { useSpectrogramSettingsStore } from '../../../renderer/src/workspaces/sound/stores/spectrogram-settings'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'

function opened(id: string, path = `/sounds/${id}.wav`): OpenSound {
  return {
    id,
    path,
    name: path.split('/').pop()!,
    media: `res/audio/${id}/media`,
    info: { format: 'wav', encoding: 'pcm16', sampleRate: 8000, channels: 1, frames: 80000, duration: 10, peak: 0.5, rms: 0.1, lufs: -20 },
  }
}

const result: SoundClassificationResult = {
  model: { id: 'm', name: 'model' },
  classNames: ['dog_bark', 'siren'],
  label: 'dog_bark',
  probability: 0.8,
  probabilities: [0.8, 0.2],
  aggregation: 'mean',
  segments: [{ start: 0, end: 0.93, probabilities: [0.8, 0.2] }],
}

/** Two tabs, the second shown; its added version's file is gone. */
const saved: SoundEditorState = {
  formatVersion: 1,
  activeKey: 'tab-b',
  tabs: [
    {
      key: 'tab-a',
      versions: [{ path: '/sounds/a.wav', name: 'a.wav', id: 'old-a', classification: null }],
      activeIndex: 0,
      regions: [],
      selectedId: null,
      selection: { start: 1, end: 2 },
      gainDb: 0,
      matchLoudness: true,
      view: null,
      unsaved: false,
    },
    {
      key: 'tab-b',
      versions: [
        { path: '/sounds/b.wav', name: 'b.wav', id: 'old-b', classification: result },
        { path: '/gone/b-denoised.wav', name: 'b-denoised.wav', classification: null },
        { path: '/sounds/b-quiet.wav', name: 'b-quiet.wav', classification: null },
      ],
      activeIndex: 2,
      regions: [
        { id: 'r2', start: 5, end: 5, label: 'Marker 1' },
        { id: 'r1', start: 1.25, end: 2.5, label: 'dog bark' },
      ],
      selectedId: 'r1',
      selection: null,
      gainDb: -3,
      matchLoudness: false,
      view: { start: 1, pxPerSec: 500 },
      unsaved: true,
    },
  ],
}

/** A core that opens /sounds/<name>.wav (reusing a handle it is given) and refuses other paths. */
function core(state: SoundEditorState | null, warning: string | null = null): FakeBridge {
  let next = 0
  return new FakeBridge()
    .answerValue('audio.editor.get', { state, warning })
    .answerValue('audio.editor.save', { saved: true })
    .answerValue('audio.close', { closed: true })
    .answerValue('audio.recent', [])
    .answer('audio.open', (input) => {
      const { path, reuse } = input as { path: string; reuse?: string }
      if (!path.startsWith('/sounds/')) return { ok: false, error: { code: 'NOT_FOUND', message: `No file at ${path}.` } }
      return { ok: true, value: opened(reuse === 'old-b' ? 'old-b' : `s${++next}`, path) }
    })
}

const waitForSave = () => new Promise((resolve) => setTimeout(resolve, saveDelayMs + 50)).then(settle)

describe('the editor state kept in the workspace', () => {
  it('brings the saved tabs back in their order, the shown one first, with regions, view, gain and results', async () => {
    const bridge = core(saved)
    storesOver(bridge)
    const editor = useSoundEditorStore()
    const session = useSoundEditorSessionStore()
    await session.restore()
    expect(session.phase).toBe('ready')
    expect(editor.tabs.map((tab) => tab.key)).toEqual(['tab-a', 'tab-b'])
    expect(editor.activeKey).toBe('tab-b')
    // The shown tab was reopened first, reusing the handles it had.
    expect((bridge.callsTo('audio.open')[0] as { path: string }).path).toBe('/sounds/b.wav')
    expect(bridge.callsTo('audio.open')).toContainEqual({ path: '/sounds/b.wav', reuse: 'old-b' })
    expect(editor.versions.map((version) => version.name)).toEqual(['b.wav', 'b-quiet.wav'])
    expect(editor.sound?.id).toBe('old-b')
    expect(editor.active?.name).toBe('b-quiet.wav')
    expect(editor.regions.map((region) => region.label)).toEqual(['dog bark', 'Marker 1'])
    expect(editor.selectedRegion?.label).toBe('dog bark')
    expect(editor.view).toEqual({ start: 1, pxPerSec: 500 })
    expect([editor.gainDb, editor.matchLoudness, editor.unsavedCount]).toEqual([-3, false, 2])
    editor.setActive(0)
    expect(useSoundClassificationStore().current).toEqual(result)
    expect(session.warning).toBe('b-denoised.wav could not be reopened: No file at /gone/b-denoised.wav.')
    await editor.activateTab('tab-a')
    expect(editor.selection).toEqual({ start: 1, end: 2 })
  })

  it('writes the tabs a moment after they change, once for a burst of edits', async () => {
    const bridge = core(null)
    storesOver(bridge)
    const editor = useSoundEditorStore()
    const session = useSoundEditorSessionStore()
    await session.restore()
    await waitForSave()
    const spectrogram = { fftSize: 2048, window: 'hann', axis: 'mel', rangeDb: 80 }
    expect(bridge.callsTo('audio.editor.save')).toEqual([{ state: { formatVersion: 1, activeKey: null, tabs: [], spectrogram } }])
    await editor.open('/sounds/a.wav')
    editor.addRegion({ start: 1, end: 2 }, 'dog bark')
    editor.addMarker(4)
    editor.setView({ start: 0.5, pxPerSec: 300 })
    expect(session.saving).toBe(true)
    await waitForSave()
    expect(session.saving).toBe(false)
    const writes = bridge.callsTo('audio.editor.save') as Array<{ state: SoundEditorState }>
    expect(writes).toHaveLength(2)
    const tab = writes[1]!.state.tabs[0]!
    expect(writes[1]!.state.activeKey).toBe(editor.activeKey)
    expect(tab.versions).toEqual([{ path: '/sounds/a.wav', name: 'a.wav', id: editor.sound!.id, classification: null }])
    expect(tab.regions.map((region) => [region.start, region.end, region.label])).toEqual([
      [1, 2, 'dog bark'],
      [4, 4, 'Marker 1'],
    ])
    expect(tab.view).toEqual({ start: 0.5, pxPerSec: 300 })
    expect(tab.unsaved).toBe(true)
  })

  it('brings back the spectrogram settings and keeps a change to them', async () => {
    const bridge = core({ formatVersion: 1, activeKey: null, tabs: [], spectrogram: { fftSize: 4096, window: 'hamming', axis: 'linear', rangeDb: 100 } })
    storesOver(bridge)
    const session = useSoundEditorSessionStore()
    const settings = useSpectrogramSettingsStore()
    await session.restore()
    expect(settings.settings).toEqual({ fftSize: 4096, window: 'hamming', axis: 'linear', rangeDb: 100 })
    settings.update({ fftSize: 512 })
    await waitForSave()
    const writes = bridge.callsTo('audio.editor.save') as Array<{ state: SoundEditorState }>
    expect(writes.at(-1)!.state.spectrogram).toEqual({ fftSize: 512, window: 'hamming', axis: 'linear', rangeDb: 100 })
  })

  it('saves nothing until the saved state is back, so a slow restore is not overwritten', async () => {
    const answer = deferred<{ ok: true; value: unknown }>()
    const bridge = core(saved).answer('audio.editor.get', () => answer.promise)
    storesOver(bridge)
    const editor = useSoundEditorStore()
    const session = useSoundEditorSessionStore()
    const restoring = session.restore()
    await editor.openInNewTab('/sounds/c.wav')
    await waitForSave()
    expect(bridge.callsTo('audio.editor.save')).toEqual([])
    answer.resolve({ ok: true, value: { state: saved, warning: null } })
    await restoring
    // The sound opened meanwhile stays shown, after the restored tabs.
    expect(editor.tabs.map((tab) => tab.versions[0]!.name)).toEqual(['a.wav', 'b.wav', 'c.wav'])
    expect(editor.sound?.name).toBe('c.wav')
    await waitForSave()
    const writes = bridge.callsTo('audio.editor.save') as Array<{ state: SoundEditorState }>
    expect(writes.at(-1)!.state.tabs).toHaveLength(3)
  })

  it('says why a damaged state was not used, and starts empty', async () => {
    const warning = "The sound editor's saved state could not be read (it is not valid JSON), so the editor starts empty."
    storesOver(core(null, warning))
    const session = useSoundEditorSessionStore()
    await session.restore()
    expect(session.warning).toBe(warning)
    expect(useSoundEditorStore().tabs).toEqual([])
  })
})

describe('tabs as saved and restored', () => {
  const version = (id: string): TabVersion => ({ ...opened(id), key: `k-${id}` })

  it('rebuilds a tab around the versions that reopened, keeping the active one when it did', () => {
    const tab = saved.tabs[1]!
    expect(restoredTab(tab, [version('b'), null, version('q')])).toMatchObject({ activeIndex: 1, selectedId: 'r1' })
    expect(restoredTab(tab, [version('b'), version('d'), null])).toMatchObject({ activeIndex: 0 })
    expect(restoredTab(tab, [null, version('d'), version('q')])).toBeNull()
    const rebuilt = restoredTab({ ...tab, selectedId: 'nope', selection: { start: 2, end: 2 } }, [version('b'), null, null])!
    expect([rebuilt.selectedId, rebuilt.selection, rebuilt.versions.length]).toEqual([null, null, 1])
  })

  it('saves every tab by path with its results, and counts what closing would lose', () => {
    const tab = restoredTab(saved.tabs[1]!, [version('b'), null, version('q')])!
    const state = savedState([tab], 'missing', (v) => (v.id === 'b' ? result : null))
    expect(state.activeKey).toBe('tab-b')
    expect(state.tabs[0]!.versions).toEqual([
      { path: '/sounds/b.wav', name: 'b.wav', id: 'b', classification: result },
      { path: '/sounds/q.wav', name: 'q.wav', id: 'q', classification: null },
    ])
    expect(unsavedLabels(tab)).toBe(2)
    expect(unsavedLabels({ ...tab, unsaved: false })).toBe(0)
    expect(describeLabels(tab.regions)).toBe('a region and a marker')
    expect(describeLabels([...tab.regions, ...tab.regions])).toBe('2 regions and 2 markers')
  })
})
