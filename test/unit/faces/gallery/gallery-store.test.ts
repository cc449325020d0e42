import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFaceImage } from '../../../../main/faces/face-image'
import type { FaceLocator } from '../../../../main/faces/gallery/face-crop'
import type { GalleryStore } from '../../../../main/faces/gallery/gallery-store'
import { enrolPhotos, importPhotos } from '../../../../main/faces/gallery/photo-import'
import { hugePngHeader, pieFace, tempGallery, writeFace, writePng } from './gallery-fixtures'

let gallery: ReturnType<typeof tempGallery>
let store: GalleryStore
let incoming: string

beforeEach(() => {
  gallery = tempGallery()
  store = gallery.store
  incoming = join(gallery.home, 'incoming')
})
afterEach(() => gallery.close())

/** Enrols photos of synthetic people: name -> [person index, light][]. */
async function enrolAll(people: Record<string, [number, number][]>): Promise<Record<string, string>> {
  const ids: Record<string, string> = {}
  for (const [name, faces] of Object.entries(people)) {
    const report = await enrolPhotos(store, name, faces.map(([i, light]) => writeFace(incoming, i, light)))
    expect(report.refused).toBe(0)
    ids[name] = report.person!.id
  }
  return ids
}

const photoIdsOf = (id: string | null): string[] => store.photos(id).map((p) => p.id).sort()
const names = (): [string, number][] => store.listPeople().map((p) => [p.name, p.photos])

