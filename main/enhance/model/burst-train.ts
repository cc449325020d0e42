import * as tf from '@tensorflow/tfjs-core'
import { MASK_OUTPUT, conv3x3, forwardPass, linear, unitsOf, type ConvSpec, type LayerSpec, type NetBatch, type NetWeights } from './enhance-net'
import { matMulTransposedA, matMulTransposedB } from './dense-products'
import { weightedBce } from './weighted-bce'

/*
 * Burst propagation for MBURST's network (eqs. 1-8 with the conventions of ../burst-dense.ts, which
 * states them for a dense network and is the reference this file must agree with on one), extended to
 * the conv layers and the two-channel shape:
 *  - forward: enhance-net.ts' forwardPass (e_l = sigmoid(W_l e_(l-1) + bias_l));
 *  - output: p_L = clip(pbar (1 - h(e_L) dL/de_L), 0, 1), pbar_L = pbar, h(e) = 1 - e. With the weighted
 *    BCE, h dL/de = -w y (1 - e) / e + (1 - y) in closed form (e kept >= 1e-7): for y = 0 it is 1, so
 *    p_L = 0 and b_L - bbar_L = -pbar e_L, pbar times backprop's error at the logit, as with the MSE;
 *  - bursts go down through the feedback kernels: the layer below a dense layer receives Y b (Y of the
 *    dense layer's kernel shape [in, out], so Y b = b Y^T per batch row); below the head the signal is
 *    split between the channels' embeddings, as the concatenation joined them; below a conv layer it is
 *    the transposed convolution with Y (conv2dTranspose onto the padded input, then the padding cropped),
 *    the adjoint of the padded convolution, as the paper's "backward convolution". Then, per unit and
 *    position, u = h(e) (Y b), p = sigmoid(beta u + alpha), the same with bbar, b = p e (5)-(7);
 *  - G_l = -(b_l - bbar_l) e_(l-1)^T (8), as the gradient of the linear map: G_l = d/dW of
 *    sum(v_l(W, e_(l-1)) * d_l), d_l = -(b_l - bbar_l) held fixed, which for a conv layer is the
 *    correlation of the input with d_l (the backward convolution), and for a bias the sum of d_l (its input
 *    is 1). For the dense layers fed by sigmoid units e_(l-1) is the rate less its resting value 0.5
 *    (enhance-net.ts' header: the same function, and without it Adam kills the embedding in one step).
 *    Averaged over the batch's examples, as a mean loss would be. The kernel layouts are TF.js's,
 *    the transpose of the paper's n_l x n_(l-1): with one example, kernel gradient = G_l^T.
 *  - Y_l gets the rule transposed (burst-dense: GY_l = G_(l+1)^T): in the kernel layout that is the very
 *    gradient of the kernel Y sits beside, so Y and W are stepped by the same gradient (by Adam, which
 *    then normalises each by its own moments, as it would two parameters).
 * Nothing here is back-propagated: tf.grads is used only for a conv layer's local, one-layer map; a dense
 * layer's is written out (dense-products.ts: the transposed products in the forms wasm runs fast).
 */

export type BurstLoss = { kind: 'mse' } | { kind: 'weighted-bce'; positiveWeight: number }

export interface BurstOptions {
  /** Output reference burst probability; 0.2 in the paper and in Payeur et al. */
  pbar: number
  loss: BurstLoss
  beta?: number
  alpha?: number
}

export const PAPER_PBAR = 0.2

export interface BurstStepTensors {
  /** Kernel and bias gradients in weightList's order, then the feedback gradients. */
  grads: tf.Tensor[]
  /** Per layer (geometry.layers' order): e, p (with teaching) and b, each the mean over units and examples. */
  eventRates: tf.Tensor1D
  burstProbabilities: tf.Tensor1D
  burstRates: tf.Tensor1D
  /** The output e_L (the mask) and the training loss (the weighted BCE, or the MSE sum per example averaged). */
  output: tf.Tensor2D
  loss: tf.Scalar
  /** Every layer's e, p, b, bbar (for the reference tests); disposed with the rest. */
  layers: { e: tf.Tensor; p: tf.Tensor; b: tf.Tensor; bBar: tf.Tensor }[]
}

/** The signal a layer sends down through its feedback kernel Y to the layer below: Y b, shaped as that layer's output. */
export function feedbackDown(layer: LayerSpec, b: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (layer.kind === 'dense') return matMulTransposedB(b as tf.Tensor2D, y as tf.Tensor2D)
  return transposedConv(layer, b as tf.Tensor4D, y as tf.Tensor4D)
}

/** The adjoint of conv3x3 (padding 1) with kernel y, applied to b: conv2dTranspose onto the padded input, padding cropped. */
export function transposedConv(layer: ConvSpec, b: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  const [h, w, c] = layer.input
  const padded = tf.conv2dTranspose(b, y, [b.shape[0], h + 2, w + 2, c], layer.stride, 'valid')
  return tf.slice(padded, [0, 1, 1, 0], [-1, h, w, c])
}

/** h(e_L) dL/de_L per output unit (see the header). */
function outputTeaching(e: tf.Tensor, target: tf.Tensor, loss: BurstLoss): tf.Tensor {
  const oneMinusE = tf.sub(1, e)
  if (loss.kind === 'mse') return tf.mul(oneMinusE, tf.sub(e, target))
  const safeE = tf.maximum(e, 1e-7)
  return tf.add(tf.neg(tf.div(tf.mul(tf.mul(target, loss.positiveWeight), oneMinusE), safeE)), tf.sub(1, target))
}

