import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { basename, isAbsolute, join } from 'node:path'
import type {
  FaceDetection,
  FaceEvaluationInput,
  FaceIdentification,
  FaceImportReport,
  FacePersonSummary,
  FacePhotoSummary,
  JobSummary,
  MethodOutput,
  ResourceRequest,
  ResourceResponse,
} from '../api'
import { PerceptError } from '../core/errors'
import { storeUpload, uploadName } from '../core/upload'
import type { Workspace } from '../core/workspace'
import { evaluationResolutions } from './evaluate-job'
import { encodeGreyPng, readFaceImage } from './face-image'
import { meanFaceNormals } from './face-shape'
import { checkPersonName, GalleryStore, type FacePerson, type FacePhoto } from './gallery/gallery-store'
import { identifyProbe } from './gallery/identify-probe'
import { FaceDetections, type FaceJobs } from './detection-service'
import { importPhotos, type ImportReport } from './gallery/photo-import'
import { LEE_HO_KRIEGMAN_ANGLES, relightFace } from './relight'
import { parseResolution } from './resolution'

/**
 * The Faces workspace's core: the faces.* methods over the gallery (gallery/), relighting, identification
 * and the evaluation job, and the res/faces/... resources its pictures cross as (see main/api/faces.ts).
 * Relit images and identifications are computed on demand and kept, as PNG bytes, for the last few.
 */

export interface FacesServiceOptions {
  workspace: Workspace
  /** Starts the faces.evaluate and faces.detect jobs and follows them (the JobRunner). */
  jobs: FaceJobs
  /** Where dropped images are kept (datasets/dropped/faces); no uploads without it. */
  uploadDir?: string
}

/** Uploads stop here (1 GB); the image decoder refuses files past 200 MB itself, with its own message. */
const MAX_UPLOAD_BYTES = 2 ** 30
/** Identifications whose pictures stay available. */
const KEEP_IDENTIFICATIONS = 8
/** Photos whose relit images stay available. */
const KEEP_RELIT = 32

const PNG_HEADERS = { 'Content-Type': 'image/png', 'Cache-Control': 'no-cache' }

/** 8 compass sectors of φ (from the image's right towards up), for the relit images' labels. */
const SECTORS = ['right', 'upper right', 'top', 'upper left', 'left', 'lower left', 'bottom', 'lower right'] as const

/** "frontal", or where the light comes from as a person looking at the image sees it. */
export function lightLabel(theta: number, phi: number): string {
  if (theta < 10) return 'frontal'
  return `from the ${SECTORS[(((Math.round(phi / 45) % 8) + 8) % 8)]!}`
}

const cropUrl = (photoId: string): string => `res/faces/crops/${encodeURIComponent(photoId)}`

/** A small first-in first-out map: the oldest entry goes once there are more than `capacity`. */
class Recent<T> {
  private readonly entries = new Map<string, T>()
  constructor(private readonly capacity: number) {}
  get(key: string): T | undefined {
    return this.entries.get(key)
  }
  set(key: string, value: T): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!)
  }
}

function png(bytes: Uint8Array): ResourceResponse {
  return { status: 200, headers: PNG_HEADERS, body: { kind: 'bytes', bytes } }
}

export class FacesService {
  readonly store: GalleryStore
  private readonly identifications = new Recent<{ probe: Uint8Array; reconstructions: Uint8Array[] }>(KEEP_IDENTIFICATIONS)
  private readonly relitImages = new Recent<Uint8Array[]>(KEEP_RELIT)
  private readonly detections: FaceDetections

  constructor(private readonly options: FacesServiceOptions) {
    this.store = new GalleryStore(options.workspace)
    this.detections = new FaceDetections({
      store: this.store,
      jobs: options.jobs,
      runsDir: options.workspace.folder('runs'),
      report: (report, personId, created) => this.wireReport(report, personId, created),
    })
  }

  private thumbnail(personId: string): string | null {
    const first = this.store.photos(personId)[0]
    return first ? cropUrl(first.id) : null
  }

