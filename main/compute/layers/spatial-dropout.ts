import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { assertRank, singleShape, singleTensor } from './layer-util'

export interface SpatialDropoutArgs extends LayerArgs {
  /** Fraction of channels to drop while training, 0 <= rate < 1. */
  rate: number
  /**
   * Makes the masks reproducible: the n-th training call of this layer draws its mask with seed `seed + n`,
   * so a run restarted from the same weights and seed drops the same channels in the same order.
   */
  seed?: number
}

/**
 * Spatial dropout (Tompson et al., 2015) for channels-last inputs of rank 3, 4 or 5 (1D, 2D, 3D): while
 * training it zeroes whole channels of each sample (the same channels at every position) with probability
 * `rate` and scales the kept ones by 1 / (1 - rate); at inference it is the identity.
 */
export class SpatialDropout extends tfl.layers.Layer implements OnnxExportable {
  static className = 'SpatialDropout'
  readonly rate: number
  readonly seed: number | undefined
  private calls = 0

  constructor(args: SpatialDropoutArgs) {
    super(args)
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new PerceptError('VALIDATION', `SpatialDropout: rate must be in [0, 1), got ${args.rate}`)
    }
    this.rate = args.rate
    this.seed = args.seed ?? undefined
    this.supportsMasking = true
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    assertRank(`SpatialDropout '${this.name}'`, singleShape(inputShape), [3, 4, 5], 'channels-last input')
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return singleShape(inputShape)
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = singleTensor(inputs)
    if (kwargs.training !== true || this.rate === 0) return x
    return tf.tidy(() => {
      const rank = x.rank
      const noiseShape = [x.shape[0]!, ...new Array<number>(rank - 2).fill(1), x.shape[rank - 1]!]
      const seed = this.seed === undefined ? undefined : this.seed + this.calls++
      return tf.dropout(x, this.rate, noiseShape, seed)
    })
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
tf.serialization.registerClass(SpatialDropout)
