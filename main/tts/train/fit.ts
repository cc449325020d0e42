import * as tf from '@tensorflow/tfjs-core'
import { seededRandom } from '../../compute/seeded-random'
import { applyLayers, layerSizes, type DenseLayer } from '../model/mlp'

/*
 * Mini-batch training of one network with MSE, the paper's loss for every DNN: an epoch over the rows in a
 * seeded order, only `variables` updated (a pre-training stage moves one layer; stacking moves two nets).
 */

/** Pairs of rows: `count` inputs of `layers`' input size and targets of its output size. */
export interface Pairs {
  inputs: Float32Array
  targets: Float32Array
  count: number
}

export interface EpochOptions {
  batchSize: number
  seed: number
  signal?: AbortSignal
  onBatch?: (batch: number, batches: number) => void
}

function gather(source: Float32Array, dims: number, order: Uint32Array, start: number, n: number): Float32Array {
  const out = new Float32Array(n * dims)
  for (let i = 0; i < n; i++) out.set(source.subarray(order[start + i]! * dims, (order[start + i]! + 1) * dims), i * dims)
  return out
}

/** One epoch; returns the mean of the batches' losses weighted by their sizes. */
export async function trainEpoch(layers: readonly DenseLayer[], variables: tf.Variable[], optimizer: tf.Optimizer, pairs: Pairs, options: EpochOptions): Promise<number> {
  const inDims = layerSizes(layers[0]!).inputs
  const outDims = layerSizes(layers[layers.length - 1]!).units
  const random = seededRandom(options.seed)
  const order = Uint32Array.from({ length: pairs.count }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const batches = Math.ceil(pairs.count / options.batchSize)
  let total = 0
  for (let b = 0; b < batches; b++) {
    options.signal?.throwIfAborted()
    const start = b * options.batchSize
    const n = Math.min(options.batchSize, pairs.count - start)
    const x = tf.tensor2d(gather(pairs.inputs, inDims, order, start, n), [n, inDims])
    const y = tf.tensor2d(gather(pairs.targets, outDims, order, start, n), [n, outDims])
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, applyLayers(layers, x)) as tf.Scalar, true, variables)!
    total += (await loss.data())[0]! * n
    tf.dispose([x, y, loss])
    options.onBatch?.(b + 1, batches)
    if (b % 8 === 7) await new Promise((wake) => setImmediate(wake)) // let cancellation and progress through
  }
  return total / Math.max(1, pairs.count)
}

/** MSE over all pairs (no update). */
export function meanSquaredError(layers: readonly DenseLayer[], pairs: Pairs, batch = 2048): number {
  const inDims = layerSizes(layers[0]!).inputs
  const outDims = layerSizes(layers[layers.length - 1]!).units
  let total = 0
  for (let start = 0; start < pairs.count; start += batch) {
    const n = Math.min(batch, pairs.count - start)
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(pairs.inputs.subarray(start * inDims, (start + n) * inDims), [n, inDims])
      const y = tf.tensor2d(pairs.targets.subarray(start * outDims, (start + n) * outDims), [n, outDims])
      return tf.losses.meanSquaredError(y, applyLayers(layers, x))
    })
    total += (loss.dataSync() as Float32Array)[0]! * n
    loss.dispose()
  }
  return total / Math.max(1, pairs.count)
}
