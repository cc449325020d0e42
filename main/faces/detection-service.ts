import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FaceDetectJobInput, FaceDetection, FaceImportReport, JobDetail, JobSummary, ResourceResponse } from '../api'
import { writeJsonAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import { DETECTION_DIR, MANIFEST_FILE, type DetectionManifest } from './detect/detect-job'
import { recordDetection, type RecordedDetection } from './gallery/detected-import'
import type { GalleryStore } from './gallery/gallery-store'
import type { ImportReport } from './gallery/photo-import'

/**
 * Imports through face detection: starts faces.detect jobs (detect/detect-job.ts), records the faces of a
 * done one in the gallery (gallery/detected-import.ts) and answers its photos, boxes and crops. A job
 * cancelled or failed leaves nothing to record (its run folder has no detection/), so nothing half-done
 * reaches the gallery.
 */

/** The JobRunner, as far as faces use it. */
export interface FaceJobs {
  start(kind: string, input: unknown): JobSummary
  get(id: string): JobDetail
  whenSettled(id: string): Promise<JobSummary>
}

export interface FaceDetectionsOptions {
  store: GalleryStore
  jobs: FaceJobs
  /** runs/ of the workspace: each job's folder is runs/<job>/. */
  runsDir: string
  /** An import report as the API answers it (FacesService's). */
  report(report: ImportReport, personId: string | null, created: boolean): FaceImportReport
}

interface Recorded {
  report: FaceImportReport
  placed: RecordedDetection['placed']
}

/** In a faces.detect job's run folder: what the gallery took of it, written once recorded. */
const RECORD_FILE = 'imported.json'

export class FaceDetections {
  /** Jobs being recorded in the gallery, or recorded in this session. */
  private readonly recordings = new Map<string, Promise<Recorded>>()

  constructor(private readonly options: FaceDetectionsOptions) {}

  /** Starts the job (its input checked by the caller) and records its faces as soon as it is done. */
  start(input: { paths: string[]; personId?: string | undefined; newPerson?: string | undefined; minConfidence: number }): JobSummary {
    const jobInput: FaceDetectJobInput = {
      paths: input.paths,
      crop: { ...this.options.store.crop },
      minConfidence: input.minConfidence,
      ...(input.personId === undefined ? {} : { personId: input.personId }),
      ...(input.newPerson === undefined ? {} : { newPerson: input.newPerson }),
    }
    const job = this.options.jobs.start('faces.detect', jobInput)
    // A failure to record is told when the detection is asked for (which tries again).
    void this.options.jobs
      .whenSettled(job.id)
      .then((settled) => (settled.state === 'done' ? this.recorded(job.id) : null))
      .catch(() => null)
    return job
  }

  private job(id: string): JobDetail {
    const detail = this.options.jobs.get(id)
    if (detail.kind !== 'faces.detect') throw new PerceptError('VALIDATION', `Job ${id} is a ${detail.kind} job, not a face detection.`)
    return detail
  }

  private dir(id: string): string {
    return join(this.options.runsDir, id, DETECTION_DIR)
  }

  private async manifest(id: string): Promise<DetectionManifest> {
    try {
      return JSON.parse(await readFile(join(this.dir(id), MANIFEST_FILE), 'utf8')) as DetectionManifest
    } catch {
      throw new PerceptError('NOT_FOUND', `The faces found by job ${id} are no longer in the workspace (runs/${id}/${DETECTION_DIR}). Import the photos again.`)
    }
  }

  /**
   * The gallery's record of a done job: made once (the job's end or the page, whichever asks first; the
   * other waits for it) and kept in the run folder, so a job's faces never enter the gallery twice.
   */
  private recorded(id: string): Promise<Recorded> {
    let pending = this.recordings.get(id)
    if (!pending) {
      pending = this.record(id)
      this.recordings.set(id, pending)
      pending.catch(() => this.recordings.delete(id))
    }
    return pending
  }

  private async record(id: string): Promise<Recorded> {
    const file = join(this.options.runsDir, id, RECORD_FILE)
    const kept = await readFile(file, 'utf8').catch(() => null)
    if (kept !== null) return JSON.parse(kept) as Recorded
    const manifest = await this.manifest(id)
    const input = this.job(id).input as FaceDetectJobInput
    const { store } = this.options
    // The person chosen may have gone since the job started: their faces go to the inbox then.
    const existing = input.personId === undefined ? null : (store.listPeople().find((p) => p.id === input.personId) ?? null)
    let personId: string | null = existing?.id ?? null
    let created = false
    const recorded = await recordDetection(store, this.dir(id), manifest, () => {
      if (existing || input.newPerson === undefined) return personId
      const same = store.findPerson(input.newPerson)
      created = !same
      personId = (same ?? store.createPerson(input.newPerson)).id
      return personId
    })
    const record = { report: this.options.report(recorded, personId, created), placed: recorded.placed }
    await writeJsonAtomic(file, record)
    return record
  }

  /** The job's photos and faces (empty until it is done), with where each face went once recorded. */
  async detection(id: string): Promise<FaceDetection> {
    const detail = this.job(id)
    if (detail.state !== 'done') return { job: id, state: detail.state, photos: [], report: null }
    const manifest = await this.manifest(id)
    const { report, placed } = await this.recorded(id)
    const base = `res/faces/detections/${encodeURIComponent(id)}`
    return {
      job: id,
      state: detail.state,
      report,
      photos: manifest.photos.map((p, i) => ({
        index: i,
        file: p.file,
        name: p.name,
        width: p.width,
        height: p.height,
        url: p.photoFile === null ? null : `${base}/photos/${i}`,
        faces: p.faces.map((f, k) => ({
          box: f.box,
          score: f.score,
          eyes: f.eyes && { left: [f.eyes.left[0], f.eyes.left[1]], right: [f.eyes.right[0], f.eyes.right[1]] },
          crop: `${base}/crops/${i}/${k}`,
          photoId: placed[`${i}/${k}`]?.photoId ?? null,
          personId: placed[`${i}/${k}`]?.personId ?? null,
        })),
        skipped: p.skipped,
        message: p.message,
        manualBox: p.manualBox,
      })),
    }
  }

  /** detections/<job>/photos/<i> (the photo as imported) and detections/<job>/crops/<i>/<k>; null: no such. */
  async resource(path: readonly string[]): Promise<ResourceResponse | null> {
    const [, job, what, first, second] = path
    if (job === undefined || first === undefined) return null
    this.job(job)
    const photo = (await this.manifest(job)).photos[Number(first)]
    if (what === 'photos' && path.length === 4 && photo?.photoFile) {
      const type = photo.photoFile.endsWith('.png') ? 'image/png' : 'image/jpeg'
      return { status: 200, headers: { 'Content-Type': type, 'Cache-Control': 'no-cache' }, body: { kind: 'bytes', bytes: await readFile(join(this.dir(job), photo.photoFile)) } }
    }
    const face = photo?.faces[Number(second)]
    if (what === 'crops' && path.length === 5 && face) {
      return { status: 200, headers: { 'Content-Type': 'image/png', 'Cache-Control': 'no-cache' }, body: { kind: 'bytes', bytes: await readFile(join(this.dir(job), face.cropFile)) } }
    }
    return null
  }
}
