import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { singleShape, singleTensor } from './layer-util'

export interface ChannelStandardizationArgs extends LayerArgs {
  /** Per channel (the last axis): the mean to subtract. */
  mean: number[]
  /** Per channel: the standard deviation to divide by (> 0). */
  std: number[]
}

/**
 * A fixed per-channel standardisation, y = (x - mean) / std, for channels-last inputs: statistics measured on
 * the training data and kept in the model (its config), so TF.js and the ONNX export apply exactly what
 * training saw, and no caller has to remember to do it. Nothing in it is trained.
 */
export class ChannelStandardization extends tfl.layers.Layer implements OnnxExportable {
  static className = 'ChannelStandardization'
  readonly mean: number[]
  readonly std: number[]

  constructor(args: ChannelStandardizationArgs) {
    super(args)
    if (args.mean.length === 0 || args.mean.length !== args.std.length) {
      throw new PerceptError('VALIDATION', `ChannelStandardization: mean and std need one value per channel (got ${args.mean.length} and ${args.std.length})`)
    }
    if (!args.std.every((s) => s > 0 && Number.isFinite(s)) || !args.mean.every(Number.isFinite)) {
      throw new PerceptError('VALIDATION', 'ChannelStandardization: every mean must be finite and every std positive')
    }
    this.mean = [...args.mean]
    this.std = [...args.std]
    this.trainable = false
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = singleShape(inputShape)
    if (shape[shape.length - 1] !== this.mean.length) {
      throw new PerceptError('VALIDATION', `ChannelStandardization '${this.name}': ${this.mean.length} channel statistics for an input of shape [${shape.join(', ')}]`)
    }
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return singleShape(inputShape)
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(singleTensor(inputs), this.scale()), this.offset()))
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std }
  }

  /** x * (1 / std) + (-mean / std): one Mul and one Add broadcast over the last axis. */
  toOnnx(ctx: OnnxExportContext, [x]: string[]): string[] {
    const scaled = ctx.op('Mul', [x!, ctx.constFloat('scale', this.scale())])
    return [ctx.op('Add', [scaled, ctx.constFloat('offset', this.offset())])]
  }

  private scale(): Float32Array {
    return Float32Array.from(this.std, (s) => 1 / s)
  }

  private offset(): Float32Array {
    return Float32Array.from(this.mean, (m, i) => -m / this.std[i]!)
  }
}
tf.serialization.registerClass(ChannelStandardization)
