import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaceEvaluationResult, FaceIdentification, FaceImportReport, JobSummary, MethodOutput, ResourceResponse } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { decodeFaceImage, encodeGreyPng, readFaceImage } from '../../main/faces/face-image'
import { runFaceEvaluation } from '../../main/faces/evaluate-job'
import { writePieSet } from '../../main/faces/fixtures/pie-set'
import { downsample } from '../../main/faces/resolution'
import { lightLabel } from '../../main/faces/service'
import { routerCalls } from '../helpers/router-calls'
import { tempApp } from '../helpers/temp-app'

// The face gallery through the router and res/faces/...: a synthetic PIE-like set (6 people x 21 lights)
// imported one front-lit photo per person, the grid and person pages, relit images as PNG, a 7x6 probe of
// another light identified with its person first, merge and undo, split, delete into the inbox and back,
// uploads, and the PIE-protocol evaluation (its job body; its input checked before a job starts).
let app: PerceptApp
let cleanup: () => void
let dir: string
const { call, fail } = routerCalls(() => app)
const people = 6
const person = (i: number): string => `person-${String(i + 1).padStart(3, '0')}`
const photo = (i: number, light: number): string => join(dir, 'set', person(i), `light-${String(light).padStart(2, '0')}.png`)

beforeAll(async () => {
  ;({ app, close: cleanup } = tempApp())
  dir = mkdtempSync(join(tmpdir(), 'percept-faces-'))
  await writePieSet(join(dir, 'set'), { people, seed: 4 })
}, 60_000)

