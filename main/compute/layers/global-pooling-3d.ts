import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import type { OnnxExportable, OnnxExportContext } from '../onnx/export-context'
import { assertRank, singleShape, singleTensor } from './layer-util'

abstract class GlobalPooling3D extends tfl.layers.Layer implements OnnxExportable {
  protected abstract readonly reduction: 'mean' | 'max'

  constructor(args: LayerArgs = {}) {
    super(args)
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    assertRank(`${this.getClassName()} '${this.name}'`, singleShape(inputShape), [5], 'a channels-last volume [N, D, H, W, C]')
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape)
    return [shape[0]!, shape[4]!]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs)
      return this.reduction === 'mean' ? tf.mean(x, [1, 2, 3]) : tf.max(x, [1, 2, 3])
    })
  }

  toOnnx(ctx: OnnxExportContext, [x]: string[]): string[] {
    return [ctx.reduce(this.reduction === 'mean' ? 'ReduceMean' : 'ReduceMax', x!, [1, 2, 3], false)]
  }
}

/** Mean over depth, height and width of [N, D, H, W, C] -> [N, C] (TF.js has only the 1D and 2D layers). */
export class GlobalAveragePooling3D extends GlobalPooling3D {
  static className = 'GlobalAveragePooling3D'
  protected readonly reduction = 'mean'
}
tf.serialization.registerClass(GlobalAveragePooling3D)

/** Maximum over depth, height and width of [N, D, H, W, C] -> [N, C]. */
export class GlobalMaxPooling3D extends GlobalPooling3D {
  static className = 'GlobalMaxPooling3D'
  protected readonly reduction = 'max'
}
tf.serialization.registerClass(GlobalMaxPooling3D)
