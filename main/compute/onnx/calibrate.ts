import { PerceptError } from '../../core/errors'
import { openOnnxSession, type OnnxTensor } from './onnx-session'
import { calibrationGraph, calibrationNames, quantiseConvs, type ValueRange } from './quantise-conv'

/**
 * The model with its convolutions in int8 (quantise-conv.ts), each activation's range taken from running
 * the float32 model on `batches` (representative inputs: the training data's, not random values).
 */
export async function quantiseConvsCalibrated(bytes: Uint8Array, batches: readonly Record<string, OnnxTensor>[]): Promise<{ bytes: Uint8Array; convs: number }> {
  if (batches.length === 0) throw new PerceptError('VALIDATION', 'Quantising needs at least one batch of calibration inputs.')
  const names = calibrationNames(bytes)
  if (names.length === 0) return { bytes, convs: 0 }
  const ranges = new Map<string, ValueRange>(names.map((n) => [n, { min: Infinity, max: -Infinity }]))
  const session = await openOnnxSession(calibrationGraph(bytes, names))
  try {
    for (const feeds of batches) {
      const outputs = await session.run(feeds, names)
      for (const name of names) {
        const range = ranges.get(name)!
        for (const v of outputs[name]!.data as Float32Array) {
          if (v < range.min) range.min = v
          if (v > range.max) range.max = v
        }
      }
    }
  } finally {
    await session.release()
  }
  return quantiseConvs(bytes, ranges)
}
