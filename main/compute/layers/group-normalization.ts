import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { normalise } from '../onnx/converters-norm'
import { assertRank, singleShape, singleTensor } from './layer-util'

export interface GroupNormalizationArgs extends LayerArgs {
  /** Number of channel groups; the channel count must divide by it. Default 4 (as in the MRI paper). */
  groups?: number
  /** Added to the variance before the square root. Default 1e-5. */
  epsilon?: number
  /** Learn a per-channel offset beta (initialised to 0). Default true. */
  center?: boolean
  /** Learn a per-channel scale gamma (initialised to 1). Default true. */
  scale?: boolean
}

/**
 * Group normalisation (Wu & He, 2018) for channels-last inputs of rank 3 (NWC), 4 (NHWC) or 5 (NDHWC):
 * channels are split into `groups` groups and each sample is normalised over its spatial positions and the
 * channels of a group, `y = (x - mean) / sqrt(var + epsilon) * gamma + beta`, with gamma and beta per channel.
 * Unlike batch norm it does not depend on the batch, so training and inference compute the same thing.
 */
export class GroupNormalization extends tfl.layers.Layer implements OnnxExportable {
  static className = 'GroupNormalization'
  readonly groups: number
  readonly epsilon: number
  readonly center: boolean
  readonly scale: boolean
  private gamma: tfl.LayerVariable | null = null
  private beta: tfl.LayerVariable | null = null

  constructor(args: GroupNormalizationArgs = {}) {
    super(args)
    this.groups = args.groups ?? 4
    this.epsilon = args.epsilon ?? 1e-5
    this.center = args.center ?? true
    this.scale = args.scale ?? true
    if (!Number.isInteger(this.groups) || this.groups < 1) {
      throw new PerceptError('VALIDATION', `GroupNormalization: groups must be a positive integer, got ${this.groups}`)
    }
    if (!(this.epsilon > 0)) throw new PerceptError('VALIDATION', `GroupNormalization: epsilon must be positive, got ${this.epsilon}`)
    this.supportsMasking = true
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = singleShape(inputShape)
    assertRank(`GroupNormalization '${this.name}'`, shape, [3, 4, 5], 'channels-last input')
    const channels = shape[shape.length - 1]
    if (channels == null) {
      throw new PerceptError('VALIDATION', `GroupNormalization '${this.name}': the channel count must be known when building`)
    }
    if (channels % this.groups !== 0) {
      throw new PerceptError(
        'VALIDATION',
        `GroupNormalization '${this.name}': ${channels} channels do not split into ${this.groups} groups`,
      )
    }
    if (this.scale) this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones())
    if (this.center) this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return singleShape(inputShape)
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs)
      const shape = x.shape
      const channels = shape[shape.length - 1]!
      const grouped = tf.reshape(x, [shape[0]!, -1, this.groups, channels / this.groups])
      const { mean, variance } = tf.moments(grouped, [1, 3], true)
      const normalised = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)))
      let y = tf.reshape(normalised, shape)
      if (this.gamma) y = tf.mul(y, this.gamma.read())
      if (this.beta) y = tf.add(y, this.beta.read())
      return y
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon, center: this.center, scale: this.scale }
  }

  /** Reshape to [N, positions, groups, channels / groups], normalise over axes 1 and 3, reshape back, gamma, beta. */
  toOnnx(ctx: OnnxExportContext, [x]: string[]): string[] {
    const shape = ctx.shapeOf(x!)
    const channels = shape?.[shape.length - 1]
    if (!shape || typeof channels !== 'number') throw new Error('the channel count of the input is unknown')
    const grouped = ctx.op('Reshape', [x!, ctx.constInt64('group_shape', [0, -1, this.groups, channels / this.groups])])
    const normalised = normalise(ctx, grouped, [1, 3], this.epsilon)
    let y = ctx.op('Reshape', [normalised, ctx.op('Shape', [x!])])
    if (this.gamma) {
      const gamma = Float32Array.from(this.gamma.read().dataSync() as Float32Array)
      y = ctx.op('Mul', [y, ctx.addInitializer('gamma', gamma, [channels])])
    }
    if (this.beta) {
      const beta = Float32Array.from(this.beta.read().dataSync() as Float32Array)
      y = ctx.op('Add', [y, ctx.addInitializer('beta', beta, [channels])])
    }
    return [y]
  }
}
tf.serialization.registerClass(GroupNormalization)