describe('people', () => {
  it('creates, renames and finds people; names are unique without regard to case', () => {
    const ann = store.createPerson('  Ann Lee ')
    expect(ann.name).toBe('Ann Lee')
    expect(store.findPerson('ann lee')?.id).toBe(ann.id)
    expect(store.findPerson(ann.id)?.name).toBe('Ann Lee')
    expect(() => store.createPerson('ANN LEE')).toThrow(/already has a person named "ANN LEE"/)
    expect(() => store.createPerson('   ')).toThrow(/needs a name/)
    expect(() => store.createPerson('a\nb')).toThrow(/control characters/)
    store.createPerson('Bob')
    expect(() => store.renamePerson(ann.id, 'bob')).toThrow(/already has a person named "bob"/)
    expect(store.renamePerson(ann.id, 'Ann Smith').name).toBe('Ann Smith')
    // Renaming to the same name in another case is allowed (the clash is with itself).
    expect(store.renamePerson(ann.id, 'ann smith').name).toBe('ann smith')
  })

  it('searches names by a part, case ignored, with % and _ taken literally', () => {
    for (const name of ['Joanna', 'Ann', 'Bob', '100% Sure', 'x_y']) store.createPerson(name)
    expect(store.listPeople({ search: 'AN' }).map((p) => p.name)).toEqual(['Ann', 'Joanna'])
    expect(store.listPeople({ search: '%' }).map((p) => p.name)).toEqual(['100% Sure'])
    expect(store.listPeople({ search: '_' }).map((p) => p.name)).toEqual(['x_y'])
    expect(store.listPeople().map((p) => p.name)).toEqual(['100% Sure', 'Ann', 'Bob', 'Joanna', 'x_y'])
  })

  it('merge then split restores the people and their photos', async () => {
    const ids = await enrolAll({ Ann: [[0, 7], [0, 3]], Bob: [[1, 7]] })
    const annPhotos = photoIdsOf(ids.Ann!)
    const bobPhotos = photoIdsOf(ids.Bob!)
    const receipt = store.mergePeople(ids.Bob!, ids.Ann!)
    expect(receipt).toEqual({ merged: { id: ids.Bob, name: 'Bob' }, into: { id: ids.Ann, name: 'Ann' }, photoIds: bobPhotos })
    expect(names()).toEqual([['Ann', 3]])
    expect(photoIdsOf(ids.Ann!)).toEqual([...annPhotos, ...bobPhotos].sort())
    // Bob's name is free again while he is merged.
    const bob = store.splitPerson(ids.Ann!, receipt.photoIds, 'Bob')
    expect(names()).toEqual([['Ann', 2], ['Bob', 1]])
    expect(photoIdsOf(ids.Ann!)).toEqual(annPhotos)
    expect(photoIdsOf(bob.id)).toEqual(bobPhotos)
    for (const photo of [...store.photos(ids.Ann!), ...store.photos(bob.id)]) {
      expect(existsSync(photo.file)).toBe(true)
      expect(existsSync(photo.cropFile)).toBe(true)
    }
  })

  it('undoMerge brings the merged person back under the same id, even after a later merge', async () => {
    const ids = await enrolAll({ Ann: [[0, 7]], Bob: [[1, 7]], Cy: [[2, 7], [2, 5]] })
    const own = { Ann: photoIdsOf(ids.Ann!), Bob: photoIdsOf(ids.Bob!), Cy: photoIdsOf(ids.Cy!) }
    store.mergePeople(ids.Ann!, ids.Bob!)
    store.mergePeople(ids.Bob!, ids.Cy!)
    expect(names()).toEqual([['Cy', 4]])
    // Undoing Bob's merge brings back Bob's own photo; Ann's stays with Cy until her merge is undone.
    expect(store.undoMerge(ids.Bob!).photoIds).toEqual(own.Bob)
    expect(names()).toEqual([['Bob', 1], ['Cy', 3]])
    expect(store.undoMerge(ids.Ann!).person).toMatchObject({ id: ids.Ann, name: 'Ann', photos: 1 })
    expect({ Ann: photoIdsOf(ids.Ann!), Bob: photoIdsOf(ids.Bob!), Cy: photoIdsOf(ids.Cy!) }).toEqual(own)
    expect(() => store.undoMerge(ids.Ann!)).toThrow(/not merged into anyone/)
  })

  it('refuses to undo a merge while another person holds the name', async () => {
    const ids = await enrolAll({ Ann: [[0, 7]], Bob: [[1, 7]] })
    store.mergePeople(ids.Bob!, ids.Ann!)
    store.createPerson('bob')
    expect(() => store.undoMerge(ids.Bob!)).toThrow(/already has a person named "Bob"/)
    expect(names()).toEqual([['Ann', 2], ['bob', 0]])
  })

  it('refuses to merge a person into themselves or to split photos that are not theirs', async () => {
    const ids = await enrolAll({ Ann: [[0, 7]], Bob: [[1, 7]] })
    expect(() => store.mergePeople(ids.Ann!, ids.Ann!)).toThrow(/cannot be merged into themselves/)
    expect(() => store.splitPerson(ids.Ann!, photoIdsOf(ids.Bob!), 'Carl')).toThrow(/not Ann's/)
    expect(() => store.splitPerson(ids.Ann!, [], 'Carl')).toThrow(/at least one photo/)
    expect(names()).toEqual([['Ann', 1], ['Bob', 1]])
  })

  it('delete puts the photos in the inbox and keeps every file; deleting photos needs a confirmation', async () => {
    const ids = await enrolAll({ Ann: [[0, 7], [0, 2]], Bob: [[1, 7]] })
    const annPhotos = store.photos(ids.Ann!)
    const result = await store.deletePerson(ids.Ann!)
    expect(result.photosDeleted).toBe(false)
    expect(names()).toEqual([['Bob', 1]])
    expect(store.inbox().map((p) => p.id).sort()).toEqual(annPhotos.map((p) => p.id).sort())
    for (const photo of annPhotos) {
      expect(existsSync(photo.file)).toBe(true)
      expect(existsSync(photo.cropFile)).toBe(true)
    }
    // From the inbox a photo can be given to someone again.
    expect(store.assignPhoto(annPhotos[0]!.id, ids.Bob!).personId).toBe(ids.Bob)
    expect(store.inbox()).toHaveLength(1)

    const bobPhotos = store.photos(ids.Bob!)
    await expect(store.deletePerson(ids.Bob!, { deletePhotos: true })).rejects.toThrow(/Deleting Bob with their 2 photos cannot be undone: confirm it/)
    expect(names()).toEqual([['Bob', 2]])
    await store.deletePerson(ids.Bob!, { deletePhotos: true, confirmed: true })
    expect(store.listPeople()).toEqual([])
    for (const photo of bobPhotos) expect(existsSync(photo.file)).toBe(false)
    expect(store.inbox()).toHaveLength(1)
  })
})

describe('importing photos', () => {
  it('copies each photo and its canonical crop into the workspace, and walks folders', async () => {
    const a = writeFace(join(incoming, 'ann'), 0, 7)
    writeFace(join(incoming, 'ann', 'more'), 0, 9)
    writeFileSync(join(incoming, 'ann', 'notes.txt'), 'not a photo')
    writeFileSync(join(incoming, 'ann', '.hidden.png'), 'ignored')
    const report = await enrolPhotos(store, 'Ann', [join(incoming, 'ann')])
    expect(report.created).toBe(true)
    expect(report.taken).toBe(2)
    expect(report.files.map((f) => [f.file.slice(incoming.length + 1), f.taken])).toEqual([
      ['ann/notes.txt', false],
      ['ann/more/person-0-light-9.png', true],
      ['ann/person-0-light-7.png', true],
    ])
    const photo = store.photos(report.person!.id).find((p) => p.sourceName === 'person-0-light-7.png')!
    expect(photo.file.startsWith(join(gallery.home, 'faces', 'photos'))).toBe(true)
    expect(readFileSync(photo.file)).toEqual(readFileSync(a))
    expect([photo.width, photo.height, photo.box, photo.crop]).toEqual([40, 48, null, { height: 48, width: 40 }])
    // A 48 x 40 aligned face is its own crop: the crop's grey levels are the file's.
    expect((await readFaceImage(photo.cropFile)).data).toEqual((await readFaceImage(a)).data)
  })

  it('refuses a corrupt image, a huge one, a tiny one and a landscape snapshot, each by name, and takes the rest', async () => {
    const good = writeFace(incoming, 3, 7)
    const corrupt = join(incoming, 'broken.png')
    writeFileSync(corrupt, Buffer.concat([readFileSync(good).subarray(0, 40), Buffer.from('garbage')]))
    const huge = join(incoming, 'huge.png')
    writeFileSync(huge, hugePngHeader(10_000, 5_000))
    const tiny = writePng(join(incoming, 'tiny.png'), { height: 24, width: 20, data: new Float64Array(480).fill(0.5) })
    const wide = writePng(join(incoming, 'wide.png'), { height: 60, width: 120, data: new Float64Array(7200).fill(0.5) })
    const report = await enrolPhotos(store, 'Dee', [corrupt, huge, tiny, wide, good, join(incoming, 'missing.png')])
    const reasons = Object.fromEntries(report.files.map((f) => [f.file.slice(incoming.length + 1), f.taken ? 'taken' : f.reason]))
    expect(reasons['missing.png']).toBe('no such file or folder.')
    expect(reasons['broken.png']).toMatch(/^the PNG file is damaged/)
    expect(reasons['huge.png']).toMatch(/^the image is 10000 x 5000 pixels, more than 40 megapixels/)
    expect(reasons['tiny.png']).toMatch(/^the face is 20 x 24 pixels .*smaller than the gallery's 40 x 48 crop/)
    expect(reasons['wide.png']).toMatch(/^the photo is 120 x 60 .*not shaped like an aligned face crop/)
    expect(reasons['person-3-light-7.png']).toBe('taken')
    expect([report.taken, report.refused]).toEqual([1, 5])
    expect(names()).toEqual([['Dee', 1]])
    // Nothing of a refused photo is left in the gallery folder: one photo, one crop.
    expect(store.photos(report.person!.id)).toHaveLength(1)
  })

  it('never doubles a photo and creates no person when every file is refused', async () => {
    const face = writeFace(incoming, 4, 7)
    const first = await enrolPhotos(store, 'Eve', [face])
    expect(first.taken).toBe(1)
    const again = await enrolPhotos(store, 'Fay', [face])
    expect(again.files[0]).toMatchObject({ taken: false, reason: expect.stringMatching(/already in the gallery \(photo \w+ of Eve\)/) })
    expect(again.person).toBeNull()
    expect(names()).toEqual([['Eve', 1]])
  })

  it('crops a manual box exactly, and refuses a box outside the photo', async () => {
    // The face pasted into a larger grey photo at x = 30, y = 10.
    const face = pieFace(5, 7)
    const photo = { height: 80, width: 100, data: new Float64Array(8000).fill(0.3) }
    for (let r = 0; r < 48; r++) for (let c = 0; c < 40; c++) photo.data[(10 + r) * 100 + 30 + c] = face.data[r * 40 + c]!
    const file = writePng(join(incoming, 'scene.png'), photo)
    const report = await importPhotos(store, [file], () => null, { box: { x: 30, y: 10, width: 40, height: 48 } })
    expect(report.taken).toBe(1)
    const [inboxed] = store.inbox()
    expect(inboxed!.box).toEqual({ x: 30, y: 10, width: 40, height: 48 })
    const crop = await readFaceImage(inboxed!.cropFile)
    crop.data.forEach((v, p) => expect(v).toBeCloseTo(Math.round(255 * face.data[p]!) / 255, 12))

    const outside = await importPhotos(store, [writePng(join(incoming, 'scene2.png'), { ...photo, data: photo.data.map((v) => v * 0.9) })], () => null, {
      box: { x: 70, y: 10, width: 40, height: 48 },
    })
    expect(outside.files[0]).toMatchObject({ taken: false, reason: expect.stringMatching(/the box 70,10,40,48 does not lie inside the 100 x 80 photo/) })
  })

  it('uses a plugged-in face locator, refusing photos with no face or several', async () => {
    const boxes: Record<number, { x: number; y: number; width: number; height: number }[]> = { 0: [], 2: [{ x: 0, y: 0, width: 40, height: 48 }, { x: 1, y: 1, width: 40, height: 48 }] }
    let calls = 0
    const locator: FaceLocator = {
      name: 'the test detector',
      locate: async () => boxes[calls++] ?? [{ x: 0, y: 0, width: 40, height: 48 }],
    }
    const files = [0, 1, 2].map((k) => writeFace(incoming, 6, k))
    const report = await importPhotos(store, files, () => null, { locator })
    expect(report.files.map((f) => (f.taken ? 'taken' : f.reason))).toEqual([
      'the test detector found no face. Give the face\'s box (x,y,width,height).',
      'taken',
      'the test detector found 2 faces. Give the box (x,y,width,height) of the one to enrol.',
    ])
  })
})
