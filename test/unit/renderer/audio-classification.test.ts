import { describe, expect, it } from 'vitest'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { OpenSound, SoundClassificationResult, SoundClassifier } from '../../../main/api'
import { apiKey } from '../../../renderer/src/api/inject'
import ClassificationPanel from '../../../renderer/src/workspaces/sound/components/ClassificationPanel.vue'
import {
  cellAt,
  classRegions,
  formatProbability,
  laneCells,
  laneRows,
  newRegionsOnly,
  rankClasses,
  segmentCells,
  topClass,
} from '../../../renderer/src/workspaces/sound/lib/classification'
import { toAudioLabels } from '../../../renderer/src/workspaces/sound/lib/regions'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useSoundClassificationStore } from '../../../renderer/src/workspaces/sound/stores/sound-classification'
import { useSoundEditorStore } from '../../../renderer/src/workspaces/sound/stores/sound-editor'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'

// The core's segment geometry (paper settings): 41 frames of 512 samples at 22050 Hz, every 20 frames.
const hop = 512 / 22050
const step = 20 * hop // 0.4644 s
const span = 40 * hop // 0.9288 s
const classNames = ['air_conditioner', 'car_horn', 'siren']

/** A 3 s sound's five segments as sound.classify answers them. */
function classification(): SoundClassificationResult {
  const perSegment = [
    [0.1, 0.2, 0.7],
    [0.05, 0.05, 0.9],
    [0.2, 0.7, 0.1],
    [0.5, 0.4, 0.1],
    [0.3, 0.3, 0.4],
  ]
  return {
    model: { id: 'm1', name: 'dilated fixture' },
    classNames,
    label: 'siren',
    probability: 0.44,
    probabilities: [0.23, 0.33, 0.44],
    aggregation: 'mean',
    segments: perSegment.map((probabilities, s) => ({ start: s * step, end: s * step + span, probabilities })),
  }
}

describe('classification results', () => {
  it('finds the top class and ranks the classes by probability, class order on a tie', () => {
    expect(topClass([0.1, 0.7, 0.2])).toEqual({ index: 1, probability: 0.7 })
    expect(topClass([0.4, 0.4, 0.2])).toEqual({ index: 0, probability: 0.4 })
    expect(topClass([])).toEqual({ index: -1, probability: 0 })
    expect(rankClasses(classNames, [0.3, 0.3, 0.4]).map((entry) => entry.name)).toEqual(['siren', 'air_conditioner', 'car_horn'])
    expect(formatProbability(0.8166)).toBe('0.82')
  })

  it('gives each half-overlapping segment the time nearest its centre, without gaps or overlaps', () => {
    const cells = segmentCells(classification().segments, 3)
    expect(cells).toHaveLength(5)
    expect(cells[0]!.start).toBe(0)
    expect(cells[0]!.end).toBeCloseTo(0.6966, 4)
    expect(cells[1]!.end).toBeCloseTo(1.161, 4)
    expect(cells[3]!.end).toBeCloseTo(2.0898, 4)
    expect(cells[4]!.end).toBeCloseTo(2.7864, 4)
    for (let i = 1; i < cells.length; i++) expect(cells[i]!.start).toBe(cells[i - 1]!.end)
    // A sound shorter than a segment (padded by the core) is not drawn past its end.
    expect(segmentCells([{ start: 0, end: span, probabilities: [1] }], 0.5)).toEqual([{ start: 0, end: 0.5 }])
  })

  it('merges runs of the same top class into labelled regions and leaves out those under the threshold', () => {
    const regions = classRegions(classification(), 3, 0.5)
    expect(regions.map((region) => region.label)).toEqual(['siren 0.80', 'car_horn 0.70', 'air_conditioner 0.50'])
    expect(regions[0]!.start).toBe(0)
    expect(regions[0]!.end).toBeCloseTo(1.161, 4)
    expect(regions[1]!.start).toBeCloseTo(1.161, 4)
    expect(regions[2]!.end).toBeCloseTo(2.0898, 4)
    expect(regions[0]!.probability).toBeCloseTo(0.8, 10)
    expect(classRegions(classification(), 3, 0.75).map((region) => region.className)).toEqual(['siren'])
    expect(classRegions(classification(), 3, 0).map((region) => region.label).at(-1)).toBe('siren 0.40')
  })

  it('proposes only regions not already there', () => {
    const proposed = classRegions(classification(), 3, 0.5)
    const existing = [{ ...proposed[0]! }, { start: 5, end: 6, label: 'dog bark' }]
    expect(newRegionsOnly(proposed, existing).map((region) => region.label)).toEqual(['car_horn 0.70', 'air_conditioner 0.50'])
  })

  it('gives the lane the most probable classes as rows', () => {
    expect(laneRows(classification(), 10).map((row) => row.name)).toEqual(['siren', 'car_horn', 'air_conditioner'])
    expect(laneRows(classification(), 2).map((row) => row.index)).toEqual([2, 1])
  })

  it('lays the lane cells on the view, following zoom and scroll', () => {
    const cells = segmentCells(classification().segments, 3)
    const whole = laneCells(cells, { start: 0, pxPerSec: 100 }, 300)
    expect(whole.map((cell) => [cell.x0, cell.x1])).toEqual([
      [0, 70],
      [70, 116],
      [116, 163],
      [163, 209],
      [209, 279],
    ])
    // Zoomed in twice and scrolled to 1 s: the cells of 1 s to 2 s, cut at the edges.
    const zoomed = laneCells(cells, { start: 1, pxPerSec: 200 }, 200)
    expect(zoomed).toEqual([
      { segment: 1, x0: 0, x1: 32 },
      { segment: 2, x0: 32, x1: 125 },
      { segment: 3, x0: 125, x1: 200 },
    ])
    // The cell under the pointer, for the lane's tooltip.
    expect([-0.1, 0, 0.6, 0.7, 1.2, 2.786, 2.8].map((time) => cellAt(cells, time))).toEqual([-1, 0, 0, 1, 2, 4, -1])
    // Zoomed out past the segments, every cell is at least a pixel wide.
    expect(laneCells(cells, { start: 0, pxPerSec: 0.2 }, 100).every((cell) => cell.x1 - cell.x0 >= 1)).toBe(true)
  })
})