afterAll(() => {
  cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function resource(method: 'GET' | 'POST', path: string, body?: Uint8Array, query = ''): Promise<ResourceResponse> {
  return app.resources({
    method,
    path: path.replace(/^res\//, '').split('/'),
    query: new URLSearchParams(query),
    range: null,
    body: body ? Readable.from([body]) : null,
  })
}

async function pngOf(url: string): Promise<{ height: number; width: number; data: Float64Array }> {
  const response = await resource('GET', url)
  expect(response.status, url).toBe(200)
  expect(response.headers['Content-Type']).toBe('image/png')
  if (response.body?.kind !== 'bytes') throw new Error('expected bytes')
  return decodeFaceImage(response.body.bytes, url)
}

/** A 7x6 probe of person i under light k, written as PNG; its path. */
async function probe(i: number, k: number): Promise<string> {
  const file = join(dir, `probe-${i}-${k}.png`)
  writeFileSync(file, encodeGreyPng(downsample(await readFaceImage(photo(i, k)), { height: 7, width: 6 })))
  return file
}

const ids: string[] = []

describe('the gallery', () => {
  it('imports one front-lit photo per new person and lists them with counts and thumbnails', async () => {
    for (let i = 0; i < people; i++) {
      const report = await call<FaceImportReport>('faces.importPhotos', { paths: [photo(i, 7)], newPerson: person(i) })
      expect(report).toMatchObject({ taken: 1, refused: 0, created: true })
      expect(report.person?.name).toBe(person(i))
      ids.push(report.person!.id)
    }
    const listed = await call<MethodOutput<'faces.people'>>('faces.people', {})
    expect(listed.people.map((p) => p.name)).toEqual(Array.from({ length: people }, (_, i) => person(i)))
    expect(listed.people.every((p) => p.photos === 1 && p.thumbnail?.startsWith('res/faces/crops/'))).toBe(true)
    expect(listed).toMatchObject({ inbox: 0, crop: { height: 48, width: 40 } })
    const thumb = await pngOf(listed.people[0]!.thumbnail!)
    expect([thumb.height, thumb.width]).toEqual([48, 40])
    // The thumbnail is the canonical crop of the imported image (48 x 40 already): the same pixels, to 8 bits.
    const original = await readFaceImage(photo(0, 7))
    expect(Math.max(...thumb.data.map((v, p) => Math.abs(v - original.data[p]!)))).toBeLessThan(1 / 255 + 1e-9)
    expect((await call<MethodOutput<'faces.people'>>('faces.people', { search: '003' })).people.map((p) => p.name)).toEqual([person(2)])
  })

  it('refuses a second copy of a file, a taken name and a relative path, saying why', async () => {
    const again = await call<FaceImportReport>('faces.importPhotos', { paths: [photo(0, 7)], personId: ids[0] })
    expect(again.taken).toBe(0)
    expect(again.files[0]!.reason).toMatch(/already in the gallery/)
    expect((await fail('faces.importPhotos', { paths: [photo(0, 3)], newPerson: person(1) })).message).toMatch(/already has a person named "person-002"/)
    expect((await fail('faces.importPhotos', { paths: ['light-03.png'] })).message).toMatch(/not a full path/)
    expect((await fail('faces.importPhotos', { paths: [photo(0, 3)], personId: ids[0], newPerson: 'x' })).message).toMatch(/not both/)
  })

  it('adds a photo to a person and shows it on their page', async () => {
    const report = await call<FaceImportReport>('faces.importPhotos', { paths: [photo(0, 3)], personId: ids[0] })
    expect(report.taken).toBe(1)
    const page = await call<MethodOutput<'faces.person'>>('faces.person', { id: ids[0] })
    expect(page.person.photos).toBe(2)
    expect(page.photos.map((p) => p.sourceName)).toEqual(['light-07.png', 'light-03.png'])
    expect(page.photos[0]).toMatchObject({ width: 40, height: 48, box: null, cropSize: { height: 48, width: 40 } })
  })

  it('relights a photo under the nine lights, served as 48x40 PNGs that differ from one another', async () => {
    const page = await call<MethodOutput<'faces.person'>>('faces.person', { id: ids[1] })
    const relit = await call<MethodOutput<'faces.relit'>>('faces.relit', { photoId: page.photos[0]!.id })
    expect(relit.images).toHaveLength(9)
    expect(relit.images[0]).toMatchObject({ theta: 0, phi: 0, label: 'frontal' })
    // A front-lit photo: the estimated light points at the camera.
    expect(relit.light.direction[2]).toBeGreaterThan(0.9)
    const images = await Promise.all(relit.images.map((image) => pngOf(image.url)))
    expect(images.every((image) => image.height === 48 && image.width === 40)).toBe(true)
    const mean = (image: { data: Float64Array }): number => image.data.reduce((a, b) => a + b, 0) / image.data.length
    // Frontal light shows the face brightest; a grazing light leaves much of it dark.
    expect(mean(images[0]!)).toBeGreaterThan(mean(images[5]!))
    expect(lightLabel(68, -90)).toBe('from the bottom')
    expect(lightLabel(74, 108)).toBe('from the top')
    expect(lightLabel(85, -137)).toBe('from the lower left')
    expect((await resource('GET', `res/faces/relit/${page.photos[0]!.id}/9`)).status).toBe(404)
  })
})

describe('identification', () => {
  it('ranks the right person first for 7x6 probes of other lights, with residuals and reconstructions', async () => {
    let first = 0
    for (let i = 0; i < people; i++) {
      const result = await call<FaceIdentification>('faces.identify', { path: await probe(i, 10), top: 3 })
      expect(result).toMatchObject({ resolution: '7x6', people, probe: { height: 7, width: 6 } })
      expect(result.candidates).toHaveLength(3)
      const residuals = result.candidates.map((c) => c.residual)
      expect([...residuals].sort((a, b) => a - b)).toEqual(residuals)
      if (result.candidates[0]!.person === person(i)) first++
      const reconstruction = await pngOf(result.candidates[0]!.reconstruction)
      expect([reconstruction.height, reconstruction.width]).toEqual([7, 6])
      const probePng = await pngOf(result.probe.url)
      expect([probePng.height, probePng.width]).toEqual([7, 6])
      expect(result.candidates[0]!.thumbnail).toMatch(/^res\/faces\/crops\//)
    }
    expect(first).toBe(people)
  })

  it('refuses a probe larger than the gallery crop and an unknown resolution, with what to do', async () => {
    expect((await fail('faces.identify', { path: photo(0, 9), resolution: '50x50' })).message).toMatch(/larger than the gallery's 48x40/)
    const big = join(dir, 'big.png')
    writeFileSync(big, encodeGreyPng({ height: 96, width: 80, data: new Float64Array(96 * 80).fill(0.5) }))
    expect((await fail('faces.identify', { path: big })).message).toMatch(/larger than the gallery's 48x40 face crop/)
    expect((await fail('faces.identify', { path: photo(0, 9), resolution: 'seven' })).code).toBe('VALIDATION')
    expect((await resource('GET', 'res/faces/identifications/nothing/probe')).status).toBe(404)
  })

  it('takes an uploaded probe and refuses an upload that is not an image', async () => {
    const bytes = encodeGreyPng(downsample(await readFaceImage(photo(2, 12)), { height: 10, width: 8 }))
    const response = await resource('POST', 'res/faces/upload', bytes, 'name=probe.png')
    expect(response.status).toBe(200)
    if (response.body?.kind !== 'bytes') throw new Error('expected bytes')
    const { path } = JSON.parse(new TextDecoder().decode(response.body.bytes)) as { path: string }
    expect(existsSync(path)).toBe(true)
    const result = await call<FaceIdentification>('faces.identify', { path, resolution: '7x6' })
    expect(result.resolution).toBe('7x6')
    expect(result.candidates[0]!.person).toBe(person(2))
    const refused = await resource('POST', 'res/faces/upload', bytes, 'name=notes.txt')
    expect(refused.status).toBe(400)
  })
})

describe('merge, split, delete', () => {
  it('merges two people and undoes it, photos back where they were', async () => {
    const receipt = await call<MethodOutput<'faces.mergePeople'>>('faces.mergePeople', { source: ids[0], target: ids[1] })
    expect(receipt.photoIds).toHaveLength(2)
    let listed = await call<MethodOutput<'faces.people'>>('faces.people', {})
    expect(listed.people.map((p) => p.name)).not.toContain(person(0))
    expect(listed.people.find((p) => p.id === ids[1])!.photos).toBe(3)
    expect((await fail('faces.mergePeople', { source: ids[1], target: ids[1] })).message).toMatch(/themselves/)
    const undone = await call<MethodOutput<'faces.undoMerge'>>('faces.undoMerge', { id: ids[0] })
    expect(undone.person).toMatchObject({ name: person(0), photos: 2 })
    listed = await call<MethodOutput<'faces.people'>>('faces.people', {})
    expect(listed.people.find((p) => p.id === ids[1])!.photos).toBe(1)
  })

  it('splits chosen photos off to a new person, and renames', async () => {
    const page = await call<MethodOutput<'faces.person'>>('faces.person', { id: ids[0] })
    const split = await call<MethodOutput<'faces.splitPerson'>>('faces.splitPerson', { id: ids[0], photoIds: [page.photos[1]!.id], name: 'person-001 side light' })
    expect(split.photos).toBe(1)
    const renamed = await call<MethodOutput<'faces.renamePerson'>>('faces.renamePerson', { id: split.id, name: 'Side' })
    expect(renamed.name).toBe('Side')
    expect((await fail('faces.renamePerson', { id: split.id, name: '  ' })).message).toMatch(/needs a name/)
  })

  it('deletes a person into the inbox and assigns the photo back', async () => {
    const side = (await call<MethodOutput<'faces.people'>>('faces.people', { search: 'Side' })).people[0]!
    const deleted = await call<MethodOutput<'faces.deletePerson'>>('faces.deletePerson', { id: side.id })
    expect(deleted.photoIds).toHaveLength(1)
    const inbox = await call<MethodOutput<'faces.inbox'>>('faces.inbox', {})
    expect(inbox.map((p) => p.id)).toEqual(deleted.photoIds)
    expect(inbox[0]!.personId).toBeNull()
    expect((await call<MethodOutput<'faces.people'>>('faces.people', {})).inbox).toBe(1)
    const assigned = await call<MethodOutput<'faces.assignPhoto'>>('faces.assignPhoto', { photoId: inbox[0]!.id, personId: ids[0] })
    expect(assigned.personId).toBe(ids[0])
    expect(await call('faces.inbox', {})).toEqual([])
    expect((await fail('faces.person', { id: side.id })).code).toBe('NOT_FOUND')
  })
})

describe('evaluation', () => {
  it('checks the data set folder and the resolutions before a job starts', async () => {
    expect((await fail('faces.evaluate', { dataset: join(dir, 'nowhere'), resolutions: ['7x6'] })).message).toMatch(/is not a folder/)
    expect((await fail('faces.evaluate', { dataset: join(dir, 'set'), resolutions: ['60x50'] })).message).toMatch(/larger than the gallery's 48x40/)
    expect((await fail('faces.evaluate', { dataset: join(dir, 'set'), resolutions: ['24x24'] })).message).toMatch(/576 pixels/)
    expect((await fail('faces.evaluate', { dataset: join(dir, 'set'), resolutions: [] })).code).toBe('VALIDATION')
  })

  it('runs the PIE protocol index by index: pooled CMC, SLRFR ahead of PCA at 7x6, progress and cancel', async () => {
    const stages: string[] = []
    const controller = new AbortController()
    const ctx = { signal: controller.signal, progress: (_f: number, stage?: string) => void stages.push(stage ?? ''), log: () => {} }
    const result: FaceEvaluationResult = await runFaceEvaluation({ dataset: join(dir, 'set'), resolutions: ['7x6', '7x6', '10x8'], galleryImages: [7, 10] }, ctx)
    expect(result).toMatchObject({ people, imagesPerPerson: 21, galleryImages: [7, 10] })
    expect(result.resolutions.map((r) => r.resolution)).toEqual(['7x6', '10x8'])
    const at = (r: number, m: string) => result.resolutions[r]!.methods.find((x) => x.method === m)!
    for (const r of result.resolutions) {
      for (const m of r.methods) {
        expect(m.cmc).toHaveLength(people)
        expect(m.cmc[people - 1]).toBeCloseTo(1, 12)
        expect(m.rank1).toBe(m.cmc[0])
      }
    }
    expect(at(0, 'slrfr').rank1).toBeGreaterThan(at(0, 'pca').rank1)
    expect(stages).toContain('gallery image 10 (2 of 2)')
    controller.abort()
    await expect(runFaceEvaluation({ dataset: join(dir, 'set'), resolutions: ['7x6'] }, ctx)).rejects.toThrow()
    await expect(runFaceEvaluation({ dataset: join(dir, 'set'), resolutions: ['7x6'], galleryImages: [30] }, { ...ctx, signal: new AbortController().signal })).rejects.toThrow(
      /only 21 images/,
    )
  }, 120_000)

  it('starts a faces.evaluate job once the kind is registered', async () => {
    const { jobKinds } = await import('../../main/app/job-kinds')
    if (!jobKinds.some((k) => k.kind === 'faces.evaluate')) {
      expect((await fail('faces.evaluate', { dataset: join(dir, 'set'), resolutions: ['7x6'] })).message).toMatch(/no job kind "faces.evaluate"/)
      return
    }
    const job = await call<JobSummary>('faces.evaluate', { dataset: join(dir, 'set'), resolutions: ['7x6'], galleryImages: [7] })
    const settled = await app.jobs.whenSettled(job.id)
    expect(settled.state).toBe('done')
    const detail = await call<{ result: FaceEvaluationResult }>('jobs.get', { id: job.id })
    expect(detail.result.resolutions[0]!.methods.map((m) => m.method)).toEqual(['slrfr', 'pca', 'pca-relit', 'deep'])
  }, 120_000)
})
