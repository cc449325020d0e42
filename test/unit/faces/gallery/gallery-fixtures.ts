import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Workspace } from '../../../../main/core/workspace'
import { encodeGreyPng, type GreyImage } from '../../../../main/faces/face-image'
import { pieFaceImages } from '../../../../main/faces/fixtures/pie-set'
import { GalleryStore } from '../../../../main/faces/gallery/gallery-store'
import { tempHome } from '../../../helpers/temp-home'

/** A throwaway workspace with its gallery; close() releases and removes it. */
export function tempGallery(): { home: string; workspace: Workspace; store: GalleryStore; close: () => void } {
  const { home, cleanup } = tempHome('percept-gallery-')
  const workspace = Workspace.open({ home, door: 'cli' })
  return {
    home,
    workspace,
    store: new GalleryStore(workspace),
    close: () => {
      workspace.close()
      cleanup()
    },
  }
}

/** Synthetic person `index` (seed 1) under PIE-like light `light`, 48 x 40. */
export const pieFace = (index: number, light: number, seed = 1): GreyImage => ({ height: 48, width: 40, data: pieFaceImages(seed, index)[light]! })

export function writePng(path: string, image: GreyImage): string {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, encodeGreyPng(image))
  return path
}

/** The PNG file of a synthetic face, named person-<index>-light-<light>.png under dir. */
export const writeFace = (dir: string, index: number, light: number): string => writePng(join(dir, `person-${index}-light-${light}.png`), pieFace(index, light))

/** A PNG whose header claims width x height pixels and whose data is missing: decoding it would be refused anyway. */
export function hugePngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33)
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
  const view = new DataView(bytes.buffer)
  view.setUint32(16, width)
  view.setUint32(20, height)
  bytes.set([8, 0, 0, 0, 0], 24)
  return bytes
}
