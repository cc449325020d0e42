import { checkNiftiFile, hostileNifti2, smallPhantom, smallRgbPhantom, writtenNifti } from '../nifti-seeds'
import type { FuzzTarget } from '../target'

/** Single-file NIfTI-2 (.nii, 540-byte header, int64 dims) through readNifti and the service's volume opening. */
const target: FuzzTarget = {
  async seeds() {
    const nii = async (volumes: Parameters<typeof writtenNifti>[1], options: Parameters<typeof writtenNifti>[2] = {}) =>
      (await writtenNifti('seed.nii', volumes, { format: 'nifti2', ...options }))['nii']!
    const labels = await nii(smallPhantom('labels', 'uint16'))
    return [
      labels,
      await nii(smallPhantom('image', 'int16'), { byteOrder: 'big', sclSlope: 0.5, sclInter: 10 }),
      await nii(smallPhantom('image', 'float64'), { qform: { code: 2 }, sform: { code: 1 } }),
      await nii(smallPhantom('labels', 'int32')),
      await nii(smallRgbPhantom()),
      await nii([smallPhantom('image', 'float32', 1), smallPhantom('image', 'float32', 2)]),
      ...hostileNifti2(labels),
    ]
  },
  check: (bytes) => checkNiftiFile(bytes, 'fuzz.nii'),
}
export default target
