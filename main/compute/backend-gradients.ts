import * as tf from '@tensorflow/tfjs-core'
// TF.js's stock gradients are registered by tfjs-layers (and again by @tensorflow/tfjs, which
// tfjs-node loads); load them first so ours are the ones left standing.
import '@tensorflow/tfjs-layers'
import { dilatedFilterGradKernel, type DilatedFilterGradAttrs } from './wasm-kernels/conv2d-backprop-filter'
import { planFilterGradAxis, planInputGradAxis } from './wasm-kernels/filter-grad-plan'
import { reluGradKernel } from './wasm-kernels/relu-grad'

/**
 * Convolution gradients TF.js 4.22 lacks or computes slowly, for every backend.
 *
 * 1. Dilation. TF.js refuses the gradient of any dilated convolution ("dilation rates greater than
 *    1 are not yet supported in gradients": Conv2D, Conv3D and the fused conv2d that tfjs-layers
 *    uses), so no model with a dilated conv1d/conv2d/conv3d layer trains on any backend, the
 *    reference CNN included. We register Conv2D and Conv3D gradients that handle dilation, and
 *    route fused conv2d to its unfused form while gradients are recorded and the convolution is
 *    dilated (what TF.js already does for every activation but 'linear').
 * 2. Speed. The conv2d filter gradient is computed as a forward convolution of the transposed
 *    input with dy as the filter (see wasm-kernels/filter-grad-plan.ts): on the cpu backend ~100x
 *    faster than its own Conv2DBackpropFilter kernel (1.5 s against 147 s for x 32x64x41x32,
 *    filter 3x3x32x32); on wasm it is an XNNPACK convolution. So cpu and wasm always use it; the
 *    native 'tensorflow' backend keeps its own kernels unless the convolution is dilated.
 * 3. conv3dTranspose: TF.js has no gradient for its kernel (Conv3DBackpropInputV2) at all.
 *
 * The input gradient of a dilated (so stride-1) convolution is a forward convolution of dy with
 * the flipped filter; a conv3d filter gradient is one 2-D filter gradient per depth tap.
 *
 * All of it is built from ops, so it stays differentiable and runs on whichever backend is active.
 * Checked against finite differences of independent float64 convolutions (not only cpu against
 * wasm, which share these gradients): test/unit/compute/*-gradient-vs-finite-differences.test.ts.
 */

type Pair = [number, number]
type Triple = [number, number, number]

const pair = (v: number | number[]): Pair => (typeof v === 'number' ? [v, v] : [v[0]!, v[1]!])
const triple = (v: number | number[]): Triple => (typeof v === 'number' ? [v, v, v] : [v[0]!, v[1]!, v[2]!])
const isOne = (v: number[]): boolean => v.every((d) => d === 1)

/** Backends whose own convolution-gradient kernels we replace even without dilation. */
function rewritesAll(): boolean {
  const name = tf.getBackend()
  return name === 'cpu' || name === 'wasm'
}

/** Pads (positive) or crops (negative) the leading/trailing ends of the given axes. */
function padOrCrop<T extends tf.Tensor>(t: T, amounts: [number, number][]): T {
  const crop = amounts.some(([a, b]) => a < 0 || b < 0)
  let out: tf.Tensor = t
  if (crop) {
    const begin = amounts.map(([a]) => Math.max(0, -a))
    const size = amounts.map(([a, b], i) => t.shape[i]! - Math.max(0, -a) - Math.max(0, -b))
    out = tf.slice(out, begin, size)
  }
  if (amounts.some(([a, b]) => a > 0 || b > 0)) out = tf.pad(out, amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)] as Pair))
  return out as T
}

// ---------------------------------------------------------------- 2-D

interface Conv2DGeometry {
  strides: Pair
  dilations: Pair
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

/**
 * x [B, H, W, C] -> [C, H, W, B]. On wasm as two transposes that each move contiguous runs
 * ([B, HW, C] -> [B, C, HW], then [B, C*HW] -> [C*HW, B]): half the time of the one 4-D transpose,
 * whose innermost output axis strides the whole input (C 64, 32x64x41, under load: 52-70 ms against
 * 113-150 ms; C 32: 25 against 37).
 */
function channelsToBatch(x: tf.Tensor4D): tf.Tensor4D {
  if (tf.getBackend() !== 'wasm') return tf.transpose(x, [3, 1, 2, 0])
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape
    const perImage = tf.transpose(tf.reshape(x, [b, h * w, c]), [0, 2, 1])
    return tf.reshape(tf.transpose(tf.reshape(perImage, [b, c * h * w])), [c, h, w, b])
  })
}

