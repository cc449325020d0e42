import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { seededValues } from './compare'
import { centralDifferences, conv2dNhwc64, convAxis, dot64, relativeToReference, type PadMode } from './float64-conv'

/*
 * The conv2d gradients backend-gradients.ts registers (dilated convolutions on every backend; every
 * convolution on cpu and wasm) and its route for the fused conv2d that tfjs-layers calls, against
 * finite differences of an independent float64 conv2d. Loss: sum(act(conv2d(x, W) + b) * R), R fixed
 * and random.
 *
 * Linear activation: the loss is linear in x, W and b, so central differences have no truncation
 * error and only float64 rounding (~1e-14) remains. Sigmoid: truncation is ~h^2/6 * f''' relative,
 * ~1e-7 with h = 1e-3. The analytic side is float32 (~1e-7 relative). 1e-4 leaves room, while one
 * wrong tap or a pad off by one gives ~1e-1.
 */

type Four = [number, number, number, number]
type Pair = [number, number]
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)
const tolerance = 1e-4
const step = 1e-3
const backends = ['cpu', 'wasm'] as const
type Backend = (typeof backends)[number]

/** [[top, bottom], [left, right]], TF.js's explicit padding without its batch and channel pairs. */
type Explicit = [Pair, Pair]

interface Case {
  name: string
  /** NHWC. */
  x: Four
  /** [fh, fw, ci, co]. */
  filter: Four
  strides: Pair
  dilations: Pair
  pad: PadMode | Explicit
  /** The op under test: conv2d (the bias added after it), fused conv2d, or a tfjs-layers conv2d layer. */
  via: 'conv2d' | 'fused' | 'layer'
  activation?: 'linear' | 'sigmoid' | 'relu'
  /** Lays x and the output out NCHW (the cpu backend only: wasm has no NCHW conv2d). */
  nchw?: boolean
}

const cases: Case[] = [
  { name: 'dilation 2, same', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 2], pad: 'same', via: 'conv2d' },
  { name: 'dilation 2x3, valid', x: [2, 11, 12, 2], filter: [3, 2, 2, 3], strides: [1, 1], dilations: [2, 3], pad: 'valid', via: 'conv2d' },
  { name: 'dilation 3, same, even filter', x: [2, 10, 9, 3], filter: [2, 2, 3, 2], strides: [1, 1], dilations: [3, 3], pad: 'same', via: 'conv2d' },
  { name: 'dilation 2, explicit pads', x: [2, 8, 9, 2], filter: [3, 3, 2, 3], strides: [1, 1], dilations: [2, 2], pad: [[1, 2], [3, 0]], via: 'conv2d' },
  { name: 'stride 2, same', x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'same', via: 'conv2d' },
  // W 12 with filter 3, stride 3: the last two columns are read by no window.
  { name: 'stride 2x3, valid, unread tail', x: [2, 10, 12, 2], filter: [3, 3, 2, 3], strides: [2, 3], dilations: [1, 1], pad: 'valid', via: 'conv2d' },
  { name: 'dilation 2, same, NCHW', x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: [1, 1], dilations: [2, 2], pad: 'same', via: 'conv2d', nchw: true },
  { name: 'dilation 2, explicit pads, NCHW', x: [2, 8, 9, 2], filter: [3, 3, 2, 3], strides: [1, 1], dilations: [2, 2], pad: [[2, 1], [0, 3]], via: 'conv2d', nchw: true },
  // Linear is the activation whose fused gradient TF.js refuses when dilated; the route must take over.
  { name: 'fused, dilation 2, valid, bias, linear', x: [2, 9, 10, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 2], pad: 'valid', via: 'fused', activation: 'linear' },
  { name: 'fused, dilation 2x3, same, bias, sigmoid', x: [2, 9, 10, 2], filter: [3, 3, 2, 3], strides: [1, 1], dilations: [2, 3], pad: 'same', via: 'fused', activation: 'sigmoid' },
  { name: 'fused, stride 2, same, bias, linear', x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'same', via: 'fused', activation: 'linear' },
  { name: 'tfjs-layers conv2d, dilation 2, same, linear', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 2], pad: 'same', via: 'layer', activation: 'linear' },
  // ReLU: on cpu and wasm one FusedConv2D kernel whose gradient masks by the output.
  { name: 'fused, dilation 2, same, bias, relu', x: [2, 9, 10, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 2], pad: 'same', via: 'fused', activation: 'relu' },
  { name: 'fused, stride 2, explicit pads, bias, relu', x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: [[1, 0], [2, 1]], via: 'fused', activation: 'relu' },
  { name: 'tfjs-layers conv2d, dilation 2, same, relu', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [2, 2], pad: 'same', via: 'layer', activation: 'relu' },
  { name: 'tfjs-layers conv2d, same, relu', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [1, 1], pad: 'same', via: 'layer', activation: 'relu' },
]

interface Geometry {
  padsBefore: Pair
  out: Four
}

function geometry(c: Case): Geometry {
  const [B, H, W] = c.x
  const axis = (i: 0 | 1, inSize: number): { outSize: number; padBefore: number } => {
    if (typeof c.pad === 'string') return convAxis(inSize, c.filter[i], c.strides[i], c.dilations[i], c.pad)
    const [before, after] = c.pad[i]
    return { outSize: convAxis(inSize + before + after, c.filter[i], c.strides[i], c.dilations[i], 'valid').outSize, padBefore: before }
  }
  const rows = axis(0, H)
  const cols = axis(1, W)
  return { padsBefore: [rows.padBefore, cols.padBefore], out: [B, rows.outSize, cols.outSize, c.filter[3]] }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))