  private personSummary(person: FacePerson): FacePersonSummary {
    return { id: person.id, name: person.name, photos: person.photos, thumbnail: person.photos ? this.thumbnail(person.id) : null, createdAt: person.createdAt, updatedAt: person.updatedAt }
  }

  private photoSummary(photo: FacePhoto): FacePhotoSummary {
    return {
      id: photo.id,
      personId: photo.personId,
      sourceName: photo.sourceName,
      width: photo.width,
      height: photo.height,
      box: photo.box,
      cropSize: { height: photo.crop.height, width: photo.crop.width },
      crop: cropUrl(photo.id),
      addedAt: photo.addedAt,
    }
  }

  people(search?: string): MethodOutput<'faces.people'> {
    const people = this.store.listPeople(search === undefined ? {} : { search }).map((p) => this.personSummary(p))
    return { people, inbox: this.store.inbox().length, crop: { ...this.store.crop } }
  }

  person(id: string): MethodOutput<'faces.person'> {
    const person = this.store.person(id)
    return { person: this.personSummary(person), photos: this.store.photos(id).map((p) => this.photoSummary(p)) }
  }

  createPerson(name: string): FacePersonSummary {
    return this.personSummary(this.store.createPerson(name))
  }

  renamePerson(id: string, name: string): FacePersonSummary {
    return this.personSummary(this.store.renamePerson(id, name))
  }

  mergePeople(source: string, target: string): MethodOutput<'faces.mergePeople'> {
    return this.store.mergePeople(source, target)
  }

  undoMerge(id: string): MethodOutput<'faces.undoMerge'> {
    const { person, photoIds } = this.store.undoMerge(id)
    return { person: this.personSummary(person), photoIds }
  }

  splitPerson(id: string, photoIds: string[], name: string): FacePersonSummary {
    return this.personSummary(this.store.splitPerson(id, photoIds, name))
  }

  async deletePerson(id: string): Promise<MethodOutput<'faces.deletePerson'>> {
    // Never the photos: they go to the inbox (the store keeps them unless told otherwise and confirmed).
    const { person, photoIds } = await this.store.deletePerson(id)
    return { person: { id: person.id, name: person.name, photos: photoIds.length, thumbnail: null, createdAt: person.createdAt, updatedAt: person.updatedAt }, photoIds }
  }

  inbox(): FacePhotoSummary[] {
    return this.store.inbox().map((p) => this.photoSummary(p))
  }

  assignPhoto(photoId: string, personId: string | null): FacePhotoSummary {
    return this.photoSummary(this.store.assignPhoto(photoId, personId))
  }

  /**
   * Checks where an import goes (before any file is looked at: a bad or taken name is refused once) and
   * the paths; answers the person to create at the first photo taken, if any.
   */
  private importTarget(input: { paths: string[]; personId?: string | undefined; newPerson?: string | undefined }): { existing: FacePerson | null; newName: string | null } {
    if (input.personId !== undefined && input.newPerson !== undefined) {
      throw new PerceptError('VALIDATION', 'Import to one place: an existing person (personId) or a new one (newPerson), not both.')
    }
    const relative = input.paths.find((p) => !isAbsolute(p))
    if (relative !== undefined) throw new PerceptError('VALIDATION', `"${relative}" is not a full path: choose the files or folder in the file browser.`)
    const existing = input.personId === undefined ? null : this.store.person(input.personId)
    let newName: string | null = null
    if (input.newPerson !== undefined) {
      newName = checkPersonName(input.newPerson)
      const taken = this.store.findPerson(newName)
      if (taken) throw new PerceptError('VALIDATION', `The gallery already has a person named "${taken.name}": choose them to add photos, or another name.`)
    }
    return { existing, newName }
  }

  private wireReport(report: ImportReport, personId: string | null, created: boolean): FaceImportReport {
    return {
      taken: report.taken,
      refused: report.refused,
      files: report.files.map((f) => (f.taken ? { file: f.file, taken: true, photoId: f.photo.id, reason: null } : { file: f.file, taken: false, photoId: null, reason: f.reason })),
      person: personId === null ? null : this.personSummary(this.store.person(personId)),
      created,
    }
  }