/**
 * dW of conv2d(x, W), NHWC. On wasm one backend kernel: our SIMD kernel where it serves (wasm-kernels/
 * simd-filter-grad.ts: stride 1, output channels in multiples of 8; at the ESC shapes 1.3-1.9x faster
 * than what follows even on one thread against its two), else the formulation below inside the backend.
 * Elsewhere: a conv2d of x^T ([Ci, H, W, B]) with dy^T ([OH, OW, B, Co]) as the filter.
 * Alternatives timed on wasm for the ESC 'dilated' shapes (batch 32, 64x41, 3x3, dilation 2; 2-core
 * machine under load, ms, min of 5; forward conv beside): 64->64: this 612, forward 308, the same
 * convolution split into 8 row bands 546, per-tap matmuls (x_tap^T dy) 4449, dy as the input and x
 * as the filter 749; 32->32: this 102, forward 59, dy/x swapped 111, 8 bands 339, per-tap 1071. The
 * bands win only at 64->64 and within the noise, so one convolution it is. Its cost over the forward
 * pass is the huge filter (dy, repacked by XNNPACK on each call) streamed once per few output rows.
 * Split-K tried next (same shapes, same process, interleaved, medians, load 4-6): one convolution per
 * image with its width as the channels (dy[b] as a 0.7 MB filter that stays in L2, packed once for the
 * 3 filter columns; 96 calls), written at the kernel level: 1 thread 536 against this 591 ms (64->64),
 * 275/302 (32->64), 184/158 (32->32); 2 threads 710/593, 385/357. XNNPACK packs every new filter on
 * the calling thread at ~11 ns a value (its GEMM on an L2-resident filter runs ~1.7x this one's), and
 * each call pays the thread pool's handshake, which load stretches to milliseconds. Chunks of 8, 4 or
 * 1 images along the batch (this formulation, per chunk): slower at every size.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], g: Conv2DGeometry): tf.Tensor4D {
  // On wasm one kernel: our SIMD kernel where it serves, else this same formulation inside the backend.
  if (tf.getBackend() === 'wasm' && tf.getKernel(dilatedFilterGradKernel, 'wasm')) {
    const attrs: DilatedFilterGradAttrs = { filterShape, strides: g.strides, dilations: g.dilations, pad: g.pad, ...(g.dimRoundingMode ? { dimRoundingMode: g.dimRoundingMode } : {}) }
    return tf.engine().runKernel(dilatedFilterGradKernel, { x, dy }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D
  }
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, g.strides, g.dilations, g.pad, g.dimRoundingMode)
    const rows = planFilterGradAxis(info.inHeight, info.padInfo.top, info.strideHeight, info.dilationHeight, info.filterHeight, info.outHeight)
    const cols = planFilterGradAxis(info.inWidth, info.padInfo.left, info.strideWidth, info.dilationWidth, info.filterWidth, info.outWidth)
    let xt = channelsToBatch(x)
    if (rows.keep < info.inHeight || cols.keep < info.inWidth) xt = tf.slice(xt, [0, 0, 0, 0], [-1, rows.keep, cols.keep, -1])
    const dyt = tf.transpose(dy, [1, 2, 0, 3])
    const grad = tf.conv2d(
      xt,
      dyt,
      [rows.stride, cols.stride],
      [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]],
      'NHWC',
      [rows.dilation, cols.dilation],
    )
    return tf.transpose(grad, [1, 2, 0, 3])
  })
}

/** dx of a stride-1 conv2d(x, W), NHWC: dy (padded) convolved with W flipped in space, in/out channels swapped. */
export function conv2dInputGradStride1(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], g: Conv2DGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape, 1, g.dilations, g.pad, g.dimRoundingMode)
    const rows = planInputGradAxis(info.inHeight, info.padInfo.top, info.dilationHeight, info.filterHeight, info.outHeight)
    const cols = planInputGradAxis(info.inWidth, info.padInfo.left, info.dilationWidth, info.filterWidth, info.outWidth)
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2])
    const amounts: [number, number][] = [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]]
    // The convolution pads by itself (no padded copy of dy); only a crop needs a slice first.
    if (amounts.every(([a, b]) => a >= 0 && b >= 0)) return tf.conv2d(dy, flipped, 1, amounts as tf.backend_util.ExplicitPadding, 'NHWC', g.dilations)
    return tf.conv2d(padOrCrop(dy, amounts), flipped, 1, 'valid', 'NHWC', g.dilations)
  })
}

let originalConv2DGrad: tf.GradConfig | undefined

