import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFaceImage } from '../../../../main/faces/face-image'
import { meanFaceNormals } from '../../../../main/faces/face-shape'
import { buildDictionaries, dictionaryFile, type DictionaryProgress } from '../../../../main/faces/gallery/dictionaries'
import type { GalleryStore } from '../../../../main/faces/gallery/gallery-store'
import { enrolPhotos } from '../../../../main/faces/gallery/photo-import'
import { relightFace } from '../../../../main/faces/relight'
import { lowResolutionVector, trainSlrfr } from '../../../../main/faces/slrfr'
import { tempGallery, writeFace } from './gallery-fixtures'

let gallery: ReturnType<typeof tempGallery>
let store: GalleryStore
let incoming: string
const r76 = { height: 7, width: 6 }

beforeEach(async () => {
  gallery = tempGallery()
  store = gallery.store
  incoming = join(gallery.home, 'incoming')
  for (let i = 0; i < 4; i++) await enrolPhotos(store, `person ${i}`, [writeFace(incoming, i, 7)])
})
afterEach(() => gallery.close())

const mtime = (file: string): number => statSync(file).mtimeMs

describe('the gallery dictionaries', () => {
  it('are the SLRFR dictionaries of the relit, downsampled crops, one per person in id order', async () => {
    const progress: DictionaryProgress[] = []
    const { dictionaries, cached } = await buildDictionaries(store, r76, { onProgress: (p) => progress.push(p) })
    expect(cached).toBe(false)
    const classes = store.galleryClasses()
    expect(dictionaries.people).toEqual(classes.map((c) => ({ id: c.person.id, photos: 1 })))
    // The same pipeline assembled by hand from the fixture files.
    const normals = meanFaceNormals(48, 40)
    const enlarged: Float64Array[][] = []
    for (const { person } of classes) {
      const index = Number(person.name.split(' ')[1])
      const crop = await readFaceImage(join(incoming, `person-${index}-light-7.png`))
      enlarged.push([crop, ...relightFace(crop, normals).images].map((image) => lowResolutionVector(image, r76)))
    }
    const expected = trainSlrfr(enlarged, r76)
    expect(dictionaries.model.classes).toHaveLength(4)
    dictionaries.model.classes.forEach((c, i) => expect(Array.from(c.dictionary.data)).toEqual(Array.from(expected.classes[i]!.dictionary.data)))
    expect(progress.map((p) => `${p.stage} ${p.done}/${p.total}`)).toEqual(['relight 0/4', 'relight 1/4', 'relight 2/4', 'relight 3/4', 'dictionaries 0/4', 'write 4/4'])
  })

  it('are read from the cache while the gallery is unchanged, and rebuilt when a photo is added', async () => {
    const file = dictionaryFile(store, r76)
    const first = await buildDictionaries(store, r76)
    const written = mtime(file)
    const again = await buildDictionaries(store, r76)
    expect(again.cached).toBe(true)
    expect(mtime(file)).toBe(written)
    expect(again.dictionaries.builtAt).toBe(first.dictionaries.builtAt)
    // The cached model is the built one, number for number.
    again.dictionaries.model.classes.forEach((c, i) => expect(c.dictionary.data).toEqual(first.dictionaries.model.classes[i]!.dictionary.data))
    expect(again.dictionaries.model.pca.basis.data).toEqual(first.dictionaries.model.pca.basis.data)

    // Renaming a person changes nothing the dictionaries hold.
    store.renamePerson(store.listPeople()[0]!.id, 'someone else')
    expect((await buildDictionaries(store, r76)).cached).toBe(true)

    const who = store.findPerson('person 2')!
    await enrolPhotos(store, 'person 2', [writeFace(incoming, 2, 4)])
    const rebuilt = await buildDictionaries(store, r76)
    expect(rebuilt.cached).toBe(false)
    expect(rebuilt.dictionaries.builtAt > first.dictionaries.builtAt || mtime(file) !== written).toBe(true)
    expect(rebuilt.dictionaries.people.find((p) => p.id === who.id)!.photos).toBe(2)
    expect((await buildDictionaries(store, r76)).cached).toBe(true)
  })

  it('keep one file per resolution, and rebuild a damaged cache or when forced', async () => {
    await buildDictionaries(store, r76)
    const other = await buildDictionaries(store, { height: 12, width: 10 })
    expect(other.cached).toBe(false)
    expect(other.file).toBe(join(gallery.home, 'faces', 'dictionaries', '12x10.json'))
    expect((await buildDictionaries(store, r76)).cached).toBe(true)
    expect((await buildDictionaries(store, r76, { force: true })).cached).toBe(false)
    writeFileSync(dictionaryFile(store, r76), '{"format": 1, "trunc')
    expect((await buildDictionaries(store, r76)).cached).toBe(false)
    expect((await buildDictionaries(store, r76)).cached).toBe(true)
  })

  it('refuse a gallery of fewer than two people with photos, and a resolution above the crop', async () => {
    await expect(buildDictionaries(store, { height: 50, width: 40 })).rejects.toThrow(/50x40 is larger than the gallery's 48x40 crop/)
    await expect(buildDictionaries(store, { height: 25, width: 20 })).rejects.toThrow(/25x20 has 500 pixels; matching is for low-resolution faces of at most 480 pixels/)
    const people = store.listPeople()
    for (const p of people.slice(1)) await store.deletePerson(p.id)
    store.createPerson('no photos yet')
    await expect(buildDictionaries(store, r76)).rejects.toThrow(/The gallery has 1 person with photos; identification needs at least two/)
    const gus = store.createPerson('Gus')
    const [one, two] = store.inbox()
    store.assignPhoto(one!.id, people[0]!.id)
    store.assignPhoto(two!.id, gus.id)
    const { skipped, dictionaries } = await buildDictionaries(store, r76)
    expect(skipped.map((p) => p.name)).toEqual(['no photos yet'])
    expect(Object.fromEntries(dictionaries.people.map((p) => [p.id, p.photos]))).toEqual({ [people[0]!.id]: 2, [gus.id]: 1 })
  }, 10_000)
})
