import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FaceDetection, FaceImportReport, JobSummary, MethodOutput } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { DETECTION_DIR, MANIFEST_FILE, runFaceDetection, type DetectionManifest } from '../../main/faces/detect/detect-job'
import { decodeFaceImage } from '../../main/faces/face-image'
import { photoScene } from '../../main/faces/fixtures/photo-scene'
import { routerCalls } from '../helpers/router-calls'
import { tempApp } from '../helpers/temp-app'
import { writeFace, writePng } from '../unit/faces/gallery/gallery-fixtures'

// Imports through face detection: the faces.detect job body on a two-face scene, a scene with no face, an
// aligned crop and a damaged file (its run folder, progress and cancel), then the whole path through the
// router: the job, the faces recorded in the gallery once it is done (one face to the new person, each
// face of the two-face photo to the inbox), the photo and crops served, and a box drawn by hand for the
// photo with none. The real detector; 0.2 is the synthetic scenes' threshold (face-detector.test.ts).

let app: PerceptApp
let cleanup: () => void
let dir: string
let files: { two: string; none: string; one: string; aligned: string; damaged: string }
const { call, fail } = routerCalls(() => app)
const crop = { height: 48, width: 40 }

beforeAll(() => {
  ;({ app, close: cleanup } = tempApp())
  dir = mkdtempSync(join(tmpdir(), 'percept-faces-detect-'))
  const incoming = join(dir, 'incoming')
  files = {
    two: writePng(join(incoming, 'two.png'), photoScene({ seed: 1, faces: 2 }).image),
    none: writePng(join(incoming, 'none.png'), photoScene({ seed: 11, faces: 0 }).image),
    one: writePng(join(dir, 'single', 'one.png'), photoScene({ seed: 2, faces: 1 }).image),
    aligned: writeFace(incoming, 0, 7),
    damaged: join(incoming, 'zz-damaged.png'),
  }
  writeFileSync(files.damaged, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))
})

afterAll(() => {
  cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the faces.detect job', { timeout: 240_000 }, () => {
  it('writes each photo, its faces and a manifest into its run folder; messages for a photo with no face and a damaged file', async () => {
    const runDir = join(dir, 'run-1')
    mkdirSync(runDir)
    const stages: string[] = []
    const ctx = { runDir, signal: new AbortController().signal, progress: (_f: number, stage?: string) => void stages.push(stage ?? ''), log: () => {} }
    const summary = await runFaceDetection({ paths: [join(dir, 'incoming')], crop, minConfidence: 0.2 }, ctx)
    expect(summary).toEqual({ photos: 4, faces: 3, withoutFace: 2 })
    expect(stages).toContain('photo 2 of 4: person-0-light-7.png')
    const manifest = JSON.parse(readFileSync(join(runDir, DETECTION_DIR, MANIFEST_FILE), 'utf8')) as DetectionManifest
    expect(manifest.photos.map((p) => [p.name, p.faces.length, p.manualBox])).toEqual([
      ['none.png', 0, true],
      ['person-0-light-7.png', 1, false],
      ['two.png', 2, false],
      ['zz-damaged.png', 0, false],
    ])
    expect(manifest.photos[0]!.message).toBe("no face was found in the photo. Give the face's box by hand to import it (drag it on the photo in the app, or --box x,y,width,height).")
    expect(manifest.photos[3]!.message).toBe("this is neither a PNG nor a JPEG file. Convert the image to PNG or JPEG.")
    // The aligned crop is taken whole (no box, no eyes); the scene's faces have boxes left to right and level eyes.
    expect(manifest.photos[1]!.faces[0]).toMatchObject({ box: null, eyes: null, score: 1 })
    const [left, right] = manifest.photos[2]!.faces
    expect(left!.box!.x).toBeLessThan(right!.box!.x)
    for (const face of [left!, right!]) {
      expect(Math.abs(face.eyes!.left[1] - face.eyes!.right[1])).toBeLessThan(0.1 * face.box!.height)
      const png = decodeFaceImage(readFileSync(join(runDir, DETECTION_DIR, face.cropFile)))
      expect([png.height, png.width]).toEqual([48, 40])
    }
    expect(readFileSync(join(runDir, DETECTION_DIR, manifest.photos[2]!.photoFile!))).toEqual(readFileSync(files.two))
    expect(existsSync(join(runDir, `${DETECTION_DIR}.partial`))).toBe(false)
  })

  it('leaves no detection behind when cancelled', async () => {
    const runDir = join(dir, 'run-2')
    mkdirSync(runDir)
    const controller = new AbortController()
    const ctx = { runDir, signal: controller.signal, progress: (f: number) => (f > 0 ? controller.abort() : undefined), log: () => {} }
    await expect(runFaceDetection({ paths: [join(dir, 'incoming')], crop, minConfidence: 0.2 }, ctx)).rejects.toThrow()
    expect(existsSync(join(runDir, DETECTION_DIR))).toBe(false)
    expect(existsSync(join(runDir, `${DETECTION_DIR}.partial`))).toBe(false)
  })
})