const conv2dGrad: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D]
    const a = attrs as unknown as tf.Conv2DAttrs
    const dilations = pair(a.dilations ?? 1)
    const strides = pair(a.strides)
    const dilated = !isOne(dilations)
    if (!dilated && (!rewritesAll() || a.dataFormat === 'NCHW') && originalConv2DGrad) {
      return originalConv2DGrad.gradFunc(dy as tf.Tensor, saved, attrs)
    }
    const nchw = a.dataFormat === 'NCHW'
    const toNhwc = (t: tf.Tensor4D): tf.Tensor4D => (nchw ? tf.transpose(t, [0, 2, 3, 1]) : t)
    const fromNhwc = (t: tf.Tensor4D): tf.Tensor4D => (nchw ? tf.transpose(t, [0, 3, 1, 2]) : t)
    // Explicit pads come in the data format's axis order; the helpers below work in NHWC.
    const pad = nchw && Array.isArray(a.pad) ? ([a.pad[0], a.pad[2], a.pad[3], a.pad[1]] as tf.backend_util.ExplicitPadding) : a.pad
    const g: Conv2DGeometry = { strides, dilations, pad, ...(a.dimRoundingMode ? { dimRoundingMode: a.dimRoundingMode } : {}) }
    const dy4 = dy as tf.Tensor4D
    return {
      x: () => {
        if (dilated) {
          const xShape = (nchw ? [x.shape[0], x.shape[2], x.shape[3], x.shape[1]] : x.shape) as [number, number, number, number]
          return fromNhwc(conv2dInputGradStride1(toNhwc(dy4), filter, xShape, g))
        }
        // The kernel: on wasm ours (an XNNPACK convolution, wasm-kernels/conv-backprop-input.ts).
        return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dy4, filter }, {
          strides,
          pad: a.pad,
          dataFormat: a.dataFormat,
          dimRoundingMode: a.dimRoundingMode,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D
      },
      filter: () => conv2dFilterGrad(toNhwc(x), toNhwc(dy4), filter.shape, g),
    }
  },
}

// ---------------------------------------------------------------- 3-D

/**
 * dW of a conv3d (any stride or dilation), NDHWC, one 2-D filter gradient per depth tap kd: the
 * depth slices tap kd read, as a batch of images, against dy as a batch of images.
 */
export function conv3dFilterGrad(x: tf.Tensor5D, dy: tf.Tensor5D, filterShape: [number, number, number, number, number], strides: Triple, dilations: Triple, pad: 'valid' | 'same'): tf.Tensor5D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv3DInfo(x.shape, filterShape, strides, dilations, pad)
    const { batchSize: B, outDepth: OD, strideDepth: sd, dilationDepth: dd } = info
    const [fd, fh, fw, ci, co] = filterShape
    const extent = (OD - 1) * sd + (fd - 1) * dd + 1
    const padded = padOrCrop(x, [[0, 0], [info.padInfo.front, extent - info.padInfo.front - info.inDepth], [0, 0], [0, 0], [0, 0]])
    const [, , H, W] = padded.shape
    const dy4 = tf.reshape(dy, [B * OD, info.outHeight, info.outWidth, co])
    const taps: tf.Tensor4D[] = []
    for (let kd = 0; kd < fd; kd++) {
      const slices = tf.stridedSlice(padded, [0, kd * dd, 0, 0, 0], [B, kd * dd + (OD - 1) * sd + 1, H, W, ci], [1, sd, 1, 1, 1])
      taps.push(
        conv2dFilterGrad(tf.reshape(slices, [B * OD, H!, W!, ci]) as tf.Tensor4D, dy4 as tf.Tensor4D, [fh, fw, ci, co], {
          strides: [info.strideHeight, info.strideWidth],
          dilations: [info.dilationHeight, info.dilationWidth],
          pad: [[0, 0], [info.padInfo.top, info.padInfo.bottom], [info.padInfo.left, info.padInfo.right], [0, 0]],
        }),
      )
    }
    return tf.stack(taps) as tf.Tensor5D
  })
}

/** dx of a stride-1 (dilated) conv3d, NDHWC. */
export function conv3dInputGradStride1(dy: tf.Tensor5D, filter: tf.Tensor5D, xShape: [number, number, number, number, number], dilations: Triple, pad: 'valid' | 'same'): tf.Tensor5D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv3DInfo(xShape, filter.shape, 1, dilations, pad)
    const d = planInputGradAxis(info.inDepth, info.padInfo.front, info.dilationDepth, info.filterDepth, info.outDepth)
    const h = planInputGradAxis(info.inHeight, info.padInfo.top, info.dilationHeight, info.filterHeight, info.outHeight)
    const w = planInputGradAxis(info.inWidth, info.padInfo.left, info.dilationWidth, info.filterWidth, info.outWidth)
    const flipped = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3])
    const padded = padOrCrop(dy, [[0, 0], [d.padBefore, d.padAfter], [h.padBefore, h.padAfter], [w.padBefore, w.padAfter], [0, 0]])
    return tf.conv3d(padded, flipped, 1, 'valid', 'NDHWC', dilations)
  })
}

