import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { facesInPhoto } from '../../../../main/faces/detect/photo-faces'
import { readFaceImage } from '../../../../main/faces/face-image'
import { photoScene } from '../../../../main/faces/fixtures/photo-scene'
import { enrolPhotos, importPhotos } from '../../../../main/faces/gallery/photo-import'
import { pieFace, tempGallery, writeFace, writePng } from '../gallery/gallery-fixtures'

/** The real detector at the scene threshold (see face-detector.test.ts for why 0.2 on synthetic faces). */
const faces = (file: string, image: Parameters<typeof facesInPhoto>[0]) => facesInPhoto(image, file.split('/').pop()!, { height: 48, width: 40 }, { minConfidence: 0.2 })

describe('importing ordinary photos: detection, eye alignment, one inbox face per face found', { timeout: 240_000 }, () => {
  let close = (): void => {}
  afterEach(() => close())

  it('takes each face of a two-face photo as its own inbox face, sharing one copy of the photo; refuses a photo with none', async () => {
    const gallery = tempGallery()
    close = gallery.close
    const incoming = join(gallery.home, 'incoming')
    const two = writePng(join(incoming, 'two.png'), photoScene({ seed: 1, faces: 2 }).image)
    const none = writePng(join(incoming, 'none.png'), photoScene({ seed: 11, faces: 0 }).image)
    const aligned = writeFace(incoming, 0, 7)
    const report = await importPhotos(gallery.store, [two, none, aligned], () => null, { faces })
    expect(report.taken).toBe(3)
    expect(report.refused).toBe(1)
    expect(report.files.find((f) => !f.taken)).toEqual({ file: none, taken: false, reason: "no face was found in the photo. Give the face's box by hand to import it (drag it on the photo in the app, or --box x,y,width,height)." })
    const inbox = gallery.store.inbox()
    expect(inbox).toHaveLength(3)
    const fromTwo = inbox.filter((p) => p.sourceName === 'two.png')
    expect(fromTwo).toHaveLength(2)
    expect(new Set(fromTwo.map((p) => p.file)).size).toBe(1)
    expect(fromTwo.map((p) => p.box!.x).sort((a, b) => a - b)[0]).toBeLessThan(240)
    for (const p of fromTwo) {
      const crop = await readFaceImage(p.cropFile)
      expect([crop.height, crop.width]).toEqual([48, 40])
    }
    // The aligned 48 x 40 crop skipped detection: kept whole, no box.
    const direct = inbox.find((p) => p.sourceName === 'person-0-light-7.png')!
    expect(direct.box).toBeNull()
    const crop = await readFaceImage(direct.cropFile)
    expect(Math.max(...crop.data.map((v, i) => Math.abs(v - pieFace(0, 7).data[i]!)))).toBeLessThan(1 / 255)
    // Deleting one of the two faces keeps the shared photo for the other.
    const person = gallery.store.createPerson('Two')
    gallery.store.assignPhoto(fromTwo[0]!.id, person.id)
    await gallery.store.deletePerson(person.id, { deletePhotos: true, confirmed: true })
    expect(existsSync(fromTwo[1]!.file)).toBe(true)
  })

  it('enrols a one-face photo to the person and sends each face of a two-face photo to the inbox', async () => {
    const gallery = tempGallery()
    close = gallery.close
    const incoming = join(gallery.home, 'incoming')
    const one = writePng(join(incoming, 'one.png'), photoScene({ seed: 2, faces: 1 }).image)
    const two = writePng(join(incoming, 'two.png'), photoScene({ seed: 1, faces: 2 }).image)
    const report = await enrolPhotos(gallery.store, 'Ada', [one, two], { faces })
    expect(report).toMatchObject({ taken: 3, refused: 0, created: true })
    expect(report.person).toMatchObject({ name: 'Ada', photos: 1 })
    expect(gallery.store.photos(report.person!.id).map((p) => p.sourceName)).toEqual(['one.png'])
    expect(gallery.store.inbox().map((p) => p.sourceName)).toEqual(['two.png', 'two.png'])
  })
})