describe('importing through detection', { timeout: 240_000 }, () => {
  it('checks the target before a job starts', async () => {
    expect((await fail('faces.detectPhotos', { paths: ['incoming'] })).message).toMatch(/is not a full path/)
    expect((await fail('faces.detectPhotos', { paths: [files.two], newPerson: '  ' })).code).toBe('VALIDATION')
    expect((await fail('faces.detectPhotos', { paths: [files.two], minConfidence: 2 })).code).toBe('VALIDATION')
  })

  it('records one face to the new person, each face of a two-face photo to the inbox, and refuses the photo with none', async () => {
    const job = await call<JobSummary>('faces.detectPhotos', { paths: [files.one, files.two, files.none], newPerson: 'Ada', minConfidence: 0.2 })
    expect(job.kind).toBe('faces.detect')
    expect((await app.jobs.whenSettled(job.id)).state).toBe('done')
    const detection = await call<FaceDetection>('faces.detection', { job: job.id })
    const report = detection.report!
    expect(report).toMatchObject({ taken: 3, refused: 1, created: true })
    expect(report.person?.name).toBe('Ada')
    expect(report.files.find((f) => !f.taken)).toEqual({ file: files.none, taken: false, photoId: null, reason: "no face was found in the photo. Give the face's box by hand to import it (drag it on the photo in the app, or --box x,y,width,height)." })
    const [one, two, none] = detection.photos
    expect(one!.faces.map((f) => f.personId)).toEqual([report.person!.id])
    expect(two!.faces.map((f) => f.personId)).toEqual([null, null])
    expect(none).toMatchObject({ faces: [], manualBox: true, width: 480, height: 360 })
    const inbox = await call<MethodOutput<'faces.inbox'>>('faces.inbox', {})
    expect(inbox.map((p) => p.id).sort()).toEqual(two!.faces.map((f) => f.photoId).sort())
    // Asking again records nothing twice.
    expect((await call<FaceDetection>('faces.detection', { job: job.id })).report).toEqual(report)
    expect((await call<MethodOutput<'faces.people'>>('faces.people', {})).people.map((p) => [p.name, p.photos])).toEqual([['Ada', 1]])
    // The photo as imported and each aligned crop, through res/faces/detections/...
    const photo = await app.resources({ method: 'GET', path: two!.url!.replace(/^res\//, '').split('/'), query: new URLSearchParams(), range: null, body: null })
    expect(photo.headers['Content-Type']).toBe('image/png')
    expect(photo.body?.kind === 'bytes' && Buffer.from(photo.body.bytes).equals(readFileSync(files.two))).toBe(true)
    const cropped = await app.resources({ method: 'GET', path: two!.faces[1]!.crop.replace(/^res\//, '').split('/'), query: new URLSearchParams(), range: null, body: Readable.from([]) })
    if (cropped.body?.kind !== 'bytes') throw new Error('expected bytes')
    expect(decodeFaceImage(cropped.body.bytes).width).toBe(40)
    // The photo with no face, by a box drawn by hand around where the detector saw nothing.
    const byHand = await call<FaceImportReport>('faces.importPhotos', { paths: [none!.file], personId: report.person!.id, box: { x: 100, y: 60, width: 120, height: 144 } })
    expect(byHand).toMatchObject({ taken: 1, refused: 0 })
  })

  it('answers an unfinished or cancelled job with no photos and records nothing of it', async () => {
    const job = await call<JobSummary>('faces.detectPhotos', { paths: [join(dir, 'incoming')], minConfidence: 0.2 })
    await call('jobs.cancel', { id: job.id })
    const settled = await app.jobs.whenSettled(job.id)
    expect(['cancelled', 'done']).toContain(settled.state)
    if (settled.state === 'cancelled') {
      expect(await call<FaceDetection>('faces.detection', { job: job.id })).toEqual({ job: job.id, state: 'cancelled', photos: [], report: null })
    }
  })
})
