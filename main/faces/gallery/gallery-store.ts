import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { counted } from '../../core/counted'
import { PerceptError } from '../../core/errors'
import type { Workspace } from '../../core/workspace'
import { CANONICAL_CROP } from '../face-shape'
import type { Resolution } from '../resolution'
import type { FaceBox } from './face-crop'

/**
 * The face gallery of a workspace: people and their photos in percept.db (tables face_people and
 * face_photos, migration 4), the files under <workspace>/faces/: photos/ (each imported file, copied),
 * crops/ (its canonical grey crop as PNG, also the thumbnail) and dictionaries/ (dictionaries.ts).
 *
 * Nothing here loses a photo by accident: deleting a person sends its photos to the inbox unless the
 * caller asks for them to go and confirms it; a merge leaves the merged person as a tombstone and marks
 * the photos it moved, so undoMerge puts them back.
 */

export interface FacePerson {
  id: string
  name: string
  /** Photos assigned to the person now. */
  photos: number
  createdAt: string
  updatedAt: string
}

export interface FacePhoto {
  id: string
  /** null: the photo is in the inbox. */
  personId: string | null
  /** The copy in the workspace, absolute. */
  file: string
  /** The canonical crop (grey PNG), absolute. */
  cropFile: string
  /** The imported file's name, as the person knew it. */
  sourceName: string
  sha256: string
  cropSha256: string
  width: number
  height: number
  /** The face's box in the photo; null when the whole photo was taken as the aligned face. */
  box: FaceBox | null
  crop: Resolution
  addedAt: string
}

/** What a merge did, enough to undo it (undoMerge takes the merged person's id). */
export interface MergeReceipt {
  merged: { id: string; name: string }
  into: { id: string; name: string }
  photoIds: string[]
}

export interface DeleteOptions {
  /** Delete the person's photos (files included) instead of sending them to the inbox. */
  deletePhotos?: boolean
  /** Required with deletePhotos: deleting photos cannot be undone. */
  confirmed?: boolean
}

/** A photo to record, its files already written under the gallery folder (paths relative to it). */
export interface NewPhoto {
  id: string
  personId: string | null
  file: string
  cropFile: string
  sourceName: string
  sha256: string
  cropSha256: string
  width: number
  height: number
  box: FaceBox | null
  crop: Resolution
}

interface PersonRow {
  id: string
  name: string
  merged_into: string | null
  created_at: string
  updated_at: string
  photos: number
}

interface PhotoRow {
  id: string
  person_id: string | null
  file: string
  crop_file: string
  source_name: string
  sha256: string
  crop_sha256: string
  width: number
  height: number
  box: string | null
  crop_height: number
  crop_width: number
  added_at: string
}

const MAX_NAME_LENGTH = 120

export const newGalleryId = (): string => randomBytes(6).toString('hex')

/** A person's name, trimmed; VALIDATION when empty, too long or holding control characters. */
export function checkPersonName(name: string): string {
  const trimmed = name.trim()
  if (!trimmed) throw new PerceptError('VALIDATION', 'A person needs a name; got an empty one.')
  if (trimmed.length > MAX_NAME_LENGTH) throw new PerceptError('VALIDATION', `A person's name is at most ${MAX_NAME_LENGTH} characters; "${trimmed.slice(0, 40)}..." has ${trimmed.length}.`)
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new PerceptError('VALIDATION', `A person's name cannot hold control characters (tabs, line breaks); got ${JSON.stringify(trimmed)}.`)
  return trimmed
}

const PERSON_COLUMNS = `p.id, p.name, p.merged_into, p.created_at, p.updated_at,
  (SELECT COUNT(*) FROM face_photos f WHERE f.person_id = p.id) AS photos`

export class GalleryStore {
  /** <workspace>/faces: photos/, crops/, dictionaries/. */
  readonly dir: string
  /** The canonical crop new photos are brought to (48 x 40 grey, as in the paper). */
  readonly crop: Resolution

