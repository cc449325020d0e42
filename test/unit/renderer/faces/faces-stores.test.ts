import { describe, expect, it } from 'vitest'
import type { FaceEvaluationResult, FacePersonSummary, FacePhotoSummary, JobSummary } from '../../../../main/api'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { cmcChart, parseGalleryImages, resultRows } from '../../../../renderer/src/workspaces/faces/lib/evaluation'
import { sortDrop } from '../../../../renderer/src/workspaces/faces/lib/face-files'
import { pictureWidth, residualShare } from '../../../../renderer/src/workspaces/faces/lib/identification'
import { useFacesEvaluationStore } from '../../../../renderer/src/workspaces/faces/stores/faces-evaluation'
import { useFacesGalleryStore } from '../../../../renderer/src/workspaces/faces/stores/faces-gallery'
import { useFacesIdentifyStore } from '../../../../renderer/src/workspaces/faces/stores/faces-identify'
import { deferred, FakeBridge, settle, storesOver } from '../fake-bridge'

const person = (id: string, name: string, photos = 1): FacePersonSummary => ({ id, name, photos, thumbnail: photos ? `res/faces/crops/${id}-p` : null, createdAt: '', updatedAt: '' })
const photo = (id: string, personId: string | null): FacePhotoSummary => ({
  id,
  personId,
  sourceName: `${id}.png`,
  width: 40,
  height: 48,
  box: null,
  cropSize: { height: 48, width: 40 },
  crop: `res/faces/crops/${id}`,
  addedAt: '',
})
const job = (id: string, state: JobSummary['state'], kind = 'faces.evaluate'): JobSummary => ({
  id,
  kind,
  title: id,
  state,
  fraction: state === 'done' ? 1 : 0.5,
  stage: '',
  etaSeconds: null,
  createdAt: '',
  updatedAt: '',
  startedAt: null,
  finishedAt: null,
})

/** A gallery in memory answering the faces.* calls the store makes. */
function galleryBridge() {
  const state = { people: [person('a', 'Ann', 2), person('b', 'Ben', 1)], photos: { a: [photo('a1', 'a'), photo('a2', 'a')], b: [photo('b1', 'b')] } as Record<string, FacePhotoSummary[]>, inbox: [] as FacePhotoSummary[] }
  const bridge = new FakeBridge()
    .answer('faces.people', (input) => {
      const search = (input as { search?: string }).search?.toLowerCase()
      return { ok: true, value: { people: state.people.filter((p) => !search || p.name.toLowerCase().includes(search)), inbox: state.inbox.length, crop: { height: 48, width: 40 } } }
    })
    .answer('faces.person', (input) => {
      const p = state.people.find((x) => x.id === (input as { id: string }).id)
      return p ? { ok: true, value: { person: p, photos: state.photos[p.id] ?? [] } } : { ok: false, error: { code: 'NOT_FOUND', message: 'gone' } }
    })
    .answer('faces.inbox', () => ({ ok: true, value: state.inbox }))
  return { state, bridge }
}