  /** Imports photos to a person, a new person (created at the first photo taken) or the inbox. */
  async importPhotos(input: { paths: string[]; personId?: string | undefined; newPerson?: string | undefined; box?: { x: number; y: number; width: number; height: number } | undefined }): Promise<FaceImportReport> {
    const { existing, newName } = this.importTarget(input)
    let created: FacePerson | null = null
    const report = await importPhotos(
      this.store,
      input.paths,
      () => {
        if (existing) return existing.id
        if (newName === null) return null
        created = this.store.createPerson(newName)
        return created.id
      },
      input.box ? { box: input.box } : {},
    )
    const personId = existing?.id ?? (created as FacePerson | null)?.id ?? null
    return this.wireReport(report, personId, created !== null)
  }

  /** Checks the target and paths at once, then starts the faces.detect job; its faces are recorded once it is done. */
  detectPhotos(input: { paths: string[]; personId?: string | undefined; newPerson?: string | undefined; minConfidence: number }): JobSummary {
    this.importTarget(input)
    return this.detections.start(input)
  }

  /** A faces.detect job's photos and faces; once it is done, what the gallery took of them. */
  detection(id: string): Promise<FaceDetection> {
    return this.detections.detection(id)
  }

  /** The nine relit images of a photo's crop; their PNGs are kept for res/faces/relit/<photoId>/<k>. */
  async relit(photoId: string): Promise<MethodOutput<'faces.relit'>> {
    const started = performance.now()
    const photo = this.store.photo(photoId)
    const crop = await readFaceImage(photo.cropFile).catch((error: Error) => {
      throw new PerceptError('INVALID_FILE', `The crop of photo ${photo.sourceName} cannot be read (${error.message}). Remove the photo and import it again.`)
    })
    const relit = relightFace(crop, meanFaceNormals(crop.height, crop.width))
    // Shown on one scale, the brightest pixel of the nine white: grazing lights leave most of a face dark,
    // and the relit images carry no ambient light, so at their own values they are hard to read.
    let brightest = 0
    for (const image of relit.images) for (const v of image.data) brightest = Math.max(brightest, v)
    const scale = brightest > 0 ? 1 / brightest : 1
    this.relitImages.set(photoId, relit.images.map((image) => encodeGreyPng({ ...image, data: image.data.map((v) => v * scale) })))
    const [x, y, z] = relit.light.direction
    return {
      photoId,
      crop: cropUrl(photoId),
      light: { direction: [x, y, z], ambient: relit.light.ambient },
      images: LEE_HO_KRIEGMAN_ANGLES.map(([theta, phi], index) => ({
        index,
        theta,
        phi,
        label: lightLabel(theta, phi),
        url: `res/faces/relit/${encodeURIComponent(photoId)}/${index}`,
      })),
      seconds: Math.round(performance.now() - started) / 1000,
    }
  }

  /** Ranks the gallery for a probe file; its pictures are kept for res/faces/identifications/<id>/... */
  async identify(input: { path: string; resolution?: string | undefined; top: number }): Promise<FaceIdentification> {
    if (!isAbsolute(input.path)) throw new PerceptError('VALIDATION', `"${input.path}" is not a full path: choose the probe in the file browser or drop it on the page.`)
    const probe = await readFaceImage(input.path)
    const resolution = input.resolution === undefined ? undefined : parseResolution(input.resolution, this.store.crop)
    const result = await identifyProbe(this.store, input.path, { top: input.top, ...(resolution ? { resolution } : {}) })
    const id = randomBytes(6).toString('hex')
    this.identifications.set(id, { probe: encodeGreyPng(probe), reconstructions: result.candidates.map((c) => encodeGreyPng(c.reconstruction)) })
    const base = `res/faces/identifications/${id}`
    return {
      id,
      probeName: basename(input.path),
      probe: { url: `${base}/probe`, height: probe.height, width: probe.width },
      resolution: result.resolution,
      crop: { ...this.store.crop },
      candidates: result.candidates.map((c) => ({
        rank: c.rank,
        personId: c.personId,
        person: c.person,
        residual: c.residual,
        reconstruction: `${base}/reconstruction/${c.rank}`,
        thumbnail: this.thumbnail(c.personId),
      })),
      people: this.store.galleryClasses().length,
      seconds: result.seconds,
      built: result.built,
    }
  }

