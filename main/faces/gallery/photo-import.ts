import { createHash } from 'node:crypto'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { encodeGreyPng, readFaceImage } from '../face-image'
import { canonicalFaceCrop, type FaceBox, type FaceLocator } from './face-crop'
import { checkPersonName, newGalleryId, type FacePerson, type FacePhoto, type GalleryStore } from './gallery-store'

/** Taken or refused, file by file, so a person can see what happened to each. */
export type FileOutcome = { file: string; taken: true; photo: FacePhoto } | { file: string; taken: false; reason: string }

export interface ImportOptions {
  /** The face's box in every photo (a manual box, for photos a detector misses or when there is none). */
  box?: FaceBox
  /** A face detector; without one (and without a box) each photo is taken as an aligned face. */
  locator?: FaceLocator
}

export interface ImportReport {
  files: FileOutcome[]
  taken: number
  refused: number
}

const IMAGE_FILE = /\.(png|jpe?g)$/i
/** A folder with more images than this is almost surely the wrong folder: refused before anything is copied. */
const MAX_FILES = 10_000

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/**
 * The files to import from files and folders: a named file is tried whatever its name (the decoder says
 * what is wrong with it); folders are walked (hidden entries skipped), their PNG and JPEG files taken in
 * name order and their other files reported as refused.
 */
export async function listImageFiles(paths: string[]): Promise<{ files: string[]; refused: FileOutcome[] }> {
  const files: string[] = []
  const refused: FileOutcome[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => byName(a.name, b.name))
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile() && IMAGE_FILE.test(entry.name)) files.push(path)
      else if (entry.isFile()) refused.push({ file: path, taken: false, reason: 'not a PNG or JPEG file (by its name); skipped.' })
      if (files.length > MAX_FILES) {
        throw new PerceptError('VALIDATION', `${dir} holds more than ${MAX_FILES} images; import a smaller folder at a time.`)
      }
    }
  }
  for (const path of paths) {
    const info = await stat(path).catch(() => null)
    if (!info) refused.push({ file: path, taken: false, reason: 'no such file or folder.' })
    else if (info.isDirectory()) await walk(path)
    else files.push(path)
  }
  return { files, refused }
}

/** Where a photo already in the gallery is, in words. */
function whereIs(store: GalleryStore, photo: FacePhoto): string {
  if (photo.personId === null) return `photo ${photo.id}, in the inbox`
  const person = store.listPeople().find((p) => p.id === photo.personId)
  return `photo ${photo.id} of ${person?.name ?? photo.personId}`
}

/**
 * Imports photos: each is decoded and checked (face-image.ts), its canonical crop made (face-crop.ts),
 * the file and the crop copied into the gallery folder atomically, then recorded. `assignTo` names the
 * person they go to (null: the inbox); it is called at the first photo taken, so a person is created only
 * when at least one photo is. A file already in the gallery (same bytes) is refused, never doubled.
 */
export async function importPhotos(store: GalleryStore, paths: string[], assignTo: () => string | null, options: ImportOptions = {}): Promise<ImportReport> {
  const { files, refused } = await listImageFiles(paths)
  const outcomes: FileOutcome[] = [...refused]
  const seen = new Map<string, string>()
  let personId: string | null | undefined
  for (const file of files) {
    const name = basename(file)
    const written: string[] = []
    try {
      const image = await readFaceImage(file)
      const bytes = await readFile(file)
      const hash = sha256(bytes)
      const earlier = store.photoBySha(hash)
      if (earlier) throw new PerceptError('VALIDATION', `${name}: the same file is already in the gallery (${whereIs(store, earlier)}).`)
      if (seen.has(hash)) throw new PerceptError('VALIDATION', `${name}: the same file as ${seen.get(hash)} in this import.`)
      const { crop, box } = await canonicalFaceCrop(image, name, { ...options, crop: store.crop })
      const png = encodeGreyPng(crop)
      const id = newGalleryId()
      const relative = { file: join('photos', `${id}${extname(file).toLowerCase()}`), cropFile: join('crops', `${id}.png`) }
      written.push(join(store.dir, relative.file), join(store.dir, relative.cropFile))
      await writeFileAtomic(written[0]!, bytes)
      await writeFileAtomic(written[1]!, png)
      if (personId === undefined) personId = assignTo()
      const photo = store.addPhoto({
        id,
        personId,
        ...relative,
        sourceName: name,
        sha256: hash,
        cropSha256: sha256(png),
        width: image.width,
        height: image.height,
        box,
        crop: store.crop,
      })
      seen.set(hash, name)
      outcomes.push({ file, taken: true, photo })
    } catch (error) {
      for (const path of written) await rm(path, { force: true })
      const message = (error as Error).message
      // Messages from the decoder and the crop start with the file's name already.
      outcomes.push({ file, taken: false, reason: message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message })
    }
  }
  const taken = outcomes.filter((o) => o.taken).length
  return { files: outcomes, taken, refused: outcomes.length - taken }
}

/** The enrol of `percept faces enroll`: photos of one person, created (by that name) when new. */
export async function enrolPhotos(
  store: GalleryStore,
  personName: string,
  paths: string[],
  options: ImportOptions = {},
): Promise<ImportReport & { person: FacePerson | null; created: boolean }> {
  const existing = store.findPerson(personName)
  // A bad name is refused once, before any file is looked at.
  if (!existing) checkPersonName(personName)
  let created = false
  let createdId: string | null = null
  const report = await importPhotos(
    store,
    paths,
    () => {
      if (existing) return existing.id
      created = true
      createdId = store.createPerson(personName).id
      return createdId
    },
    options,
  )
  const id = existing?.id ?? createdId
  return { ...report, person: id ? store.person(id) : null, created }
}
