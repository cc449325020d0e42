import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readDicomSeries } from '../../../main/imaging/dicom'
import { parseDicom } from '../../../main/imaging/dicom/dicom-file'
import { makeDicomPhantom, writeDicomSeries, type WriteDicomSeriesOptions } from '../../../main/imaging/fixtures/dicom-series'
import { withTempDir } from '../temp-files'
import { expectRefusalOrSuccess, type FuzzTarget } from '../target'

/**
 * One slice of the project's DICOM phantom, mutated, through the DICOM reader: parsed in memory (header only
 * and whole), read as a one-slice series, and assembled with the next slice of its own series (untouched)
 * from a folder that also holds the other variants' slices, as a real export's folder looks (the folder scan
 * groups them by series first).
 */

const variants: WriteDicomSeriesOptions[] = [
  { description: 'Fuzz explicit VR' },
  { description: 'Fuzz implicit VR, no preamble', preamble: false },
  { description: 'Fuzz uint16 12 bits rescaled', storedType: 'uint16', bitsStored: 12, rescaleSlope: 1, rescaleIntercept: -1024, modality: 'CT' },
  { description: 'Fuzz int16 rescaled', rescaleSlope: 0.5, rescaleIntercept: 3 },
]

/** Slices 2 and 3 of each variant (8 x 8 pixels, 6 slices, names in slice order). */
async function variantSlices(): Promise<{ slice: Uint8Array; next: Uint8Array }[]> {
  const { volume } = makeDicomPhantom({ dims: [8, 8, 6] })
  return withTempDir(async (dir) =>
    Promise.all(
      variants.map(async (options, v) => {
        const written = await writeDicomSeries(dir, volume, { ...options, shuffleNames: false, namePrefix: `V${v}-` })
        return { slice: new Uint8Array(await readFile(written.files[2]!)), next: new Uint8Array(await readFile(written.files[3]!)) }
      }),
    ),
  )
}

let neighbours: Promise<Uint8Array[]> | null = null

/** Where an element's tag (group, element, little-endian) first appears after the file meta. */
function tagAt(bytes: Uint8Array, group: number, element: number): number {
  const pattern = [group & 0xff, group >> 8, element & 0xff, element >> 8]
  for (let i = 132; i + 4 <= bytes.length; i++) if (pattern.every((b, k) => bytes[i + k] === b)) return i
  throw new Error(`tag (${group.toString(16)},${element.toString(16)}) not in the seed`)
}

function patched(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice()
  edit(new DataView(copy.buffer))
  return copy
}

/** Hand-made damage to an explicit VR little-endian slice. */
function hostile(explicit: Uint8Array): Uint8Array[] {
  const pixels = tagAt(explicit, 0x7fe0, 0x0010) // tag, "OW", 2 reserved, 32-bit length
  const rows = tagAt(explicit, 0x0028, 0x0010) // tag, "US", 16-bit length, value
  const columns = tagAt(explicit, 0x0028, 0x0011)
  const description = tagAt(explicit, 0x0008, 0x103e) // tag, "LO", 16-bit length
  return [
    patched(explicit, (v) => v.setUint32(pixels + 8, 0xfffffff0, true)),
    patched(explicit, (v) => v.setUint32(pixels + 8, 0xffffffff, true)),
    patched(explicit, (v) => v.setUint16(description + 6, 0xffff, true)),
    patched(explicit, (v) => {
      v.setUint16(rows + 8, 0xffff, true)
      v.setUint16(columns + 8, 0xffff, true)
    }),
    patched(explicit, (v) => v.setUint16(rows + 8, 0, true)),
  ]
}

const target: FuzzTarget = {
  async seeds() {
    const slices = await variantSlices()
    return [...slices.map((s) => s.slice), ...hostile(slices[0]!.slice)]
  },
  async check(bytes) {
    parseDicom(bytes, { headerOnly: true })
    const parsed = parseDicom(bytes, { headerOnly: false })
    neighbours ??= variantSlices().then((slices) => slices.map((s) => s.next))
    const others = await neighbours
    await withTempDir(async (dir) => {
      const alone = join(dir, 'alone')
      const folder = join(dir, 'series')
      await mkdir(alone)
      await mkdir(folder)
      await writeFile(join(alone, 'IM0001'), bytes)
      await writeFile(join(folder, 'IM0001'), bytes)
      await Promise.all(others.map((next, v) => writeFile(join(folder, `V${v}-IM0002`), next)))
      // The first may refuse on its own; that must not hide a crash in the second.
      await expectRefusalOrSuccess(() => readDicomSeries(alone))
      const uid = parsed?.dataset.SeriesInstanceUID
      await readDicomSeries(folder, typeof uid === 'string' && uid !== '' ? { series: uid } : {})
    })
  },
}
export default target