  /** Checks what can be checked at once (the folder, the resolutions), then starts the faces.evaluate job. */
  async evaluate(input: FaceEvaluationInput): Promise<JobSummary> {
    if (!isAbsolute(input.dataset)) throw new PerceptError('VALIDATION', `"${input.dataset}" is not a full path: choose the data set folder in the file browser.`)
    evaluationResolutions(input.resolutions)
    const info = await stat(input.dataset).catch(() => null)
    if (!info?.isDirectory()) throw new PerceptError('VALIDATION', `${input.dataset} is not a folder. Choose a folder holding one sub-folder of aligned face images per person.`)
    return this.options.jobs.start('faces.evaluate', input)
  }

  /**
   * GET res/faces/crops/<photoId>, res/faces/relit/<photoId>/<k>, res/faces/identifications/<id>/probe
   * and .../reconstruction/<rank>, res/faces/detections/<job>/photos/<i> and .../crops/<i>/<k>; POST res/faces/upload?name=... keeps a dropped image.
   */
  async resource(request: ResourceRequest): Promise<ResourceResponse> {
    const [area, first, second, third] = request.path
    const length = request.path.length
    if (area === 'upload' && length === 1) {
      if (request.method !== 'POST') throw new PerceptError('VALIDATION', 'Send the image with POST.')
      const path = await this.storeUpload(request)
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: { kind: 'bytes', bytes: new TextEncoder().encode(JSON.stringify({ path })) } }
    }
    if (area === 'detections') {
      const answer = await this.detections.resource(request.path)
      if (answer) return answer
    }
    if (area === 'crops' && first !== undefined && length === 2) {
      const photo = this.store.photo(first)
      const bytes = await readFile(photo.cropFile).catch(() => {
        throw new PerceptError('NOT_FOUND', `The crop of photo ${photo.sourceName} is missing from the workspace. Remove the photo and import it again.`)
      })
      return png(bytes)
    }
    if (area === 'relit' && first !== undefined && second !== undefined && length === 3) {
      const k = Number(second)
      if (!this.relitImages.get(first)) await this.relit(first)
      const image = this.relitImages.get(first)?.[k]
      if (!image) throw new PerceptError('NOT_FOUND', `No relit image ${second} of photo ${first}: the lights are numbered 0 to 8.`)
      return png(image)
    }
    if (area === 'identifications' && first !== undefined) {
      const kept = this.identifications.get(first)
      if (!kept) throw new PerceptError('NOT_FOUND', `The pictures of identification ${first} are no longer kept: identify the probe again.`)
      if (second === 'probe' && length === 3) return png(kept.probe)
      if (second === 'reconstruction' && third !== undefined && length === 4) {
        const image = kept.reconstructions[Number(third) - 1]
        if (image) return png(image)
      }
    }
    throw new PerceptError('NOT_FOUND', `No resource faces/${request.path.join('/')}.`)
  }

  private storeUpload(request: ResourceRequest): Promise<string> {
    if (!this.options.uploadDir) throw new PerceptError('UNAVAILABLE', 'This door takes no uploads: choose the image in the file browser.')
    const name = uploadName(request.query.get('name') ?? '')
    if (!/\.(png|jpe?g)$/i.test(name)) throw new PerceptError('VALIDATION', `"${name || 'this file'}" is not a PNG or JPEG image; faces are imported and identified from .png, .jpg or .jpeg files.`)
    return storeUpload(request.body, { dir: this.options.uploadDir, name, maxBytes: MAX_UPLOAD_BYTES, limitHint: 'a face image needs' })
  }
}

export const facesUploadDir = (datasets: string): string => join(datasets, 'dropped', 'faces')