  constructor(
    readonly workspace: Workspace,
    options: { crop?: Resolution } = {},
  ) {
    // Not among the workspace's declared folders yet: made here, on first use.
    this.dir = workspace.folder('faces')
    this.crop = options.crop ?? CANONICAL_CROP
  }

  private get db() {
    return this.workspace.db
  }

  private toPerson(row: PersonRow): FacePerson {
    return { id: row.id, name: row.name, photos: row.photos, createdAt: row.created_at, updatedAt: row.updated_at }
  }

  private toPhoto(row: PhotoRow): FacePhoto {
    return {
      id: row.id,
      personId: row.person_id,
      file: join(this.dir, row.file),
      cropFile: join(this.dir, row.crop_file),
      sourceName: row.source_name,
      sha256: row.sha256,
      cropSha256: row.crop_sha256,
      width: row.width,
      height: row.height,
      box: row.box ? (JSON.parse(row.box) as FaceBox) : null,
      crop: { height: row.crop_height, width: row.crop_width },
      addedAt: row.added_at,
    }
  }

  private liveRow(id: string): PersonRow | undefined {
    return this.db.prepare(`SELECT ${PERSON_COLUMNS} FROM face_people p WHERE p.id = ? AND p.merged_into IS NULL`).get(id) as PersonRow | undefined
  }

  /** A live person by id; NOT_FOUND otherwise. */
  person(id: string): FacePerson {
    const row = this.liveRow(id)
    if (!row) throw new PerceptError('NOT_FOUND', `No person with id ${id} in the gallery. List them with \`percept faces people\`.`)
    return this.toPerson(row)
  }

  /** A live person by exact name (case ignored) or id, or null. */
  findPerson(nameOrId: string): FacePerson | null {
    const row = (this.db.prepare(`SELECT ${PERSON_COLUMNS} FROM face_people p WHERE p.merged_into IS NULL AND p.name = ? COLLATE NOCASE`).get(nameOrId.trim()) ??
      this.liveRow(nameOrId)) as PersonRow | undefined
    return row ? this.toPerson(row) : null
  }

  /** Live people sorted by name; `search` keeps those whose name contains it (case ignored). */
  listPeople(options: { search?: string } = {}): FacePerson[] {
    const search = options.search?.trim()
    const like = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '%'
    const rows = this.db
      .prepare(`SELECT ${PERSON_COLUMNS} FROM face_people p WHERE p.merged_into IS NULL AND p.name LIKE ? ESCAPE '\\' ORDER BY p.name COLLATE NOCASE, p.id`)
      .all(like) as PersonRow[]
    return rows.map((r) => this.toPerson(r))
  }

  private checkFreeName(name: string, except?: string): void {
    const clash = this.db.prepare(`SELECT id FROM face_people WHERE merged_into IS NULL AND name = ? COLLATE NOCASE AND id IS NOT ?`).get(name, except ?? null) as
      | { id: string }
      | undefined
    if (clash) throw new PerceptError('VALIDATION', `The gallery already has a person named "${name}" (${clash.id}). Choose another name, or merge the two.`)
  }

  createPerson(name: string, id = newGalleryId()): FacePerson {
    const checked = checkPersonName(name)
    this.checkFreeName(checked)
    const now = new Date().toISOString()
    this.db.prepare('INSERT INTO face_people (id, name, merged_into, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)').run(id, checked, now, now)
    return this.person(id)
  }

  renamePerson(id: string, name: string): FacePerson {
    this.person(id)
    const checked = checkPersonName(name)
    this.checkFreeName(checked, id)
    this.db.prepare('UPDATE face_people SET name = ?, updated_at = ? WHERE id = ?').run(checked, new Date().toISOString(), id)
    return this.person(id)
  }

