/**
 * Custom TF.js layers. Importing this module registers every class with TF.js's serialisation, so models that
 * use them load with `tf.loadLayersModel`; each also writes itself into ONNX (`toOnnx`).
 */
export { ChannelStandardization, type ChannelStandardizationArgs } from './channel-standardization'
export { GroupNormalization, type GroupNormalizationArgs } from './group-normalization'
export { SeededDropout, setDropoutStep, type SeededDropoutArgs } from './seeded-dropout'
export { SpatialDropout, type SpatialDropoutArgs } from './spatial-dropout'
export { UpSampling3D, type UpSampling3DArgs } from './up-sampling-3d'
export { GlobalAveragePooling3D, GlobalMaxPooling3D } from './global-pooling-3d'
export { GaborConv3D, gaborKernel, gaborGrid, GABOR_PARAMETER_NAMES, type GaborConv3DArgs, type GaborParameters, type GaborParameterName } from './gabor-conv3d'