let originalConv3DGrad: tf.GradConfig | undefined

const conv3dGrad: tf.GradConfig = {
  kernelName: tf.Conv3D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const a = attrs as unknown as tf.Conv3DAttrs
    const dilations = triple(a.dilations ?? 1)
    // Without dilation TF.js's own gradient kernels are fine on every backend (wasm's are native).
    if (isOne(dilations) && originalConv3DGrad) return originalConv3DGrad.gradFunc(dy as tf.Tensor, saved, attrs)
    const [x, filter] = saved as [tf.Tensor5D, tf.Tensor5D]
    const strides = triple(a.strides)
    const pad = a.pad as 'valid' | 'same'
    return {
      x: () => conv3dInputGradStride1(dy as tf.Tensor5D, filter, x.shape, dilations, pad),
      filter: () => conv3dFilterGrad(x, dy as tf.Tensor5D, filter.shape, strides, dilations, pad),
    }
  },
}

/**
 * TF.js has no gradient for Conv3DBackpropInputV2, the forward pass of conv3dTranspose layers, so
 * they cannot train on any backend. Same shape as TF.js's own Conv2DBackpropInput gradient:
 * d(input) is a conv3d, d(filter) the Conv3DBackpropFilterV2 kernel (both exist on every backend).
 */
const conv3dBackpropInputGrad: tf.GradConfig = {
  kernelName: tf.Conv3DBackpropInputV2,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor5D, tf.Tensor5D]
    const { strides, pad } = attrs as unknown as tf.Conv3DBackpropInputV2Attrs
    return {
      dy: () => tf.conv3d(ddx as tf.Tensor5D, filter, strides, pad as 'valid' | 'same'),
      filter: () =>
        tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x: ddx as tf.Tensor5D, dy }, {
          strides,
          pad,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor5D,
    }
  },
}

// ---------------------------------------------------------------- fused conv2d

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0]

function applyActivation(x: tf.Tensor, args: FusedConv2dArgs): tf.Tensor {
  switch (args.activation ?? 'linear') {
    case 'linear':
      return x
    case 'relu':
      return tf.relu(x)
    case 'relu6':
      return tf.relu6(x)
    case 'elu':
      return tf.elu(x)
    case 'sigmoid':
      return tf.sigmoid(x)
    case 'leakyrelu':
      return tf.leakyRelu(x, args.leakyreluAlpha)
    case 'prelu':
      return tf.prelu(x, args.preluActivationWeights as tf.Tensor)
    default:
      throw new Error(`Unknown fused activation ${String(args.activation)}.`)
  }
}

/** dy * step(y), the gradient through a ReLU from its output: one pass where the backend has our kernel (wasm), else TF.js's two ops. */
export function reluGrad(dy: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  const own = tf.getKernel(reluGradKernel, tf.getBackend()) && dy.dtype === 'float32' && y.dtype === 'float32' && tf.util.arraysEqual(dy.shape, y.shape)
  if (own) return tf.engine().runKernel(reluGradKernel, { dy, y }) as tf.Tensor4D
  return tf.mul(dy, tf.step(y))
}

/**
 * The gradient of the FusedConv2D kernel when it is conv + bias + relu or linear, NHWC: what
 * `runFusedForTraining` records while training. The ReLU mask comes from the output (y > 0 exactly
 * where the pre-activation is), so the forward pass keeps neither the pre-activation nor a separate
 * bias-add and ReLU pass over it; the input and filter gradients are our Conv2D gradient's, each
 * computed only when the tape asks for it (a first layer's input gradient never is).
 */
const fusedConv2dGrad: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]
    const a = attrs as unknown as tf.FusedConv2DAttrs
    if (a.activation !== 'relu' && a.activation !== 'linear') throw new Error(`No gradient for FusedConv2D with activation ${a.activation}.`)
    const dz = a.activation === 'relu' ? reluGrad(dy as tf.Tensor4D, y) : (dy as tf.Tensor4D)
    const convAttrs = { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, dilations: a.dilations, dimRoundingMode: a.dimRoundingMode }
    const conv = conv2dGrad.gradFunc(dz, [x, filter], convAttrs as unknown as tf.NamedAttrMap)
    return { ...conv, bias: () => tf.sum(dz, [0, 1, 2]) }
  },
}