  /**
   * Moves every photo of `sourceId` to `targetId` and retires the source as a tombstone. Photos keep an
   * older merged_from when they have one, so undoing the older merge still finds them.
   */
  mergePeople(sourceId: string, targetId: string): MergeReceipt {
    if (sourceId === targetId) throw new PerceptError('VALIDATION', 'A person cannot be merged into themselves: choose two different people.')
    const source = this.person(sourceId)
    const target = this.person(targetId)
    const now = new Date().toISOString()
    const photoIds = (this.db.prepare('SELECT id FROM face_photos WHERE person_id = ? ORDER BY id').all(sourceId) as { id: string }[]).map((r) => r.id)
    this.db.transaction(() => {
      this.db.prepare('UPDATE face_photos SET merged_from = COALESCE(merged_from, ?), person_id = ? WHERE person_id = ?').run(sourceId, targetId, sourceId)
      this.db.prepare('UPDATE face_people SET merged_into = ?, updated_at = ? WHERE id = ?').run(targetId, now, sourceId)
      this.db.prepare('UPDATE face_people SET updated_at = ? WHERE id = ?').run(now, targetId)
    })()
    return { merged: { id: source.id, name: source.name }, into: { id: target.id, name: target.name }, photoIds }
  }

  /**
   * Brings a merged person back, with the photos the merge moved that no one has moved since (wherever
   * later merges or a deletion took them: another person or the inbox).
   */
  undoMerge(mergedId: string): { person: FacePerson; photoIds: string[] } {
    const row = this.db.prepare('SELECT id, name, merged_into FROM face_people WHERE id = ?').get(mergedId) as { id: string; name: string; merged_into: string | null } | undefined
    if (!row) throw new PerceptError('NOT_FOUND', `No person with id ${mergedId} was ever in the gallery.`)
    if (row.merged_into === null) throw new PerceptError('VALIDATION', `${row.name} (${mergedId}) is not merged into anyone; there is nothing to undo.`)
    this.checkFreeName(row.name)
    const photoIds = (this.db.prepare('SELECT id FROM face_photos WHERE merged_from = ? ORDER BY id').all(mergedId) as { id: string }[]).map((r) => r.id)
    this.db.transaction(() => {
      this.db.prepare('UPDATE face_photos SET person_id = ?, merged_from = NULL WHERE merged_from = ?').run(mergedId, mergedId)
      this.db.prepare('UPDATE face_people SET merged_into = NULL, updated_at = ? WHERE id = ?').run(new Date().toISOString(), mergedId)
    })()
    return { person: this.person(mergedId), photoIds }
  }

  /** Moves the chosen photos of a person to a new person named `name`. */
  splitPerson(id: string, photoIds: string[], name: string): FacePerson {
    const from = this.person(id)
    if (photoIds.length === 0) throw new PerceptError('VALIDATION', `Choose at least one photo of ${from.name} to split off.`)
    const own = new Set(this.photos(id).map((p) => p.id))
    const foreign = photoIds.filter((p) => !own.has(p))
    if (foreign.length) throw new PerceptError('VALIDATION', `${counted(foreign.length, 'photo')} (${foreign.join(', ')}) ${foreign.length === 1 ? 'is' : 'are'} not ${from.name}'s; split only their own photos.`)
    let created: FacePerson | undefined
    this.db.transaction(() => {
      created = this.createPerson(name)
      const move = this.db.prepare('UPDATE face_photos SET person_id = ?, merged_from = NULL WHERE id = ?')
      for (const photo of photoIds) move.run(created.id, photo)
      this.db.prepare('UPDATE face_people SET updated_at = ? WHERE id = ?').run(new Date().toISOString(), id)
    })()
    return this.person(created!.id)
  }

