/**
 * The epochs of one training run: shuffled batches of prepared subjects, each image augmented (augment.ts) with
 * probability 0.8, one optimizer step per batch on the loss of the network's output, then the validation
 * subjects' Dice.
 *
 * Deep supervision: in Fig. 2's network (network.ts, after Wong et al. 2018's VNetDS) the bottleneck's and every
 * decoder level's output are upsampled, concatenated and mapped to the labels by one 1x1 convolution before the
 * softmax, so every level is supervised through the single output and its own path into it. There is one loss
 * term, weight 1: no extra heads and no weights to choose (the paper names none; its PCC loss "does not require
 * manual weight selections").
 *
 * Repeatable to the bit: the shuffle of epoch e, the augmentation of each image and the dropout masks of step s
 * all derive from (seed, e, s), never from a generator carried along, so a run resumed from the checkpoint after
 * epoch e trains exactly as the uninterrupted run would have.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { setDropoutStep } from '../../../compute/layers'
import type { NadamOptimizer } from '../../../compute/optimizers/nadam'
import { seededRandom } from '../../../compute/seeded-random'
import { PerceptError } from '../../../core/errors'
import type { SegmentationLoss } from '../losses'
import { augmentPair, drawAugmentation, type AugmentOptions } from './augment'
import { evaluateSubjects, type DiceSummary } from './evaluate'
import type { PreparedSubject } from './training-data'

export interface EpochSummary {
  epoch: number
  /** Mean training loss over the epoch's batches. */
  loss: number
  validation: DiceSummary
  seconds: number
}

export interface TrainLoopOptions {
  model: tfl.LayersModel
  optimizer: NadamOptimizer
  loss: SegmentationLoss
  labelCount: number
  size: number
  train: readonly PreparedSubject[]
  validation: readonly PreparedSubject[]
  epochs: number
  /** The first epoch to run (after a checkpoint); default 1. */
  firstEpoch?: number
  batchSize: number
  seed: number
  /** null: no augmentation. */
  augment: AugmentOptions | null
  signal?: AbortSignal
  onStep?: (epoch: number, batch: number, batches: number, loss: number) => void
  onEpoch?: (summary: EpochSummary) => Promise<void>
}

/** A seed from several whole numbers (FNV-1a over their 32-bit words). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193)
    h ^= h >>> 15
  }
  return h >>> 0
}

/** The order of epoch `epoch`'s training subjects. */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  const random = seededRandom(mixSeed(seed, epoch, 0x5eed))
  const order = Array.from({ length: count }, (_, i) => i)
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

function batchTensors(subjects: readonly PreparedSubject[], options: TrainLoopOptions, epoch: number, step: number): { x: tf.Tensor; y: tf.Tensor } {
  const { size, labelCount } = options
  const voxels = size ** 3
  const images = new Float32Array(subjects.length * voxels)
  const labels = new Int32Array(subjects.length * voxels)
  subjects.forEach((subject, b) => {
    const transform = options.augment ? drawAugmentation(mixSeed(options.seed, epoch, step, b), [size, size, size], options.augment) : null
    const moved = augmentPair(subject.image, subject.labels, [size, size, size], transform, subject.air)
    images.set(moved.image, b * voxels)
    labels.set(moved.labels, b * voxels)
  })
  return tf.tidy(() => ({
    x: tf.tensor5d(images, [subjects.length, size, size, size, 1]),
    y: tf.cast(tf.oneHot(tf.tensor4d(labels, [subjects.length, size, size, size], 'int32'), labelCount), 'float32'),
  }))
}

export async function trainEpochs(options: TrainLoopOptions): Promise<EpochSummary[]> {
  const { model, optimizer, batchSize, train } = options
  if (train.length === 0) throw new PerceptError('VALIDATION', 'No training subjects: the split left none for training.')
  const batches = Math.ceil(train.length / batchSize)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const history: EpochSummary[] = []
  for (let epoch = options.firstEpoch ?? 1; epoch <= options.epochs; epoch++) {
    const started = performance.now()
    const order = epochOrder(train.length, options.seed, epoch)
    let lossSum = 0
    for (let b = 0; b < batches; b++) {
      options.signal?.throwIfAborted()
      const step = (epoch - 1) * batches + b
      const subjects = order.slice(b * batchSize, (b + 1) * batchSize).map((i) => train[i]!)
      const { x, y } = batchTensors(subjects, options, epoch, step)
      setDropoutStep(model, step)
      const cost = optimizer.minimize(() => options.loss(y, model.apply(x, { training: true }) as tf.Tensor), true, variables)!
      const value = cost.dataSync()[0]!
      tf.dispose([x, y, cost])
      if (!Number.isFinite(value)) {
        throw new PerceptError('VALIDATION', `The loss became ${value} at epoch ${epoch}, step ${b + 1}: training diverged. Try a smaller learning rate.`)
      }
      lossSum += value
      options.onStep?.(epoch, b + 1, batches, value)
    }
    options.signal?.throwIfAborted()
    const validation = evaluateSubjects(model, options.validation, options.size, options.labelCount)
    const summary: EpochSummary = { epoch, loss: lossSum / batches, validation, seconds: (performance.now() - started) / 1000 }
    history.push(summary)
    await options.onEpoch?.(summary)
  }
  return history
}
