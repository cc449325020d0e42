import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { assertRank, singleShape } from './layer-util'
import { SeededDropout, type SeededDropoutArgs } from './seeded-dropout'

/** Fraction of channels to drop while training, 0 <= rate < 1; `seed` as for SeededDropout. */
export type SpatialDropoutArgs = SeededDropoutArgs

/**
 * Spatial dropout (Tompson et al., 2015) for channels-last inputs of rank 3, 4 or 5 (1D, 2D, 3D): while
 * training it zeroes whole channels of each sample (the same channels at every position) with probability
 * `rate` and scales the kept ones by 1 / (1 - rate); at inference it is the identity.
 */
export class SpatialDropout extends SeededDropout {
  static override className = 'SpatialDropout'

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    assertRank(`SpatialDropout '${this.name}'`, singleShape(inputShape), [3, 4, 5], 'channels-last input')
    this.built = true
  }

  protected override noiseShape(x: tf.Tensor): number[] {
    return [x.shape[0]!, ...new Array<number>(x.rank - 2).fill(1), x.shape[x.rank - 1]!]
  }
}
tf.serialization.registerClass(SpatialDropout)