function opened(id: string): OpenSound {
  return {
    id,
    path: `/sounds/${id}.wav`,
    name: `${id}.wav`,
    media: `res/audio/${id}/media`,
    info: { format: 'wav', encoding: 'pcm16', sampleRate: 22050, channels: 1, frames: 3 * 22050, duration: 3, peak: 0.5, rms: 0.1, lufs: -20 },
  }
}

const classifiers: SoundClassifier[] = [
  {
    id: 'm1',
    name: 'dilated fixture',
    source: 'bundled',
    classNames,
    accuracy: 0.84,
    createdAt: '2026-01-01T00:00:00.000Z',
    provenance: { createdAt: '2026-01-01T00:00:00.000Z', metrics: { accuracy: 0.84 }, testExamples: 25, heldOutFolds: 1, synthetic: true },
    default: true,
  },
]

function core(): FakeBridge {
  return new FakeBridge()
    .answer('audio.open', (input) => ({ ok: true, value: opened(/\/sounds\/(\w+)\.wav$/.exec((input as { path: string }).path)![1]!) }))
    .answerValue('audio.close', { closed: true })
    .answerValue('audio.recent', [])
    .answerValue('sound.classifiers', classifiers)
    .answerValue('sound.classify', classification())
}

describe('the sound classification store', () => {
  it('classifies the active version with the chosen classifier and keeps a result per version', async () => {
    const bridge = core()
    storesOver(bridge)
    const editor = useSoundEditorStore()
    const store = useSoundClassificationStore()
    await store.loadClassifiers()
    expect(store.chosenId).toBe('m1')
    await editor.open('/sounds/a.wav')
    await store.classify()
    expect(bridge.callsTo('sound.classify')).toEqual([{ id: 'a', model: 'm1' }])
    expect(store.current?.label).toBe('siren')
    expect(store.classifying).toBeNull()

    await editor.addVersion('/sounds/b.wav')
    expect(store.current).toBeNull()
    editor.setActive(0)
    expect(store.current?.label).toBe('siren')
    // Kept while another tab shows.
    await editor.openInNewTab('/sounds/d.wav')
    expect(store.current).toBeNull()
    await editor.activateTab(editor.tabs[0]!.key)
    expect(store.current?.label).toBe('siren')

    // Gone with its sound: another file opened in its place, or its tab closed.
    await editor.open('/sounds/c.wav')
    await settle()
    expect(store.results).toEqual({})
  })

  it('drops an answer for a sound closed while it ran, and shows errors in the banner', async () => {
    const slow = deferred<{ ok: true; value: SoundClassificationResult }>()
    const bridge = core().answer('sound.classify', () => slow.promise)
    storesOver(bridge)
    const editor = useSoundEditorStore()
    const store = useSoundClassificationStore()
    await editor.open('/sounds/a.wav')
    const running = store.classify()
    expect(store.classifying).toBe('a')
    editor.closeTab()
    slow.resolve({ ok: true, value: classification() })
    await running
    expect(store.results).toEqual({})

    bridge.answer('sound.classify', () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'No sound classifier is installed: train one.' } }))
    await editor.open('/sounds/a.wav')
    await store.classify()
    expect(useAppStore().lastError?.code).toBe('NOT_FOUND')
    expect(store.current).toBeNull()
    expect(store.classifying).toBeNull()
  })

  it('adds the class regions as editor regions, once, above the threshold it keeps within 0..1', async () => {
    storesOver(core())
    const editor = useSoundEditorStore()
    const store = useSoundClassificationStore()
    await editor.open('/sounds/a.wav')
    await store.classify()
    expect(store.addRegions()).toBe(3)
    expect(toAudioLabels(editor.regions).map((label) => label.label)).toEqual(['siren 0.80', 'car_horn 0.70', 'air_conditioner 0.50'])
    expect(editor.notice).toContain('Added 3 regions')
    expect(store.addRegions()).toBe(0)
    expect(editor.regions).toHaveLength(3)

    editor.removeRegion(editor.regions[0]!.id)
    store.setThreshold(0.75)
    expect(store.proposedRegions.map((region) => region.label)).toEqual(['siren 0.80'])
    expect(store.addRegions()).toBe(1)
    store.setThreshold(7)
    expect(store.threshold).toBe(1)
    store.setThreshold(Number.NaN)
    expect(store.threshold).toBe(1)
    expect(store.addRegions()).toBe(0)
    expect(editor.notice).toBe('No class region has a probability of 1.00 or more.')
  })
})

