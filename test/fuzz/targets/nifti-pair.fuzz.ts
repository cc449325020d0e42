import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { loadVolume } from '../../../main/mri/volume-source'
import { mutatedBytes } from '../mutations'
import { hostileNifti1, openNifti, smallPhantom, writtenNifti } from '../nifti-seeds'
import { withTempDir } from '../temp-files'
import { expectRefusalOrSuccess, type FuzzTarget } from '../target'

/**
 * A .hdr/.img pair through readNifti and the service's volume opening. One input holds both files: a
 * little-endian uint32 header length, the header, then the image (none when empty: the missing-.img case).
 */

function pack(header: Uint8Array, image: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + header.length + image.length)
  new DataView(out.buffer).setUint32(0, header.length, true)
  out.set(header, 4)
  out.set(image, 4 + header.length)
  return out
}

function unpack(bytes: Uint8Array): { header: Uint8Array; image: Uint8Array } {
  if (bytes.length < 4) return { header: bytes, image: new Uint8Array(0) }
  const length = Math.min(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true), bytes.length - 4)
  return { header: bytes.subarray(4, 4 + length), image: bytes.subarray(4 + length) }
}

const target: FuzzTarget = {
  async seeds() {
    const pair = async (name: string, volume: Parameters<typeof writtenNifti>[1], options: Parameters<typeof writtenNifti>[2] = {}) => {
      const files = await writtenNifti(name, volume, options)
      return { header: files['hdr']!, image: files['img']! }
    }
    const uint16 = await pair('seed.hdr', smallPhantom('image', 'uint16'))
    const pairs = [
      uint16,
      await pair('seed.hdr', smallPhantom('image', 'int16'), { byteOrder: 'big', sclSlope: 0.25, sclInter: 3 }),
      await pair('seed.hdr', smallPhantom('labels', 'int8')),
      await pair('seed.hdr', smallPhantom('image', 'float32'), { format: 'nifti2' }),
      await pair('seed.hdr', [smallPhantom('image', 'uint8', 1), smallPhantom('image', 'uint8', 2)]),
      ...hostileNifti1(uint16.header).map((header) => ({ header, image: uint16.image })),
    ]
    return pairs.map(({ header, image }) => pack(header, image))
  },
  // Mostly: the header mutated, the image kept whole or cut short.
  arbitrary(seeds) {
    const pairs = seeds.map(unpack)
    const headerDamage = fc.oneof(
      ...pairs.map(({ header, image }) =>
        fc
          .tuple(mutatedBytes([header]), fc.oneof(fc.constant(image.length), fc.nat({ max: image.length })))
          .map(([damaged, keep]) => pack(damaged, image.subarray(0, keep))),
      ),
    )
    return fc.oneof({ weight: 1, arbitrary: mutatedBytes(seeds) }, { weight: 3, arbitrary: headerDamage })
  },
  async check(bytes) {
    const { header, image } = unpack(bytes)
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'fuzz.hdr'), header)
      if (image.length > 0) await writeFile(join(dir, 'fuzz.img'), image)
      const kind = bytes.length % 2 === 0 ? 'image' : 'labels'
      await expectRefusalOrSuccess(() => openNifti(join(dir, 'fuzz.hdr'), { display: true, kind }))
      // Opened from its other half too, as a person may pick either file.
      if (image.length > 0) await loadVolume(join(dir, 'fuzz.img'))
    })
  },
}
export default target