/**
 * The float64 loss: sum(act(conv2d(x, W) + b) * R), everything NHWC. For ReLU, `reluMask` (which
 * pre-activations are positive at the point differentiated) replaces the kink: the loss is then
 * linear, its central differences exact, and its gradient at that point ReLU's own.
 */
function referenceLoss(
  c: Case,
  g: Geometry,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  r: ArrayLike<number>,
  reluMask?: Uint8Array,
): number {
  const y = preActivation(c, g, x, w, b)
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!
    y[i] = c.activation === 'sigmoid' ? sigmoid(v) : c.activation === 'relu' ? (reluMask![i] ? v : 0) : v
  }
  return dot64(y, r)
}

function preActivation(c: Case, g: Geometry, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const y = conv2dNhwc64(x, c.x, w, c.filter, c.strides, c.dilations, g.padsBefore, [g.out[1], g.out[2]])
  const channels = c.filter[3]
  for (let i = 0; i < y.length; i++) y[i]! += b[i % channels]!
  return y
}

const toNchw = (t: tf.Tensor4D): tf.Tensor4D => tf.transpose(t, [0, 3, 1, 2])
const toNhwc = (t: tf.Tensor4D): tf.Tensor4D => tf.transpose(t, [0, 2, 3, 1])

/** TF.js's gradients of the same loss, in NHWC whatever layout the op ran in: [dx, dW, db]. */
function analytic(c: Case, g: Geometry, xv: Float32Array, wv: Float32Array, bv: Float32Array, rv: Float32Array): Float32Array[] {
  const grads = tf.tidy(() => {
    const r = tf.tensor4d(rv, g.out)
    const x = tf.tensor4d(xv, c.x)
    const w = tf.tensor4d(wv, c.filter)
    const b = tf.tensor1d(bv)
    const pad = typeof c.pad === 'string' ? c.pad : c.nchw ? [[0, 0], [0, 0], ...c.pad] : [[0, 0], ...c.pad, [0, 0]]
    if (c.via === 'conv2d') {
      const f = (xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor): tf.Scalar => {
        const input = c.nchw ? toNchw(xa as tf.Tensor4D) : (xa as tf.Tensor4D)
        const y = tf.conv2d(input, wa as tf.Tensor4D, c.strides, pad as tf.backend_util.ExplicitPadding, c.nchw ? 'NCHW' : 'NHWC', c.dilations)
        return tf.sum(tf.mul(tf.add(c.nchw ? toNhwc(y) : y, ba), r))
      }
      return tf.grads(f)([x, w, b])
    }
    if (c.via === 'fused') {
      const f = (xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor): tf.Scalar => {
        const y = tf.fused.conv2d({
          x: xa as tf.Tensor4D,
          filter: wa as tf.Tensor4D,
          strides: c.strides,
          pad: pad as tf.backend_util.ExplicitPadding,
          dilations: c.dilations,
          bias: ba,
          activation: c.activation ?? 'linear',
        })
        return tf.sum(tf.mul(y, r))
      }
      return tf.grads(f)([x, w, b])
    }
    // The layer as training uses it: its kernel and bias are variables, x a variable here too.
    const layer = tfl.layers.conv2d({
      filters: c.filter[3],
      kernelSize: [c.filter[0], c.filter[1]],
      strides: c.strides,
      dilationRate: c.dilations,
      padding: c.pad as PadMode,
      activation: c.activation ?? 'linear',
    })
    layer.apply(x) // builds it
    layer.setWeights([w, b])
    const [kernel, bias] = layer.trainableWeights.map((v) => v.read() as tf.Variable)
    const xVar = tf.variable(x)
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, r)), [xVar, kernel!, bias!])
    const out = [grads[xVar.name]!, grads[kernel!.name]!, grads[bias!.name]!].map((t) => t.clone())
    tf.dispose([xVar, ...Object.values(grads)])
    layer.dispose()
    return out
  })
  const values = grads.map((t) => t.dataSync() as Float32Array)
  tf.dispose(grads)
  return values
}

describe('conv2d gradients (dilated, strided, fused) match float64 finite differences', () => {
  beforeAll(async () => {
    await useBackend('wasm') // installs the registered gradients and the fused conv2d route
  })

  it.each(cases)('$name: x $x, filter $filter', async (c) => {
    const g = geometry(c)
    const xv = seededValues(size(c.x), 41)
    const wv = seededValues(size(c.filter), 42)
    const bv = seededValues(c.filter[3], 43)
    const rv = seededValues(size(g.out), 44)
    const mask = c.activation === 'relu' ? Uint8Array.from(preActivation(c, g, xv, wv, bv), (v) => (v > 0 ? 1 : 0)) : undefined
    const numeric = [
      centralDifferences((x) => referenceLoss(c, g, x, wv, bv, rv, mask), xv, step),
      centralDifferences((w) => referenceLoss(c, g, xv, w, bv, rv, mask), wv, step),
      centralDifferences((b) => referenceLoss(c, g, xv, wv, b, rv, mask), bv, step),
    ]
    for (const backend of backends.filter((b: Backend) => !(c.nchw && b === 'wasm'))) {
      await useBackend(backend)
      const before = tf.memory().numTensors
      const got = analytic(c, g, xv, wv, bv, rv)
      expect(tf.memory().numTensors, `${backend} leaked tensors`).toBe(before)
      const errors = got.map((a, i) => relativeToReference(a, numeric[i]!))
      expect(errors[0], `${backend} d/dx`).toBeLessThan(tolerance)
      expect(errors[1], `${backend} d/dW`).toBeLessThan(tolerance)
      expect(errors[2], `${backend} d/db`).toBeLessThan(tolerance)
    }
  })
})
