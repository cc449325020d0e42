import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PerceptError } from '../core/errors'
import { readFaceImage, toCanonicalCrop, type GreyImage } from './face-image'

/** A folder of aligned faces: one sub-folder per person, images sorted by file name, at the canonical crop. */
export interface FaceDataset {
  people: { name: string; files: string[]; images: GreyImage[] }[]
}

const IMAGE_FILE = /\.(png|jpe?g)$/i
/** Enough for any evaluation set, small enough that a wrong folder fails fast rather than filling memory. */
const MAX_IMAGES = 50_000

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Reads a dataset folder: every sub-folder (hidden ones skipped) is a person, every .png/.jpg/.jpeg file
 * in it a face image (other files ignored), brought to the canonical crop. VALIDATION when the folder is
 * missing, has fewer than two people, or a person has no image; a damaged image names its file.
 */
export async function readFaceDataset(dir: string, crop?: { height: number; width: number }): Promise<FaceDataset> {
  const info = await stat(dir).catch(() => null)
  if (!info?.isDirectory()) throw new PerceptError('VALIDATION', `${dir} is not a folder. Give a folder holding one sub-folder of face images per person.`)
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byName)
  if (entries.length < 2) {
    throw new PerceptError('VALIDATION', `${dir} holds ${entries.length} person folder(s); recognition needs at least two people, one sub-folder of face images each.`)
  }
  let total = 0
  const people = []
  for (const name of entries) {
    const files = (await readdir(join(dir, name), { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_FILE.test(e.name))
      .map((e) => e.name)
      .sort(byName)
    if (files.length === 0) throw new PerceptError('VALIDATION', `The person folder ${name} has no PNG or JPEG image: add photos or remove the folder.`)
    total += files.length
    if (total > MAX_IMAGES) throw new PerceptError('VALIDATION', `${dir} holds more than ${MAX_IMAGES} images; evaluate on a smaller set.`)
    const images: GreyImage[] = []
    for (const file of files) images.push(toCanonicalCrop(await readFaceImage(join(dir, name, file)), crop))
    people.push({ name, files, images })
  }
  return { people }
}