  /**
   * Removes a person. Their photos go to the inbox, unless deletePhotos is set and confirmed: then the
   * photos and their files are deleted too.
   */
  async deletePerson(id: string, options: DeleteOptions = {}): Promise<{ person: FacePerson; photoIds: string[]; photosDeleted: boolean }> {
    const person = this.person(id)
    const photos = this.photos(id)
    if (options.deletePhotos && !options.confirmed) {
      throw new PerceptError(
        'VALIDATION',
        `Deleting ${person.name} with their ${counted(photos.length, 'photo')} cannot be undone: confirm it, or delete the person alone and their photos go to the inbox.`,
      )
    }
    this.db.transaction(() => {
      if (options.deletePhotos) this.db.prepare('DELETE FROM face_photos WHERE person_id = ?').run(id)
      // ON DELETE SET NULL moves the remaining photos to the inbox.
      this.db.prepare('DELETE FROM face_people WHERE id = ?').run(id)
    })()
    if (options.deletePhotos) await this.removeFiles(photos)
    return { person, photoIds: photos.map((p) => p.id), photosDeleted: Boolean(options.deletePhotos) }
  }

  private async removeFiles(photos: FacePhoto[]): Promise<void> {
    for (const photo of photos) {
      // Faces found in one photo share its copy: the file goes with the last face recorded from it.
      const sharing = this.db.prepare('SELECT COUNT(*) AS n FROM face_photos WHERE file = ?').get(join('photos', basename(photo.file))) as { n: number }
      if (sharing.n === 0) await rm(photo.file, { force: true })
      await rm(photo.cropFile, { force: true })
    }
  }

  /** A person's photos (null: the inbox), oldest first. */
  photos(personId: string | null): FacePhoto[] {
    const rows = this.db.prepare('SELECT * FROM face_photos WHERE person_id IS ? ORDER BY added_at, id').all(personId) as PhotoRow[]
    return rows.map((r) => this.toPhoto(r))
  }

  inbox(): FacePhoto[] {
    return this.photos(null)
  }

  photo(id: string): FacePhoto {
    const row = this.db.prepare('SELECT * FROM face_photos WHERE id = ?').get(id) as PhotoRow | undefined
    if (!row) throw new PerceptError('NOT_FOUND', `No photo with id ${id} in the gallery.`)
    return this.toPhoto(row)
  }

  /** The photo already holding these exact bytes, if any. */
  photoBySha(sha256: string): FacePhoto | null {
    const row = this.db.prepare('SELECT * FROM face_photos WHERE sha256 = ? LIMIT 1').get(sha256) as PhotoRow | undefined
    return row ? this.toPhoto(row) : null
  }

  /** Moves a photo to a person, or to the inbox with null. */
  assignPhoto(photoId: string, personId: string | null): FacePhoto {
    this.photo(photoId)
    if (personId !== null) this.person(personId)
    this.db.prepare('UPDATE face_photos SET person_id = ?, merged_from = NULL WHERE id = ?').run(personId, photoId)
    return this.photo(photoId)
  }

  /** Records a photo whose files are written; photo-import.ts is the way in. */
  addPhoto(photo: NewPhoto): FacePhoto {
    if (photo.personId !== null) this.person(photo.personId)
    this.db
      .prepare(
        `INSERT INTO face_photos (id, person_id, merged_from, file, crop_file, source_name, sha256, crop_sha256, width, height, box, crop_height, crop_width, added_at)
         VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        photo.id,
        photo.personId,
        photo.file,
        photo.cropFile,
        photo.sourceName,
        photo.sha256,
        photo.cropSha256,
        photo.width,
        photo.height,
        photo.box ? JSON.stringify(photo.box) : null,
        photo.crop.height,
        photo.crop.width,
        new Date().toISOString(),
      )
    return this.photo(photo.id)
  }

  /** Every live person with at least one photo, with the photos: the classes the dictionaries learn. */
  galleryClasses(): { person: FacePerson; photos: FacePhoto[] }[] {
    return this.listPeople()
      .filter((p) => p.photos > 0)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((person) => ({ person, photos: this.photos(person.id).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) }))
  }
}
