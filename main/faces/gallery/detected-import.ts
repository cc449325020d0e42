import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DetectionManifest } from '../detect/detect-job'
import { type FileOutcome, type ImportReport, sha256, storePhotoFaces, whereIs } from './photo-import'
import type { GalleryStore } from './gallery-store'

/**
 * The gallery's side of a finished faces.detect job: the faces of its manifest recorded as gallery
 * photos. A photo with one face goes where the import was meant to go (`assignTo`, asked at the first
 * such photo, so a new person is created only with a photo); each face of a photo with several goes to
 * the inbox, since which of them is the person is for a person to say. Photos with no face are refused
 * with the detector's message (the UI offers a box drawn by hand for them).
 */

export interface RecordedDetection extends ImportReport {
  /** Where each face went, by "<photo index>/<face index>" of the manifest. */
  placed: Record<string, { photoId: string; personId: string | null }>
}

export async function recordDetection(store: GalleryStore, dir: string, manifest: DetectionManifest, assignTo: () => string | null): Promise<RecordedDetection> {
  const outcomes: FileOutcome[] = []
  const placed: RecordedDetection['placed'] = {}
  const seen = new Map<string, string>()
  let personId: string | null | undefined
  for (const [i, photo] of manifest.photos.entries()) {
    const refuse = (reason: string): void => void outcomes.push({ file: photo.file, taken: false, reason })
    if (photo.faces.length === 0 || photo.photoFile === null || photo.sha256 === null) {
      refuse(photo.message ?? 'no face was taken from the photo.')
      continue
    }
    const earlier = store.photoBySha(photo.sha256)
    if (earlier) {
      refuse(`the same file is already in the gallery (${whereIs(store, earlier)}).`)
      continue
    }
    if (seen.has(photo.sha256)) {
      refuse(`the same file as ${seen.get(photo.sha256)} in this import.`)
      continue
    }
    try {
      const bytes = await readFile(join(dir, photo.photoFile))
      if (sha256(bytes) !== photo.sha256) throw new Error('the copy made by the detection job has changed since; import the photo again')
      const pngs = await Promise.all(photo.faces.map((f) => readFile(join(dir, f.cropFile))))
      const file = { bytes, sha256: photo.sha256, name: photo.name, ext: photo.photoFile.slice(photo.photoFile.lastIndexOf('.')), width: photo.width, height: photo.height }
      const several = photo.faces.length > 1
      const stored = await storePhotoFaces(store, file, photo.faces.map((f, k) => ({ png: pngs[k]!, box: f.box })), () => {
        if (several) return null
        if (personId === undefined) personId = assignTo()
        return personId
      })
      for (const [k, p] of stored.entries()) {
        placed[`${i}/${k}`] = { photoId: p.id, personId: p.personId }
        outcomes.push({ file: photo.file, taken: true, photo: p })
      }
      seen.set(photo.sha256, photo.name)
    } catch (error) {
      refuse(`${(error as Error).message}.`.replace(/\.\.$/, '.'))
    }
  }
  const taken = outcomes.filter((o) => o.taken).length
  return { files: outcomes, taken, refused: outcomes.length - taken, placed }
}
