import * as tf from '@tensorflow/tfjs-core'
import { seededRandom } from '../../compute/seeded-random'
import { applyLayers, layerSizes, type DenseLayer } from '../model/mlp'

/*
 * Mini-batch training of one network with MSE, the paper's loss for every DNN: an epoch over the rows in a
 * seeded order, only `variables` updated (a pre-training stage moves one layer; stacking moves two nets).
 */

/**
 * Rows made on demand: row t is frames t-1, t, t+1 of `frames` side by side, clamped at each utterance's
 * ends (the post-filter's segments, as post-filter.ts's segmentRows makes them at synthesis). Stored whole
 * they take three times the frames' memory: 7.5 GB of inputs and as much of targets for an hour of speech.
 */
export interface FrameWindows {
  frames: Float32Array
  /** Values per frame. */
  dims: number
  /** Each row's previous and next frame (itself at an utterance's ends). */
  previous: Int32Array
  next: Int32Array
}

/** Windows over the frames of consecutive utterances of `lengths` frames each. */
export function frameWindows(frames: Float32Array, dims: number, lengths: readonly number[]): FrameWindows {
  const count = lengths.reduce((a, b) => a + b, 0)
  const previous = new Int32Array(count)
  const next = new Int32Array(count)
  let start = 0
  for (const n of lengths) {
    for (let t = 0; t < n; t++) {
      previous[start + t] = start + Math.max(0, t - 1)
      next[start + t] = start + Math.min(n - 1, t + 1)
    }
    start += n
  }
  return { frames, dims, previous, next }
}

/** A matrix's rows: stored (row-major) or windows over frames. */
export type Rows = Float32Array | FrameWindows

/** Pairs of rows: `count` inputs of `layers`' input size and targets of its output size. */
export interface Pairs {
  inputs: Rows
  targets: Rows
  count: number
}

export interface EpochOptions {
  batchSize: number
  seed: number
  signal?: AbortSignal
  onBatch?: (batch: number, batches: number) => void
}

/** Row `i` of `rows` (of `dims` values) into `out` at row `at`. */
function copyRow(rows: Rows, dims: number, i: number, out: Float32Array, at: number): void {
  if (rows instanceof Float32Array) {
    out.set(rows.subarray(i * dims, (i + 1) * dims), at * dims)
    return
  }
  const d = rows.dims
  const f = rows.frames
  out.set(f.subarray(rows.previous[i]! * d, (rows.previous[i]! + 1) * d), at * dims)
  out.set(f.subarray(i * d, (i + 1) * d), at * dims + d)
  out.set(f.subarray(rows.next[i]! * d, (rows.next[i]! + 1) * d), at * dims + 2 * d)
}

/** Rows order[start..start+n) (or start..start+n without an order) as one block (stored rows unordered: a view). */
export function gatherRows(source: Rows, dims: number, order: Uint32Array | null, start: number, n: number): Float32Array {
  if (source instanceof Float32Array && !order) return source.subarray(start * dims, (start + n) * dims)
  const out = new Float32Array(n * dims)
  for (let i = 0; i < n; i++) copyRow(source, dims, order ? order[start + i]! : start + i, out, i)
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
    const x = tf.tensor2d(gatherRows(pairs.inputs, inDims, order, start, n), [n, inDims])
    const y = tf.tensor2d(gatherRows(pairs.targets, outDims, order, start, n), [n, outDims])
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
      const x = tf.tensor2d(gatherRows(pairs.inputs, inDims, null, start, n), [n, inDims])
      const y = tf.tensor2d(gatherRows(pairs.targets, outDims, null, start, n), [n, outDims])
      return tf.losses.meanSquaredError(y, applyLayers(layers, x))
    })
    total += (loss.dataSync() as Float32Array)[0]! * n
    loss.dispose()
  }
  return total / Math.max(1, pairs.count)
}
