import * as tf from '@tensorflow/tfjs-core'
import { resizeGrey, type GreyImage } from '../face-image'
import { faceApiWith } from '../../imaging/face-landmarks/face-api-runtime'

/**
 * The "deep" baseline's features: the 128-D descriptor of face-api's face recognition net (a ResNet-34
 * like net trained for face verification) on the image enlarged to the net's 150 x 150 input. A crop keeps
 * its shape (the net pads to a square itself); grey goes in all three channels.
 */

/** The recognition net's input side. */
export const DESCRIPTOR_INPUT = 150
/** Images per forward pass. */
const BATCH = 16

function toInput(image: GreyImage): tf.Tensor3D {
  const scale = DESCRIPTOR_INPUT / Math.max(image.height, image.width)
  const big = resizeGrey(image, Math.round(image.height * scale), Math.round(image.width * scale))
  const rgb = new Float32Array(big.data.length * 3)
  for (let p = 0; p < big.data.length; p++) rgb.fill(255 * Math.min(1, Math.max(0, big.data[p]!)), 3 * p, 3 * p + 3)
  return tf.tensor3d(rgb, [big.height, big.width, 3])
}

/** Descriptors of `images`, in order. `onBatch` hears how many are done (for progress and cancel). */
export async function faceDescriptors(images: readonly GreyImage[], onBatch?: (done: number) => void | Promise<void>): Promise<Float32Array[]> {
  const api = await faceApiWith(['faceRecognitionNet'])
  const out: Float32Array[] = []
  for (let start = 0; start < images.length; start += BATCH) {
    const inputs = images.slice(start, start + BATCH).map(toInput)
    try {
      const result = await api.computeFaceDescriptor(inputs.length === 1 ? inputs[0]! : inputs)
      out.push(...(Array.isArray(result) ? result : [result]))
    } finally {
      for (const t of inputs) t.dispose()
    }
    await onBatch?.(out.length)
  }
  return out
}
