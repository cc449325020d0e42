import { describe, expect, it } from 'vitest'
import { RouterView } from 'vue-router'
import type { OpenSound } from '../../../main/api'
import { useSoundEditorStore } from '../../../renderer/src/workspaces/sound/stores/sound-editor'
import { renderWithApp, textOf as text } from './ssr-render'

// The Sound page rendered to HTML by Vue's server renderer with a prepared store: what the editor shows.

function sound(id: string, lufs: number): OpenSound {
  return {
    id,
    path: `/sounds/${id}.wav`,
    name: `${id}.wav`,
    media: `res/audio/${id}/media`,
    info: { format: 'wav', encoding: 'pcm24', sampleRate: 48000, channels: 2, frames: 480000, duration: 10, peak: 0.9, rms: 0.2, lufs },
  }
}

const renderSoundPage = (prepare: () => void) => renderWithApp(RouterView, '/sound', prepare)

describe('the Sound page with a sound open', () => {
  it('shows the transport, the versions with their gains, the facts, the regions and the results region', async () => {
    const html = await renderSoundPage(() => {
      const store = useSoundEditorStore()
      store.versions = [sound('take', -16), sound('denoised', -22)].map((version) => ({ ...version, key: version.id }))
      store.addRegion({ start: 1, end: 2.5 }, 'dog bark')
      store.addMarker(4)
    })
    const page = text(html)
    expect(html).toMatch(/<h1[^>]*>Sound<\/h1>/)
    expect(page).not.toContain('Open a sound to edit it')
    for (const name of ['Play', 'To start', 'To end', 'Zoom in', 'Zoom out', 'Zoom to fit', 'Keyboard shortcuts']) {
      expect(html).toMatch(new RegExp(`<button[^>]*aria-label="${name}"`))
    }
    expect(page).toMatch(/1 take\.wav −16\.0 LUFS · matched −6\.0 dB/)
    expect(page).toMatch(/2 denoised\.wav −22\.0 LUFS · matched 0\.0 dB/)
    expect(html).toMatch(/<button[^>]*aria-label="Remove version denoised\.wav"/)
    expect(page).toMatch(/WAV pcm24 48 kHz stereo 0:10\.000 −16\.0 LUFS/)
    expect(html).toMatch(/role="scrollbar"[^>]*aria-label="Scroll through the sound"/)
    expect(page).toMatch(/dog bark 0:01\.000 0:02\.500/)
    expect(page).toMatch(/Marker 1 0:04\.000 —/)
    expect(html).toMatch(/aria-label="dog bark, 0:01\.000 to 0:02\.500"[^>]*aria-pressed="false"|aria-pressed="false"[^>]*aria-label="dog bark/)
    expect(html).toMatch(/<button[^>]*aria-label="Loop dog bark"/)
    expect(html).toMatch(/<aside[^>]*aria-labelledby="sound-results-title"/)
    expect(page).toContain('None has run on this sound yet.')
    // The sound's tab, marked as holding labels not exported yet, with its close button and + for another.
    expect(html).toMatch(/role="tablist"[^>]*aria-label="Open sounds"/)
    expect(html).toMatch(/<button[^>]*role="tab"[^>]*aria-selected="true"[^>]*>\s*take\.wav/)
    expect(page).toContain('(labels not exported)')
    expect(html).toMatch(/<button[^>]*aria-label="Close take\.wav"/)
    expect(html).toMatch(/<button[^>]*aria-label="Open a sound in a new tab"/)
  })
})
