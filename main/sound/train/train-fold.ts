import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { setDropoutStep } from '../../compute/layers'
import { seededRandom } from '../../compute/seeded-random'
import type { FeatureClip, FeatureSet } from '../features/feature-cache'
import { accuracy, confusionMatrix, perClassAccuracy, predictClips, type Aggregation } from './evaluate'

/** One held-out fold's clips, already split (see dataset/folds: the test fold never reaches train or validation). */
export interface FoldClips {
  train: FeatureClip[]
  validation: FeatureClip[]
  test: FeatureClip[]
}

export interface ClipEvaluation {
  clips: number
  accuracy: number
  perClass: (number | null)[]
  /** confusion[truth][predicted] */
  confusion: number[][]
}

export interface EpochSummary {
  epoch: number
  loss: number
  /** Segment accuracy on the training batches. */
  accuracy: number
  /** Clip accuracy on the validation clips; null without any. */
  validationAccuracy: number | null
}

export interface TrainFoldOptions {
  /** A compiled model (buildEscModel), whose weights may come from a checkpoint. */
  model: tfl.LayersModel
  classes: number
  epochs: number
  batchSize: number
  /**
   * Seeds each epoch's shuffle (with the epoch number), so a resumed run shuffles as the first would have.
   * Dropout layers built with a seed (SeededDropout) are set to the step count for the same reason.
   */
  seed: number
  aggregation: Aggregation
  /** The first epoch to run (after a checkpoint); default 1. */
  firstEpoch?: number
  signal?: AbortSignal
  onBatch?: (epoch: number, batch: number, batches: number, loss: number, accuracy: number) => void
  onEpoch?: (summary: EpochSummary) => Promise<void>
}

/** Segment rows of these clips, in clip order. */
export function segmentRows(clips: readonly FeatureClip[]): Int32Array {
  const rows = new Int32Array(clips.reduce((n, c) => n + c.count, 0))
  let at = 0
  for (const clip of clips) for (let s = 0; s < clip.count; s++) rows[at++] = clip.first + s
  return rows
}

/**
 * Mean and (population) std of each input channel over these segment rows, in float64: the statistics a
 * ChannelStandardization layer needs. Overlapping segments count their shared frames twice, as training sees them.
 */
export function channelStats(features: FeatureSet, rows: ArrayLike<number>): { mean: number[]; std: number[] } {
  const size = features.index.segmentSize
  const channels = 2
  const sum = new Float64Array(channels)
  const squares = new Float64Array(channels)
  for (let r = 0; r < rows.length; r++) {
    const segment = features.data.subarray(rows[r]! * size, (rows[r]! + 1) * size)
    for (let i = 0; i < size; i++) {
      const v = segment[i]!
      sum[i % channels]! += v
      squares[i % channels]! += v * v
    }
  }
  const n = (rows.length * size) / channels
  const mean = Array.from(sum, (s) => s / n)
  // A constant channel (silence) keeps std 1, so the layer is still valid.
  const std = Array.from(squares, (q, c) => Math.sqrt(Math.max(0, q / n - mean[c]! ** 2)) || 1)
  return { mean, std }
}

function batchTensors(features: FeatureSet, rows: ArrayLike<number>, from: number, to: number, labels: Int32Array | null, classes: number) {
  const size = features.index.segmentSize
  const x = new Float32Array((to - from) * size)
  for (let i = from; i < to; i++) x.set(features.data.subarray(rows[i]! * size, (rows[i]! + 1) * size), (i - from) * size)
  const [bands, frames, channels] = [features.index.config.nMels, features.index.config.frames, 2]
  const xs = tf.tensor4d(x, [to - from, bands, frames, channels])
  if (!labels) return { xs, ys: null }
  const y = new Float32Array((to - from) * classes)
  for (let i = from; i < to; i++) y[(i - from) * classes + labels[rows[i]!]!] = 1
  return { xs, ys: tf.tensor2d(y, [to - from, classes]) }
}

/** Class probabilities of every segment row, in batches. */
export function predictSegments(model: tfl.LayersModel, features: FeatureSet, rows: ArrayLike<number>, classes: number, batchSize = 128): Float32Array {
  const out = new Float32Array(rows.length * classes)
  for (let from = 0; from < rows.length; from += batchSize) {
    const to = Math.min(rows.length, from + batchSize)
    const { xs } = batchTensors(features, rows, from, to, null, classes)
    const probs = model.predict(xs) as tf.Tensor
    out.set(probs.dataSync() as Float32Array, from * classes)
    tf.dispose([xs, probs])
  }
  return out
}

/** Clip-level accuracy, per-class accuracy and confusion matrix of a model on these clips. */
export function evaluateClips(model: tfl.LayersModel, features: FeatureSet, clips: readonly FeatureClip[], classes: number, aggregation: Aggregation): ClipEvaluation {
  const rows = segmentRows(clips)
  const probabilities = predictSegments(model, features, rows, classes)
  let first = 0
  const spans = clips.map((clip) => {
    const span = { classId: clip.classId, first, count: clip.count }
    first += clip.count
    return span
  })
  const predicted = predictClips(probabilities, classes, spans, aggregation).map((p) => p.predicted)
  const truth = clips.map((c) => c.classId)
  const confusion = confusionMatrix(truth, predicted, classes)
  return { clips: clips.length, accuracy: accuracy(truth, predicted), perClass: perClassAccuracy(confusion), confusion }
}

/**
 * Trains on the training clips' segments (shuffled batches, the optimizer the model was compiled
 * with), reporting every batch and every epoch (with the validation clips' accuracy).
 */
export async function trainFold(features: FeatureSet, fold: FoldClips, options: TrainFoldOptions): Promise<EpochSummary[]> {
  const { model, classes, batchSize } = options
  const rows = segmentRows(fold.train)
  if (rows.length === 0) throw new Error('No training segments: every clip of the training folds failed to load.')
  const labels = new Int32Array(features.index.total)
  for (const clip of features.index.clips) labels.fill(clip.classId, clip.first, clip.first + clip.count)
  const batches = Math.ceil(rows.length / batchSize)
  const history: EpochSummary[] = []
  for (let epoch = options.firstEpoch ?? 1; epoch <= options.epochs; epoch++) {
    const order = shuffle(rows, options.seed * 100_003 + epoch)
    let lossSum = 0
    let accuracySum = 0
    for (let b = 0; b < batches; b++) {
      options.signal?.throwIfAborted()
      const from = b * batchSize
      const to = Math.min(order.length, from + batchSize)
      const { xs, ys } = batchTensors(features, order, from, to, labels, classes)
      setDropoutStep(model, (epoch - 1) * batches + b)
      const [loss, acc] = (await model.trainOnBatch(xs, ys!)) as number[]
      tf.dispose([xs, ys!])
      lossSum += loss! * (to - from)
      accuracySum += acc! * (to - from)
      options.onBatch?.(epoch, b + 1, batches, loss!, acc!)
    }
    const validationAccuracy = fold.validation.length ? evaluateClips(model, features, fold.validation, classes, options.aggregation).accuracy : null
    const summary = { epoch, loss: lossSum / rows.length, accuracy: accuracySum / rows.length, validationAccuracy }
    history.push(summary)
    await options.onEpoch?.(summary)
  }
  return history
}

function shuffle(rows: Int32Array, seed: number): Int32Array {
  const random = seededRandom(seed)
  const out = rows.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = out[i]!
    out[i] = out[j]!
    out[j] = t
  }
  return out
}
