import { createHash } from 'node:crypto'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { isAlignedCrop, type PhotoFaces } from '../detect/photo-faces'
import { encodeGreyPng, readFaceImage, type GreyImage } from '../face-image'
import { canonicalFaceCrop, type FaceBox, type FaceLocator } from './face-crop'
import { checkPersonName, newGalleryId, type FacePerson, type FacePhoto, type GalleryStore } from './gallery-store'

/** Taken or refused, file by file, so a person can see what happened to each. */
export type FileOutcome = { file: string; taken: true; photo: FacePhoto } | { file: string; taken: false; reason: string }

export interface ImportOptions {
  /** The face's box in every photo (a manual box, for photos a detector misses or when there is none). */
  box?: FaceBox
  /** A face detector; without one (and without a box) each photo is taken as an aligned face. */
  locator?: FaceLocator
  /**
   * Detection with eye alignment (detect/photo-faces.ts) for photos that are not aligned crops already:
   * every face found becomes its own gallery face (sharing the one copy of the photo); the faces of a
   * photo with several go to the inbox.
   */
  faces?: (file: string, image: GreyImage) => Promise<PhotoFaces>
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
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

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
export function whereIs(store: GalleryStore, photo: FacePhoto): string {
  if (photo.personId === null) return `photo ${photo.id}, in the inbox`
  const person = store.listPeople().find((p) => p.id === photo.personId)
  return `photo ${photo.id} of ${person?.name ?? photo.personId}`
}

/** A photo's file as imported: its bytes and what is known of it. */
export interface PhotoFile {
  bytes: Uint8Array
  sha256: string
  /** The file's name as the person knew it. */
  name: string
  /** ".png", ".jpg", ... */
  ext: string
  width: number
  height: number
}

/**
 * Copies a photo into the gallery once, writes each face's crop (PNG) beside it, all atomically, then
 * records one gallery photo per face, each to `personOf(k)` (null: the inbox), asked only once the files
 * are written (so a new person is created only with a photo). A failure before the records removes the
 * files written, so nothing is left half-imported.
 */
export async function storePhotoFaces(
  store: GalleryStore,
  photo: PhotoFile,
  faces: readonly { png: Uint8Array; box: FaceBox | null }[],
  personOf: (face: number) => string | null,
): Promise<FacePhoto[]> {
  const ids = faces.map(() => newGalleryId())
  const photoFile = join('photos', `${ids[0]}${photo.ext.toLowerCase()}`)
  const cropFiles = ids.map((id) => join('crops', `${id}.png`))
  const written: string[] = []
  try {
    written.push(join(store.dir, photoFile))
    await writeFileAtomic(written[0]!, photo.bytes)
    for (const [i, cropFile] of cropFiles.entries()) {
      written.push(join(store.dir, cropFile))
      await writeFileAtomic(join(store.dir, cropFile), faces[i]!.png)
    }
    const people = ids.map((_, i) => personOf(i))
    return ids.map((id, i) =>
      store.addPhoto({
        id,
        personId: people[i] ?? null,
        file: photoFile,
        cropFile: cropFiles[i]!,
        sourceName: photo.name,
        sha256: photo.sha256,
        cropSha256: sha256(faces[i]!.png),
        width: photo.width,
        height: photo.height,
        box: faces[i]!.box,
        crop: store.crop,
      }),
    )
  } catch (error) {
    for (const path of written) await rm(path, { force: true })
    throw error
  }
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
    try {
      const image = await readFaceImage(file)
      const bytes = await readFile(file)
      const hash = sha256(bytes)
      const earlier = store.photoBySha(hash)
      if (earlier) throw new PerceptError('VALIDATION', `${name}: the same file is already in the gallery (${whereIs(store, earlier)}).`)
      if (seen.has(hash)) throw new PerceptError('VALIDATION', `${name}: the same file as ${seen.get(hash)} in this import.`)
      const detect = !options.box && options.faces && !isAlignedCrop(image, store.crop)
      const crops = detect
        ? (await options.faces!(file, image)).faces.map((f) => ({ crop: f.crop, box: f.box }))
        : [await canonicalFaceCrop(image, name, { ...options, crop: store.crop })]
      const photo = { bytes, sha256: hash, name, ext: extname(file), width: image.width, height: image.height }
      // Which of several faces is the person is for a person to say: each goes to the inbox.
      const several = crops.length > 1
      const photos = await storePhotoFaces(store, photo, crops.map((c) => ({ png: encodeGreyPng(c.crop), box: c.box })), () => {
        if (several) return null
        if (personId === undefined) personId = assignTo()
        return personId
      })
      for (const photo of photos) outcomes.push({ file, taken: true, photo })
      seen.set(hash, name)
    } catch (error) {
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
