import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { mutatedBytes } from '../mutations'
import { hostileNifti1, hostileNifti2, openNifti, smallPhantom, withDims1, writtenNifti } from '../nifti-seeds'
import { withTempDir } from '../temp-files'
import type { FuzzTarget } from '../target'

/**
 * Gzipped NIfTI (.nii.gz) through readNifti and the service's volume opening, including zip bombs: a valid
 * small header followed by a gigabyte of gzipped zeros (reading must stop where the header's volume ends), and
 * a header declaring a huge volume over the same tail (refused without inflating or allocating it).
 */

/** 1 GiB of zeros as 1024 gzip members of 1 MiB each (about 1 KB each: deflate's ratio tops out near 1000:1). */
function zeroBombTail(): Uint8Array {
  const member = gzipSync(new Uint8Array(1 << 20), { level: 9 })
  const tail = new Uint8Array(member.length * 1024)
  for (let m = 0; m < 1024; m++) tail.set(member, m * member.length)
  return tail
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

const gz = (bytes: Uint8Array): Uint8Array => new Uint8Array(gzipSync(bytes, { level: 6 }))

const target: FuzzTarget = {
  timeoutMs: 15_000,
  async seeds() {
    const nii = async (name: string, volume: Parameters<typeof writtenNifti>[1], options: Parameters<typeof writtenNifti>[2] = {}) =>
      (await writtenNifti(name, volume, options))[name.endsWith('.gz') ? 'nii.gz' : 'nii']!
    const plain1 = await nii('seed.nii', smallPhantom('labels', 'uint8'))
    const plain2 = await nii('seed.nii', smallPhantom('image', 'int16'), { format: 'nifti2' })
    const bomb = zeroBombTail()
    return [
      await nii('seed.nii.gz', smallPhantom('labels', 'uint8')),
      await nii('seed.nii.gz', smallPhantom('image', 'float32'), { byteOrder: 'big', sclSlope: 2, sclInter: -1 }),
      await nii('seed.nii.gz', [smallPhantom('image', 'int16', 1), smallPhantom('image', 'int16', 2)]),
      await nii('seed.nii.gz', smallPhantom('image', 'float64'), { format: 'nifti2' }),
      ...hostileNifti1(plain1).map(gz),
      ...hostileNifti2(plain2).map(gz),
      // The bombs: the header's own volume (384 bytes) is all a reader may inflate...
      concat(gz(plain1), bomb),
      // ...and a valid header declaring 32767^3 voxels that a 1 MB file cannot hold.
      concat(gz(withDims1(plain1, [3, 32767, 32767, 32767, 1, 1, 1, 1])), bomb),
    ]
  },
  // Damage to the compressed bytes, and damage to the header under a fresh gzip (which the first rarely reaches).
  arbitrary(seeds) {
    const inflated = seeds.flatMap((seed) => {
      try {
        return [new Uint8Array(gunzipSync(seed, { maxOutputLength: 1 << 20 }))]
      } catch {
        return [] // the bombs
      }
    })
    return fc.oneof(mutatedBytes(seeds), mutatedBytes(inflated).map(gz))
  },
  async check(bytes) {
    await withTempDir(async (dir) => {
      const path = join(dir, 'fuzz.nii.gz')
      await writeFile(path, bytes)
      await openNifti(path, { display: false })
    })
  },
}
export default target