describe('the gallery store', () => {
  it('lists and searches people, opens one, and goes back', async () => {
    const { bridge } = galleryBridge()
    storesOver(bridge)
    const gallery = useFacesGalleryStore()
    gallery.start()
    await settle()
    expect(gallery.people.map((p) => p.name)).toEqual(['Ann', 'Ben'])
    expect(gallery.loaded).toBe(true)
    gallery.setSearch('be')
    await settle()
    expect(gallery.people.map((p) => p.name)).toEqual(['Ben'])
    expect(bridge.callsTo('faces.people').at(-1)).toEqual({ search: 'be' })
    await gallery.open('a')
    expect(gallery.person?.name).toBe('Ann')
    expect(gallery.photos.map((p) => p.id)).toEqual(['a1', 'a2'])
    gallery.setSearch('')
    await settle()
    expect(gallery.others.map((p) => p.name)).toEqual(['Ben'])
    gallery.close()
    expect(gallery.person).toBeNull()
  })

  it('merges with an undo in the notice, and the undo brings the person back', async () => {
    const { state, bridge } = galleryBridge()
    bridge
      .answer('faces.mergePeople', () => {
        state.photos.b = [...state.photos.b!, ...state.photos.a!]
        state.people = [person('b', 'Ben', 3)]
        return { ok: true, value: { merged: { id: 'a', name: 'Ann' }, into: { id: 'b', name: 'Ben' }, photoIds: ['a1', 'a2'] } }
      })
      .answer('faces.undoMerge', () => {
        state.people = [person('a', 'Ann', 2), person('b', 'Ben', 1)]
        state.photos.b = [photo('b1', 'b')]
        return { ok: true, value: { person: person('a', 'Ann', 2), photoIds: ['a1', 'a2'] } }
      })
    storesOver(bridge)
    const gallery = useFacesGalleryStore()
    gallery.start()
    await settle()
    await gallery.open('a')
    await gallery.mergeInto('b')
    expect(bridge.callsTo('faces.mergePeople')).toEqual([{ source: 'a', target: 'b' }])
    expect(gallery.notice).toEqual({ text: 'Merged Ann into Ben (2 photos moved).', undoMerge: 'a' })
    expect(gallery.person?.name).toBe('Ben')
    expect(gallery.photos).toHaveLength(3)
    await gallery.undoMerge('a')
    expect(gallery.notice?.text).toBe('Ann is back with 2 photos.')
    expect(gallery.people.map((p) => p.name)).toEqual(['Ann', 'Ben'])
    // The open page (Ben) follows: his photos are his own again.
    expect(gallery.photos.map((p) => p.id)).toEqual(['b1'])
  })

  it('deletes the open person: back to the grid, the notice says where the photos went, the inbox holds them', async () => {
    const { state, bridge } = galleryBridge()
    bridge.answer('faces.deletePerson', () => {
      state.inbox = state.photos.a!.map((p) => ({ ...p, personId: null }))
      state.people = [person('b', 'Ben', 1)]
      return { ok: true, value: { person: person('a', 'Ann', 2), photoIds: ['a1', 'a2'] } }
    })
    storesOver(bridge)
    const gallery = useFacesGalleryStore()
    gallery.start()
    await settle()
    await gallery.open('a')
    expect(await gallery.remove()).toBe(true)
    expect(gallery.person).toBeNull()
    expect(gallery.notice?.text).toBe('Deleted Ann; 2 photos went to the inbox.')
    expect(gallery.inbox.map((p) => p.id)).toEqual(['a1', 'a2'])
    expect(gallery.inboxCount).toBe(2)
  })

  it('imports to a person, a new person or the inbox, and hands a refusal to the dialog', async () => {
    const { bridge } = galleryBridge()
    let refuse = false
    bridge.answer('faces.importPhotos', () =>
      refuse
        ? { ok: false, error: { code: 'VALIDATION', message: 'The gallery already has a person named "Ann".' } }
        : { ok: true, value: { taken: 2, refused: 1, files: [], person: person('c', 'Cy', 2), created: true } },
    )
    storesOver(bridge)
    const gallery = useFacesGalleryStore()
    await gallery.importPaths(['/x/cy'], { kind: 'new', name: 'Cy' })
    await gallery.importPaths(['/x/a.png'], { kind: 'person', id: 'a' })
    await gallery.importPaths(['/x/b.png'], { kind: 'inbox' })
    expect(bridge.callsTo('faces.importPhotos')).toEqual([
      { paths: ['/x/cy'], newPerson: 'Cy' },
      { paths: ['/x/a.png'], personId: 'a' },
      { paths: ['/x/b.png'] },
    ])
    expect(gallery.notice?.text).toBe('Imported 2 photos to Cy; 1 refused.')
    refuse = true
    await expect(gallery.importPaths(['/x/a.png'], { kind: 'new', name: 'Ann' })).rejects.toThrow(/already has a person/)
    expect(gallery.busy).toBe(false)
  })

  it('reports a failed assignment in the error banner', async () => {
    const { bridge } = galleryBridge()
    bridge.answer('faces.assignPhoto', () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'No photo with id z in the gallery.' } }))
    storesOver(bridge)
    const gallery = useFacesGalleryStore()
    await gallery.assign('z', 'a')
    expect(useAppStore().lastError?.message).toBe('No photo with id z in the gallery.')
  })
})

