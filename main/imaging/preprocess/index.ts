/** Preprocessing for models: resampling, fitting to an n^3 cube and back, intensity normalisation. */
export { IDENTITY, invertMat4, multiplyMat4, scaleTranslateMat4, transformPoint } from './affine'
export { applyFit, fitToCube, inverseFit, nonZeroBounds, planFit, type FitOptions, type FitTransform } from './fit-to-cube'
export { normalizeIntensity, type NormalizeOptions, type NormalizeParams } from './normalize'
export { isotropicGrid, resampleByIndexMap, resampleIsotropic, resampleToGrid, type Interpolation } from './resample'
