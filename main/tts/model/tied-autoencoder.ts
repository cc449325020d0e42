import * as tf from '@tensorflow/tfjs-core'
import { seededRandom } from '../../compute/seeded-random'
import { applyLayers, denseLayer, type DenseLayer } from './mlp'

/*
 * The paper's deep auto-encoder (Sec. 2, after Hinton & Salakhutdinov 2006): encoder layers
 * y = s(W x + b) and decoder layers z = s(W' y + b') with W' = W^T, every unit a sigmoid. At 16 kHz
 * 1025-500-60-500-1025: two encoder layers (1025->500, 500->60) and their mirror. The tie is one variable:
 * the decoder layer holds the very tf.Variable of its encoder layer, marked `transposed`, so an update
 * through either path moves both, and the decoder has only its own biases.
 *
 * Training (Fig. 1): each layer pre-trained greedily as a one-hidden-layer auto-encoder on the codes of
 * the layer below (`pretrainLayers(k)`), then the whole stack fine-tuned with MSE (`encoder + decoder`).
 */

export interface TiedAutoEncoder {
  /** Encoder layers, input side first. */
  encoder: DenseLayer[]
  /** Decoder layers, bottleneck side first: decoder[i] ties to encoder[n - 1 - i]. */
  decoder: DenseLayer[]
}

/** `widths`: the encoder's hidden sizes ending with the bottleneck, e.g. [500, 60]. */
export function buildTiedAutoEncoder(bins: number, widths: readonly number[], seed: number): TiedAutoEncoder {
  const random = seededRandom(seed)
  const sizes = [bins, ...widths]
  const encoder = widths.map((units, i) => denseLayer(sizes[i]!, units, 'sigmoid', random))
  const decoder = [...encoder].reverse().map((enc): DenseLayer => ({
    kernel: enc.kernel,
    bias: tf.variable(tf.zeros([enc.kernel.shape[0]!])),
    activation: 'sigmoid',
    transposed: true,
  }))
  return { encoder, decoder }
}

/** The one-hidden-layer auto-encoder that pre-trains encoder layer k: encoder[k], then its tied mirror. */
export function pretrainLayers(ae: TiedAutoEncoder, k: number): DenseLayer[] {
  return [ae.encoder[k]!, ae.decoder[ae.decoder.length - 1 - k]!]
}

/** The whole auto-encoder, for fine-tuning and reconstruction. */
export function autoEncoderLayers(ae: TiedAutoEncoder): DenseLayer[] {
  return [...ae.encoder, ...ae.decoder]
}

/** The codes below encoder layer k (k = 0: the input itself). */
export function encodeTo(ae: TiedAutoEncoder, k: number, x: tf.Tensor2D): tf.Tensor2D {
  return k === 0 ? tf.clone(x) : tf.tidy(() => applyLayers(ae.encoder.slice(0, k), x))
}
