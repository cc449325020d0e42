import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { seededRandom } from '../../compute/seeded-random'

/*
 * A feed-forward network as the paper's DNNs all are: dense layers, each y = act(x W + b). Written on
 * TF.js core variables rather than a LayersModel so that several networks can share one variable (the
 * auto-encoder's tied decoder, stacking) and a training stage can choose which variables it updates.
 * For export, `toLayersModel` writes the same weights into an ordinary tfjs-layers Sequential of Dense
 * layers, which the ONNX exporter knows.
 */

export type Activation = 'sigmoid' | 'linear'

/** One dense layer. `transposed`: the kernel is stored [out, in] (a tied decoder reads its encoder's W^T). */
export interface DenseLayer {
  kernel: tf.Variable
  bias: tf.Variable
  activation: Activation
  transposed?: boolean
}

/** Glorot-uniform weights from a seeded generator, zero biases: repeatable from the run's seed. */
export function denseLayer(inputs: number, units: number, activation: Activation, random: () => number): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + units)) * (activation === 'sigmoid' ? 4 : 1) // Glorot's factor 4 for sigmoid units
  const values = Float32Array.from({ length: inputs * units }, () => (2 * random() - 1) * limit)
  return { kernel: tf.variable(tf.tensor2d(values, [inputs, units])), bias: tf.variable(tf.zeros([units])), activation }
}

export function applyDense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  const z = tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D, false, layer.transposed ?? false), layer.bias) as tf.Tensor2D
  return layer.activation === 'sigmoid' ? tf.sigmoid(z) : z
}

/** The layers in order (no tidy of its own: inside a gradient the tape needs the intermediates). */
export function applyLayers(layers: readonly DenseLayer[], x: tf.Tensor2D): tf.Tensor2D {
  return layers.reduce((h, layer) => applyDense(layer, h), x)
}

export function layerSizes(layer: DenseLayer): { inputs: number; units: number } {
  const [a, b] = layer.kernel.shape as [number, number]
  return layer.transposed ? { inputs: b, units: a } : { inputs: a, units: b }
}

/** The layers of an MLP: `inputs` -> hidden `widths` (sigmoid) -> `outputs` with the output activation. */
export function buildMlp(inputs: number, widths: readonly number[], outputs: number, output: Activation, seed: number): DenseLayer[] {
  const random = seededRandom(seed)
  const sizes = [inputs, ...widths, outputs]
  return sizes.slice(1).map((units, i) => denseLayer(sizes[i]!, units, i === sizes.length - 2 ? output : 'sigmoid', random))
}

/** Distinct variables of some layers, in order (a tied kernel counted once). */
export function variablesOf(layers: readonly DenseLayer[]): tf.Variable[] {
  const seen = new Set<tf.Variable>()
  for (const l of layers) seen.add(l.kernel).add(l.bias)
  return [...seen]
}

export function parameterCount(layers: readonly DenseLayer[]): number {
  return variablesOf(layers).reduce((n, v) => n + v.size, 0)
}

/** The same function as a tfjs-layers Sequential of Dense layers (tied kernels written out transposed), for ONNX export. */
export function toLayersModel(layers: readonly DenseLayer[], name: string): tfl.LayersModel {
  const model = tfl.sequential({ name })
  layers.forEach((layer, i) => {
    const { inputs, units } = layerSizes(layer)
    model.add(tfl.layers.dense({ units, activation: layer.activation, ...(i === 0 ? { inputShape: [inputs] } : {}), name: `${name}_dense${i + 1}` }))
  })
  const weights = layers.flatMap((layer) => [layer.transposed ? tf.transpose(layer.kernel) : layer.kernel.clone(), layer.bias.clone()])
  model.setWeights(weights)
  tf.dispose(weights)
  return model
}

/** Runs layers on a frame-major matrix, in batches so that a long utterance does not hold every activation at once. */
export function predictRows(layers: readonly DenseLayer[], rows: Float32Array, count: number, batch = 4096): Float32Array {
  const inputs = layerSizes(layers[0]!).inputs
  const outputs = layerSizes(layers[layers.length - 1]!).units
  const out = new Float32Array(count * outputs)
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start)
    const y = tf.tidy(() => applyLayers(layers, tf.tensor2d(rows.subarray(start * inputs, (start + n) * inputs), [n, inputs])))
    out.set(y.dataSync() as Float32Array, start * outputs)
    y.dispose()
  }
  return out
}