async function renderPanel(prepare: () => Promise<void> | void): Promise<string> {
  const { pinia, api } = storesOver(core())
  await prepare()
  const app = createSSRApp({ render: () => h(ClassificationPanel) })
  app.provide(apiKey, api)
  app.use(pinia)
  // Without comments and scoped-style attributes, to match the markup as written.
  return (await renderToString(app)).replace(/<!--[\s\S]*?-->/g, '').replace(/ data-v-\w+/g, '')
}

describe('the classification panel', () => {
  it('tells how to train a classifier when none is installed', async () => {
    const html = await renderPanel(() => {
      useSoundClassificationStore().classifiers = []
    })
    expect(html).toContain('No sound classifier is installed yet')
    expect(html).toContain('percept esc train --dataset &lt;folder&gt;')
    expect(html).not.toContain('data-testid="classify"')
  })

  it('shows the chooser, the clip label, the ranking and what Add as regions would add', async () => {
    const html = await renderPanel(async () => {
      const store = useSoundClassificationStore()
      await store.loadClassifiers()
      await useSoundEditorStore().open('/sounds/a.wav')
      await store.classify()
    })
    expect(html).toMatch(/<fieldset class="classifier-choice"[^>]*data-testid="classifier-select"><legend class="classifier-legend">Classifier<\/legend>/)
    expect(html).toMatch(/<input type="radio"[^>]*value="m1" checked[^>]*><span class="classifier-name">dilated fixture \(bundled\)<\/span>/)
    expect(html).toContain('Bundled with the app, 3 classes; accuracy 84% on 25 synthetic clips (1 held-out fold)')
    expect(html).toMatch(/<strong data-testid="classification-label">siren<\/strong>/)
    const ranking = /<ol[^>]*data-testid="class-ranking">([\s\S]*?)<\/ol>/.exec(html)![1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
    expect(ranking).toBe('siren 0.44 car_horn 0.33 air_conditioner 0.23')
    expect(html).toMatch(/<button type="button" class="button" data-testid="add-class-regions">Add as regions<\/button>/)
    expect(html).toContain('3 regions at 0.50 or more: runs of segments with the same top class.')
  })
})
