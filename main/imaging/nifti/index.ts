export { readNifti, type NiftiVolume, type ReadNiftiOptions } from './read-nifti'
export { writeNifti, type WriteNiftiOptions } from './write-nifti'
export {
  chooseAffineSource,
  headerAffine,
  pixdimAffine,
  scalingOf,
  type AffineSource,
  type NiftiFormat,
  type NiftiHeaderInfo,
} from './nifti-header'
export { affineToQuatern, quaternToAffine, type Quatern } from './qform'
export { VOXEL_TYPES, XFORM, datatypeName, type SpatialUnit, type TemporalUnit } from './nifti-codes'