describe('the identification store', () => {
  it('identifies a probe, matches it again at another resolution, and keeps only the newest answer', async () => {
    const first = deferred<{ ok: true; value: unknown }>()
    const answers = [first.promise, Promise.resolve({ ok: true as const, value: { id: 'second', candidates: [] } })]
    const bridge = new FakeBridge().answer('faces.identify', () => answers.shift()!)
    storesOver(bridge)
    const identify = useFacesIdentifyStore()
    void identify.identify('/p/probe.png')
    expect(identify.busy).toBe(true)
    identify.configure({ resolution: '7x6', top: 3 })
    await settle()
    first.resolve({ ok: true, value: { id: 'first', candidates: [] } })
    await settle()
    expect(identify.result?.id).toBe('second')
    expect(identify.busy).toBe(false)
    expect(bridge.callsTo('faces.identify')).toEqual([
      { path: '/p/probe.png', top: 5 },
      { path: '/p/probe.png', top: 3, resolution: '7x6' },
    ])
  })

  it('shows the core\'s refusal and clears the stale answer', async () => {
    const bridge = new FakeBridge().answer('faces.identify', () => ({ ok: false, error: { code: 'VALIDATION', message: 'big.png is 96x80 pixels, larger than the gallery\'s 48x40 face crop.' } }))
    storesOver(bridge)
    const identify = useFacesIdentifyStore()
    await identify.identify('/p/big.png')
    expect(identify.error).toMatch(/larger than the gallery's 48x40/)
    expect(identify.result).toBeNull()
  })
})

const evaluation: FaceEvaluationResult = {
  dataset: 'set',
  people: 3,
  imagesPerPerson: 21,
  galleryImages: [7],
  resolutions: [
    {
      resolution: '7x6',
      methods: [
        { method: 'slrfr', rank1: 0.9, cmc: [0.9, 0.95, 1] },
        { method: 'pca', rank1: 0.5, cmc: [0.5, 0.8, 1] },
        { method: 'pca-relit', rank1: 0.6, cmc: [0.6, 0.9, 1] },
      ],
    },
  ],
  seconds: 1.5,
}

describe('the evaluation store', () => {
  it('lists evaluation jobs only, follows progress, and loads the result when one is done', async () => {
    const bridge = new FakeBridge()
      .answerValue('jobs.list', [job('e1', 'running'), job('t1', 'done', 'demo.train')])
      .answerValue('jobs.get', { ...job('e1', 'done'), input: {}, result: evaluation, error: null, resumable: false, attempts: 1, checkpointEpoch: null, checkpoint: null })
      .answerValue('faces.evaluate', job('e2', 'queued'))
    storesOver(bridge)
    const store = useFacesEvaluationStore()
    store.startFollowing()
    await settle()
    expect(store.runs.map((r) => r.id)).toEqual(['e1'])
    expect(store.selectedId).toBe('e1')
    expect(store.result).toBeNull()
    bridge.emit('job.progress', job('e1', 'done'))
    bridge.emit('job.progress', job('x', 'done', 'demo.count'))
    await settle()
    expect(store.result?.resolutions[0]!.resolution).toBe('7x6')
    await store.start({ dataset: '/d/set', resolutions: ['7x6'] })
    expect(store.runs.map((r) => r.id)).toEqual(['e2', 'e1'])
    expect(store.selectedId).toBe('e2')
    store.stop()
    expect(bridge.listenerCount('job.progress')).toBe(0)
  })
})

describe('faces page logic', () => {
  it('makes result rows and CMC curves of an evaluation', () => {
    const rows = resultRows(evaluation)
    expect(rows.map((r) => [r.method, r.rank1, r.rank5, r.best])).toEqual([
      ['slrfr', 0.9, null, true],
      ['pca', 0.5, null, false],
      ['pca-relit', 0.6, null, false],
    ])
    const chart = cmcChart(evaluation, '7x6')!
    expect(chart.data).toEqual([
      [1, 2, 3],
      [90, 95, 100],
      [50, 80, 100],
      [60, 90, 100],
    ])
    expect(chart.labels[0]).toMatch(/SLRFR/)
    expect(cmcChart(evaluation, '10x8')).toBeNull()
  })

  it('reads gallery indices and refuses what is not one', () => {
    expect(parseGalleryImages('')).toEqual({ value: undefined })
    expect(parseGalleryImages('14, 0 7,7')).toEqual({ value: [0, 7, 14] })
    expect(parseGalleryImages('1.5')).toHaveProperty('error')
    expect(parseGalleryImages('-1')).toHaveProperty('error')
  })

  it('sorts a drop into images and a refusal naming the others', () => {
    const { images, refusal } = sortDrop([{ name: 'a.PNG' }, { name: 'b.jpeg' }, { name: 'notes.txt' }])
    expect(images.map((f) => f.name)).toEqual(['a.PNG', 'b.jpeg'])
    expect(refusal).toBe('notes.txt is not a PNG or JPEG image: faces are imported and identified from .png, .jpg or .jpeg files.')
    expect(sortDrop([{ name: 'a.jpg' }]).refusal).toBeNull()
  })

  it('draws pictures at one height with their shape, and residual bars relative to the largest shown', () => {
    expect(pictureWidth(7, 6, 112)).toBe(96)
    expect(pictureWidth(48, 40, 96)).toBe(80)
    const shown = [{ residual: 0.02 }, { residual: 0.08 }]
    expect(residualShare(shown[0]!, shown)).toBe(0.25)
    expect(residualShare(shown[1]!, shown)).toBe(1)
  })
})
