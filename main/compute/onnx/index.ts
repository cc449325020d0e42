/** ONNX export of TF.js models and inference with onnxruntime-node. */
export { exportToOnnx, exportToOnnxWithSignature, DEFAULT_OPSET } from './exporter'
export type { OnnxExportOptions, OnnxExportResult, OnnxTensorSignature } from './exporter'
export type { OnnxExportContext, OnnxExportable, TfShape } from './export-context'
export { isOnnxExportable } from './export-context'
export { registerOnnxConverter, supportedLayerClasses, type LayerConverter } from './converters'
export { samePadding } from './converters-conv'
export { quantiseConvsCalibrated } from './calibrate'
export { initializerFloats } from './quantise-conv'
export { int8WeightSteps } from './int8-weight-steps'
export { onnx, decodeModel, encodeModel, makeTensor, makeValueInfo, makeAttribute, int64Tensor } from './onnx-proto'
export type { OnnxTypes } from './onnx-proto'
export {
  OnnxModelSession,
  OnnxSessionCache,
  openOnnxSession,
  loadOnnxRuntime,
  defaultIntraOpThreads,
} from './onnx-session'
export type {
  OnnxTensor,
  OnnxTensorData,
  OnnxOutput,
  OnnxValueDescription,
  OnnxSessionOptions,
  OnnxSessionCacheOptions,
} from './onnx-session'