/**
 * A fused conv2d while gradients are recorded, as one FusedConv2D kernel (convolution, bias and
 * activation in one XNNPACK pass) with `fusedConv2dGrad` as its gradient, where TF.js would run
 * conv2d, add and relu as three passes. Only on the backends whose convolution gradients we own
 * (cpu, wasm), for NHWC, relu or linear, a rank-1 bias or none; null otherwise.
 */
function runFusedForTraining(args: FusedConv2dArgs): tf.Tensor | null {
  const activation = args.activation ?? 'linear'
  if (!rewritesAll() || (activation !== 'relu' && activation !== 'linear')) return null
  if ((args.dataFormat ?? 'NHWC') !== 'NHWC' || args.preluActivationWeights != null) return null
  const { x, filter, bias } = args
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.dtype !== 'float32') return null
  if (!(filter instanceof tf.Tensor) || filter.rank !== 4 || filter.dtype !== 'float32') return null
  if (bias != null && (!(bias instanceof tf.Tensor) || bias.rank !== 1 || bias.shape[0] !== filter.shape[3] || bias.dtype !== 'float32')) return null
  const dilations = pair(args.dilations ?? 1)
  // TF.js refuses this combination with its own message; let it.
  if (!isOne(dilations) && !isOne(pair(args.strides))) return null
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter }
  const attrs = { strides: args.strides, pad: args.pad, dataFormat: 'NHWC', dilations, dimRoundingMode: args.dimRoundingMode, activation, leakyreluAlpha: 0 }
  return tf.engine().runKernel(tf.FusedConv2D, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
}

let fusedPatched: 'patched' | 'not writable' | null = null

/**
 * tfjs-layers' conv2d layers call `tf.fused.conv2d`, whose gradient (a closure inside TF.js)
 * asserts dilation 1 when the activation is linear, and which runs unfused (conv2d, add, activation:
 * three passes) for every other activation. While gradients are recorded: on cpu and wasm, relu or
 * linear, it runs fused with our gradient (runFusedForTraining); otherwise, when dilated, unfused so
 * our Conv2D gradient applies. The patch needs TF.js loaded as its CommonJS build (Node, Electron
 * main and the externalised electron-vite build): a bundler's ES module namespace is frozen.
 */
function patchFusedConv2d(): 'patched' | 'not writable' {
  const fused = tf.fused as { conv2d: (args: FusedConv2dArgs) => tf.Tensor }
  const original = fused.conv2d
  const wrapped = (args: FusedConv2dArgs): tf.Tensor => {
    if (tf.engine().state.gradientDepth === 0) return original(args)
    const routed = runFusedForTraining(args)
    if (routed) return routed
    const dilations = pair(args.dilations ?? 1)
    if (isOne(dilations)) return original(args)
    return tf.tidy(() => {
      let y: tf.Tensor = tf.conv2d(args.x as tf.Tensor4D, args.filter as tf.Tensor4D, args.strides, args.pad, args.dataFormat, dilations, args.dimRoundingMode)
      if (args.bias != null) y = tf.add(y, args.bias)
      return applyActivation(y, args)
    })
  }
  try {
    fused.conv2d = wrapped
    return fused.conv2d === wrapped ? 'patched' : 'not writable'
  } catch {
    return 'not writable'
  }
}

/**
 * Installs the gradients above once per process; safe to call again. Returns whether the fused
 * conv2d route could be installed ('not writable' means dilated conv2d layers with a linear
 * activation still cannot be trained; those with relu, elu, ... can).
 */
export function installConvGradients(): 'patched' | 'not writable' {
  // Re-checked on every call: loading @tensorflow/tfjs-node re-registers the stock gradients.
  if (tf.getGradient(tf.Conv2D) !== conv2dGrad) {
    originalConv2DGrad = tf.getGradient(tf.Conv2D)
    tf.registerGradient(conv2dGrad)
  }
  if (tf.getGradient(tf.Conv3D) !== conv3dGrad) {
    originalConv3DGrad = tf.getGradient(tf.Conv3D)
    tf.registerGradient(conv3dGrad)
  }
  if (!tf.getGradient(tf.Conv3DBackpropInputV2)) tf.registerGradient(conv3dBackpropInputGrad)
  if (tf.getGradient(tf.FusedConv2D) !== fusedConv2dGrad) tf.registerGradient(fusedConv2dGrad)
  fusedPatched ??= patchFusedConv2d()
  return fusedPatched
}