/** One burst-propagation step on a batch with its target: the gradient estimates and the rates. The caller disposes the result's tensors. */
export function burstStep(weights: NetWeights, batch: NetBatch, options: BurstOptions): BurstStepTensors {
  if (!batch.target) throw new Error('burstStep needs the target mask of the batch.')
  const target = batch.target
  const beta = options.beta ?? 1
  const alpha = options.alpha ?? 0
  const { geometry } = weights
  const layers = geometry.layers
  const L = layers.length
  return tf.tidy(() => {
    const pass = forwardPass(weights, batch)
    const n = target.shape[0]
    const e = pass.e
    const p: tf.Tensor[] = new Array<tf.Tensor>(L)
    const pBar: tf.Tensor[] = new Array<tf.Tensor>(L)
    const b: tf.Tensor[] = new Array<tf.Tensor>(L)
    const bBar: tf.Tensor[] = new Array<tf.Tensor>(L)
    const eL = e[L - 1]!
    p[L - 1] = tf.clipByValue(tf.mul(options.pbar, tf.sub(1, outputTeaching(eL, target, options.loss))), 0, 1)
    pBar[L - 1] = tf.fill(eL.shape, options.pbar)
    b[L - 1] = tf.mul(p[L - 1]!, eL)
    bBar[L - 1] = tf.mul(pBar[L - 1]!, eL)
    const fromAbove = (index: number, signal: tf.Tensor, signalBar: tf.Tensor): void => {
      const h = tf.sub(1, e[index]!)
      p[index] = tf.sigmoid(tf.add(tf.mul(beta, tf.mul(h, signal)), alpha))
      pBar[index] = tf.sigmoid(tf.add(tf.mul(beta, tf.mul(h, signalBar)), alpha))
      b[index] = tf.mul(p[index]!, e[index]!)
      bBar[index] = tf.mul(pBar[index]!, e[index]!)
    }
    // Head -> each channel's embedding (the concatenation split back).
    const yHead = weights.feedback.get(MASK_OUTPUT)!
    const down = feedbackDown(geometry.head, b[L - 1]!, yHead)
    const downBar = feedbackDown(geometry.head, bBar[L - 1]!, yHead)
    let offset = 0
    let first = 0
    for (const channel of geometry.channels) {
      const width = unitsOf(channel.layers[channel.layers.length - 1]!)
      let signal = tf.slice(down, [0, offset], [n, width])
      let signalBar = tf.slice(downBar, [0, offset], [n, width])
      offset += width
      for (let j = channel.layers.length - 1; j >= 0; j--) {
        const index = first + j
        fromAbove(index, signal, signalBar)
        if (j === 0) break
        const layer = channel.layers[j]!
        const y = weights.feedback.get(layer.name)!
        signal = feedbackDown(layer, b[index]!, y)
        signalBar = feedbackDown(layer, bBar[index]!, y)
        const belowShape = e[index - 1]!.shape
        if (layer.kind === 'dense') {
          signal = tf.reshape(signal, belowShape)
          signalBar = tf.reshape(signalBar, belowShape)
        }
      }
      first += channel.layers.length
    }
    // (8) as the gradient of sum(v_l * d_l) / N over each layer's own weights, its input held fixed.
    const deltas = layers.map((_, l) => tf.neg(tf.sub(b[l]!, bBar[l]!)))
    const kernels = layers.map((layer) => weights.kernels.get(layer.name)!)
    const biases = layers.map((layer) => weights.biases.get(layer.name)!)
    const grads: tf.Tensor[] = []
    layers.forEach((layer, l) => {
      const below = pass.below[l]!
      if (layer.kind === 'dense') {
        // The dense layer's map is linear in W: its gradient is e_below^T d / N in closed form.
        grads.push(tf.div(matMulTransposedA(below as tf.Tensor2D, deltas[l]! as tf.Tensor2D), n), tf.div(tf.sum(deltas[l]!, 0), n))
        return
      }
      const local = tf.grads((kernel: tf.Tensor, bias: tf.Tensor) => tf.div(tf.sum(tf.mul(linear(layer, below, kernel, bias), deltas[l]!)), n))
      grads.push(...local([kernels[l]!, biases[l]!]))
    })
    const feedbackGrads = layers.flatMap((layer, l) => (weights.feedback.has(layer.name) ? [grads[2 * l]!.clone()] : []))
    const loss =
      options.loss.kind === 'mse'
        ? (tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(eL, target)))), n) as tf.Scalar)
        : weightedBce(pass.logits, target, options.loss.positiveWeight)
    const mean = (list: tf.Tensor[]) => tf.stack(list.map((t) => tf.mean(t))) as tf.Tensor1D
    return {
      grads: [...grads, ...feedbackGrads],
      eventRates: mean(e),
      burstProbabilities: mean(p),
      burstRates: mean(b),
      output: eL as tf.Tensor2D,
      loss,
      layers: layers.map((_, l) => ({ e: e[l]!, p: p[l]!, b: b[l]!, bBar: bBar[l]! })),
    }
  })
}

/** Disposes every tensor of a step's result. */
export function disposeBurstStep(step: BurstStepTensors): void {
  tf.dispose([...step.grads, step.eventRates, step.burstProbabilities, step.burstRates, step.output, step.loss, ...step.layers.flatMap((l) => [l.e, l.p, l.b, l.bBar])])
}

export { conv3x3 }
