import * as tfl from '@tensorflow/tfjs-layers'

/*
 * The arithmetic of one forward pass, so that a benchmark can say how close a time is to what the machine
 * can do at all: a time is only "slow" against the FLOP rate the cores reach (see compute-bench.ts, where
 * the reference CNN's inference is held against the cores' multiply-add peak).
 */

/** Layers whose products are counted: convolutions and dense layers, nearly all of the work in our networks. */
const counted = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Dense'])

function product(values: readonly (number | null)[]): number {
  return values.reduce<number>((a, b) => a * (b ?? 1), 1)
}

/**
 * Floating-point operations of one forward pass over `batch` examples, a multiply-add counted as 2:
 * each convolution's kernel (height x width x in x out) applied at every output position, each dense
 * kernel at every position it is applied to. Taps that fall on 'same' padding are counted (a kernel may skip
 * them: with the reference CNN's 3x3 kernels dilated by 2 on 64 x 41 that is about 5%). Activations,
 * pooling, softmax and the biases are left out: one multiply-add per output value against hundreds per
 * output value in the products, under 1% of the total in our networks. Nested models are counted through.
 */
export function forwardFlops(model: tfl.LayersModel, batch: number): number {
  return 2 * multiplyAdds(model) * batch
}

/** Multiply-adds of one example. */
function multiplyAdds(model: tfl.LayersModel): number {
  let macs = 0
  for (const layer of model.layers) {
    if (layer instanceof tfl.LayersModel) {
      macs += multiplyAdds(layer)
      continue
    }
    if (!counted.has(layer.getClassName())) continue
    const kernel = layer.weights.find((w) => /(^|\/)kernel(_\d+)?$/.test(w.originalName))
    if (!kernel) continue
    const output = layer.outputShape as (number | null)[]
    // Every output position (all dims but the batch and the channels) applies the whole kernel once.
    macs += product(kernel.shape) * product(output.slice(1, -1))
  }
  return macs
}
