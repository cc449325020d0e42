import { checkNiftiFile, hostileNifti1, smallPhantom, smallRgbPhantom, writtenNifti } from '../nifti-seeds'
import type { FuzzTarget } from '../target'

/** Single-file NIfTI-1 (.nii) through readNifti and the MRI service's volume opening. */
const target: FuzzTarget = {
  async seeds() {
    const nii = async (volumes: Parameters<typeof writtenNifti>[1], options: Parameters<typeof writtenNifti>[2] = {}) =>
      (await writtenNifti('seed.nii', volumes, options))['nii']!
    const labels = await nii(smallPhantom('labels', 'uint8'))
    return [
      labels,
      await nii(smallPhantom('image', 'int16'), { byteOrder: 'big', sclSlope: 0.5, sclInter: 10 }),
      await nii(smallPhantom('image', 'float32'), { qform: { code: 1 }, sform: { code: 0 } }),
      await nii(smallPhantom('labels', 'int8'), { qform: { code: 0 }, sform: { code: 0 } }),
      await nii(smallRgbPhantom()),
      await nii([smallPhantom('image', 'float32', 1), smallPhantom('image', 'float32', 2)]),
      ...hostileNifti1(labels),
    ]
  },
  check: (bytes) => checkNiftiFile(bytes, 'fuzz.nii'),
}
export default target
