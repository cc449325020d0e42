import { mkdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { setImmediate as yieldToEvents } from 'node:timers/promises'
import { faceDetectJobInputSchema, type FaceBoxWire, type FaceDetectJobInput } from '../../api/faces'
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { defineJobKind, type JobContext } from '../../core/jobs/kind'
import { encodeGreyPng, readFaceImage, type GreyImage } from '../face-image'
import { canonicalFaceCrop } from '../gallery/face-crop'
import { listImageFiles, sha256 } from '../gallery/photo-import'
import type { Point } from './eye-alignment'
import { facesInPhoto, isAlignedCrop, type AlignedFace } from './photo-faces'

/**
 * faces.detect: the photos of an import, each face found and aligned by its eyes (photo-faces.ts), as a
 * job: the detector takes about a second a photo. The job only looks; it writes into its run folder and
 * FacesService records the faces in the gallery once the job is done (gallery/detected-import.ts).
 *
 * Run folder: detection/ holds manifest.json, photos/<i><ext> (a copy of each photo read, so the
 * gallery takes the bytes that were looked at) and crops/<i>-<k>.png. It is built as detection.partial/
 * and renamed at the end, so a cancelled or failed run leaves no detection/ at all.
 */

export const DETECTION_DIR = 'detection'
export const MANIFEST_FILE = 'manifest.json'

export interface ManifestFace {
  box: FaceBoxWire | null
  score: number
  eyes: { left: Point; right: Point } | null
  /** Relative to the detection folder. */
  cropFile: string
}

export interface ManifestPhoto {
  file: string
  name: string
  width: number
  height: number
  sha256: string | null
  /** The copy, relative to the detection folder; null when the file could not be read. */
  photoFile: string | null
  faces: ManifestFace[]
  skipped: string[]
  message: string | null
  manualBox: boolean
}

export interface DetectionManifest {
  photos: ManifestPhoto[]
}

/** A message about `name` without the name it starts with (the UI shows it under the name). */
const about = (name: string, message: string): string => (message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message)

/** One photo: read, taken whole when shaped like an aligned crop, else searched for faces. */
async function detectPhoto(file: string, index: number, dir: string, input: FaceDetectJobInput): Promise<ManifestPhoto> {
  const name = basename(file)
  const none = { file, name, width: 0, height: 0, sha256: null, photoFile: null, faces: [], skipped: [] }
  let bytes: Uint8Array
  let image: GreyImage
  try {
    // readFaceImage refuses a huge file before reading it; the bytes read again are the copy kept.
    image = await readFaceImage(file)
    bytes = await readFile(file)
  } catch (error) {
    const why = error instanceof PerceptError ? error.message : `${file} cannot be read (${(error as Error).message}).`
    return { ...none, message: about(name, why), manualBox: false }
  }
  let faces: { box: FaceBoxWire | null; score: number; eyes: AlignedFace['eyes'] | null; crop: GreyImage }[] = []
  let skipped: string[] = []
  let message: string | null = null
  try {
    if (isAlignedCrop(image, input.crop)) {
      const { crop } = await canonicalFaceCrop(image, name, { crop: input.crop })
      faces = [{ box: null, score: 1, eyes: null, crop }]
    } else {
      const found = await facesInPhoto(image, name, input.crop, { minConfidence: input.minConfidence })
      faces = found.faces
      skipped = found.skipped
    }
  } catch (error) {
    // No face, or none large enough: the photo is kept for a box drawn by hand. Missing models fail the job.
    if (!(error instanceof PerceptError) || error.code !== 'VALIDATION') throw error
    message = about(name, error.message)
  }
  const photoFile = join('photos', `${index}${extname(file).toLowerCase()}`)
  await writeFileAtomic(join(dir, photoFile), bytes)
  const written: ManifestFace[] = []
  for (const [k, face] of faces.entries()) {
    const cropFile = join('crops', `${index}-${k}.png`)
    await writeFileAtomic(join(dir, cropFile), encodeGreyPng(face.crop))
    written.push({ box: face.box, score: face.score, eyes: face.eyes, cropFile })
  }
  return { ...none, width: image.width, height: image.height, sha256: sha256(bytes), photoFile, faces: written, skipped, message, manualBox: message !== null }
}

export interface DetectionSummary {
  photos: number
  faces: number
  /** Photos from which nothing was taken. */
  withoutFace: number
  [key: string]: number
}

export async function runFaceDetection(input: FaceDetectJobInput, ctx: Pick<JobContext, 'runDir' | 'signal' | 'progress' | 'log'>): Promise<DetectionSummary> {
  const final = join(ctx.runDir, DETECTION_DIR)
  const partial = `${final}.partial`
  await rm(partial, { recursive: true, force: true })
  try {
    await mkdir(join(partial, 'photos'), { recursive: true })
    await mkdir(join(partial, 'crops'), { recursive: true })
    ctx.progress(0, 'listing the photos')
    const { files, refused } = await listImageFiles(input.paths)
    const photos: ManifestPhoto[] = refused.map((r) => ({ file: r.file, name: basename(r.file), width: 0, height: 0, sha256: null, photoFile: null, faces: [], skipped: [], message: r.taken ? null : r.reason, manualBox: false }))
    for (const [i, file] of files.entries()) {
      ctx.signal.throwIfAborted()
      ctx.progress(i / files.length, `photo ${i + 1} of ${files.length}: ${basename(file)}`)
      photos.push(await detectPhoto(file, i, partial, input))
      // Let a cancel (a message to this thread) arrive between photos.
      await yieldToEvents()
    }
    ctx.signal.throwIfAborted()
    await writeJsonAtomic(join(partial, MANIFEST_FILE), { photos } satisfies DetectionManifest)
    await rm(final, { recursive: true, force: true })
    await rename(partial, final)
    const faces = photos.reduce((n, p) => n + p.faces.length, 0)
    const withoutFace = photos.filter((p) => p.faces.length === 0).length
    ctx.log('info', `${photos.length} photos, ${faces} faces; nothing taken from ${withoutFace}`)
    ctx.progress(1, 'done')
    return { photos: photos.length, faces, withoutFace }
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    throw error
  }
}

export const facesDetectKind = defineJobKind({
  kind: 'faces.detect',
  inputSchema: faceDetectJobInputSchema,
  concurrencyGroup: 'default',
  resumable: false,
  title: ({ paths }) => `Face detection · ${paths.length === 1 ? basename(paths[0]!) : `${paths.length} files or folders`}`,
  run: (input, ctx) => runFaceDetection(input, ctx),
})
