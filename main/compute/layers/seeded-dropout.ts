import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { singleShape, singleTensor } from './layer-util'

export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of units to drop while training, 0 <= rate < 1. */
  rate: number
  /**
   * Makes the masks reproducible: training call number `step` draws its mask with seed `seed + step`.
   * (TF.js's own Dropout, given a seed, draws the same mask at every call.)
   */
  seed?: number
}

/**
 * Dropout whose masks repeat from run to run: while training it zeroes each unit with probability `rate`
 * and scales the kept ones by 1 / (1 - rate); at inference it is the identity. `step` counts training
 * calls; a training loop that resumes from a checkpoint sets it (setDropoutStep) so the resumed run draws
 * the masks the uninterrupted one would have.
 */
export class SeededDropout extends tfl.layers.Layer implements OnnxExportable {
  static className = 'SeededDropout'
  readonly rate: number
  readonly seed: number | undefined
  /** The next training call's number. */
  step = 0

  constructor(args: SeededDropoutArgs) {
    super(args)
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new PerceptError('VALIDATION', `${new.target.className}: rate must be in [0, 1), got ${args.rate}`)
    }
    this.rate = args.rate
    this.seed = args.seed ?? undefined
    this.supportsMasking = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return singleShape(inputShape)
  }

  /** The mask's shape (broadcast over the input); undefined drops each unit on its own. */
  protected noiseShape(_x: tf.Tensor): number[] | undefined {
    return undefined
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = singleTensor(inputs)
    if (kwargs.training !== true || this.rate === 0) return x
    const seed = this.seed === undefined ? undefined : this.seed + this.step
    this.step++
    return tf.tidy(() => tf.dropout(x, this.rate, this.noiseShape(x), seed))
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), rate: this.rate }
    if (this.seed !== undefined) config.seed = this.seed
    return config
  }

  /** Identity at inference: the output is the input value itself. */
  toOnnx(_ctx: OnnxExportContext, inputs: string[]): string[] {
    return [inputs[0]!]
  }
}
tf.serialization.registerClass(SeededDropout)

/** Sets the training-call number of every SeededDropout (and SpatialDropout) layer of a model. */
export function setDropoutStep(model: tfl.LayersModel, step: number): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.step = step
}
