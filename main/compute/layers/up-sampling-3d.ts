import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { resize } from '../onnx/converters-core'
import { assertRank, singleShape, singleTensor } from './layer-util'

export interface UpSampling3DArgs extends LayerArgs {
  /** Repeats along depth, height and width; a number repeats all three. Default [2, 2, 2]. */
  size?: number | [number, number, number]
}

/** Repeats each element `times` along `axis` (nearest-neighbour upsampling), staying at rank 4 so gradients exist. */
function repeatAxis(x: tf.Tensor, axis: number, times: number): tf.Tensor {
  if (times === 1) return x
  const shape = x.shape
  const before = shape.slice(0, axis).reduce((a, b) => a * b, 1)
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const length = shape[axis]!
  const tiled = tf.tile(tf.reshape(x, [before, length, 1, after]), [1, 1, times, 1])
  return tf.reshape(tiled, [...shape.slice(0, axis), length * times, ...shape.slice(axis + 1)])
}

/**
 * Nearest-neighbour upsampling of channels-last volumes [N, D, H, W, C] (TF.js has only the 2D layer): every
 * voxel becomes a size[0] x size[1] x size[2] block, as Keras's UpSampling3D.
 */
export class UpSampling3D extends tfl.layers.Layer implements OnnxExportable {
  static className = 'UpSampling3D'
  readonly size: [number, number, number]

  constructor(args: UpSampling3DArgs = {}) {
    super(args)
    const size = args.size ?? 2
    this.size = typeof size === 'number' ? [size, size, size] : [size[0], size[1], size[2]]
    if (!this.size.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new PerceptError('VALIDATION', `UpSampling3D: size must be positive integers, got ${JSON.stringify(args.size)}`)
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    assertRank(`UpSampling3D '${this.name}'`, singleShape(inputShape), [5], 'a channels-last volume [N, D, H, W, C]')
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape)
    return [shape[0]!, ...this.size.map((s, i) => (shape[i + 1] == null ? null : shape[i + 1]! * s)), shape[4]!]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = singleTensor(inputs)
      this.size.forEach((times, i) => {
        x = repeatAxis(x, i + 1, times)
      })
      return x
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: [...this.size] }
  }

  toOnnx(ctx: OnnxExportContext, [x]: string[]): string[] {
    return [resize(ctx, x!, 5, false, [1, ...this.size, 1], 'nearest')]
  }
}
tf.serialization.registerClass(UpSampling3D)
