/**
 * The fully trainable Gabor-based kernel of Wong & Moradi (MLMI 2022), equation (2), as a 3D convolution.
 *
 * For each (input, output) channel pair eight trainable numbers {sigma, theta_y, theta_z, A_re, A_im, f_re, f_im, psi}
 * make a k x k x k kernel on the integer grid -(k//2)..k//2 of each axis:
 *
 *   x' = cos(theta_y) (cos(theta_z) x - sin(theta_z) y) + sin(theta_y) z          (first row of R_y R_z)
 *   G  = exp(-(x^2 + y^2 + z^2) / (2 sigma^2))                                     (spherical Gaussian)
 *   K  = G (A_re cos(2 pi f_re x' + psi) + A_im sin(2 pi f_im x' + psi))
 *
 * so a layer has 8 c_in c_out parameters (plus c_out biases), whatever k. The kernel is materialised with TF.js
 * ops on every call, so gradients reach the eight parameters by autodiff, then it is an ordinary conv3d.
 *
 * Axes: TF.js conv3d takes channels-last volumes [N, D, H, W, C] and filters [depth, height, width, in, out].
 * We name the volume axes D = z, H = y, W = x, so filter[i, j, l, c, o] is the kernel at
 * (z, y, x) = (i - k//2, j - k//2, l - k//2): the kernel of one channel pair is an array indexed (z, y, x).
 * conv3d is a cross-correlation (no kernel flip), as in Keras, where the paper's model was written.
 *
 * Initialisation (the paper does not give one; ours):
 *   sigma ~ U(k/4, k/2)       an envelope that fills a good part of the grid (for k = 7: 1.75..3.5 voxels)
 *   theta_y, theta_z, psi ~ U(-pi, pi)   every orientation and phase
 *   f_re, f_im ~ U(0, 0.25)   cycles per voxel, up to half the Nyquist frequency
 *   A_re, A_im ~ N(0, s), s = sqrt(2 / (c_in n)), n = sum over the grid of G^2 at the middle sigma (3k/8): the
 *                 He-normal scale for a kernel of "effective size" n, since the sum of K^2 is about A^2 n.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology'
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types'
import { PerceptError } from '../../core/errors'
import { assertRank, singleShape, singleTensor } from './layer-util'

/** The eight parameters of equation (2), in the order the CLI and the paper list them. */
export const GABOR_PARAMETER_NAMES = ['sigma', 'theta_y', 'theta_z', 'a_re', 'a_im', 'f_re', 'f_im', 'psi'] as const
export type GaborParameterName = (typeof GABOR_PARAMETER_NAMES)[number]

/** One tensor per parameter, all of the same shape [c_in, c_out]. */
export type GaborParameters = Record<GaborParameterName, tf.Tensor>

/** The grid coordinates -(k//2)..k//2 of an odd kernel size k. */
export function gaborGrid(size: number): number[] {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new PerceptError('VALIDATION', `The Gabor kernel size must be a positive odd whole number (e.g. 7), got ${size}.`)
  }
  const half = (size - 1) / 2
  return Array.from({ length: size }, (_, i) => i - half)
}

/**
 * The kernels of equation (2) for parameters of shape [c_in, c_out]: a tensor [k, k, k, c_in, c_out] indexed
 * (z, y, x, in, out), ready for tf.conv3d. Differentiable in every parameter; training and `percept mri
 * gabor-kernel` both call this.
 */
export function gaborKernel(params: GaborParameters, size: number): tf.Tensor5D {
  const grid = gaborGrid(size)
  const shape = params.sigma.shape
  if (shape.length !== 2) throw new PerceptError('VALIDATION', `Gabor parameters must have shape [c_in, c_out], got [${shape.join(', ')}]`)
  for (const name of GABOR_PARAMETER_NAMES) {
    const s = params[name].shape
    if (s.length !== 2 || s[0] !== shape[0] || s[1] !== shape[1]) {
      throw new PerceptError('VALIDATION', `Gabor parameter ${name} has shape [${s.join(', ')}], expected [${shape.join(', ')}]`)
    }
  }
  return tf.tidy(() => {
    const k = size
    const z = tf.tensor5d(grid, [k, 1, 1, 1, 1])
    const y = tf.tensor5d(grid, [1, k, 1, 1, 1])
    const x = tf.tensor5d(grid, [1, 1, k, 1, 1])
    const p = (name: GaborParameterName): tf.Tensor => tf.reshape(params[name], [1, 1, 1, shape[0]!, shape[1]!])
    const thetaY = p('theta_y')
    const thetaZ = p('theta_z')
    const xRotated = tf.add(tf.mul(tf.cos(thetaY), tf.sub(tf.mul(tf.cos(thetaZ), x), tf.mul(tf.sin(thetaZ), y))), tf.mul(tf.sin(thetaY), z))
    const radius2 = tf.add(tf.add(tf.square(x), tf.square(y)), tf.square(z))
    const sigma = p('sigma')
    const envelope = tf.exp(tf.neg(tf.div(radius2, tf.mul(2, tf.square(sigma)))))
    const psi = p('psi')
    const real = tf.mul(p('a_re'), tf.cos(tf.add(tf.mul(tf.mul(2 * Math.PI, p('f_re')), xRotated), psi)))
    const imaginary = tf.mul(p('a_im'), tf.sin(tf.add(tf.mul(tf.mul(2 * Math.PI, p('f_im')), xRotated), psi)))
    return tf.mul(envelope, tf.add(real, imaginary)) as tf.Tensor5D
  })
}

export interface GaborConv3DArgs extends LayerArgs {
  /** Output channels. */
  filters: number
  /** Odd kernel size k (the paper: 7). Default 7. */
  kernelSize?: number
  /** Stride on every axis. Default 1. */
  strides?: number
  /** 'same' (default) or 'valid', as tf.conv3d. */
  padding?: 'same' | 'valid'
  /** Add a per-output-channel bias. Default true. */
  useBias?: boolean
  /** Seed of the initialisers, for reproducible models. */
  seed?: number
}

/** Sum over the k^3 grid of the squared envelope exp(-r^2 / sigma^2): the kernel's effective size at that sigma. */
function envelopeEnergy(size: number, sigma: number): number {
  const grid = gaborGrid(size)
  let sum = 0
  for (const z of grid) for (const y of grid) for (const x of grid) sum += Math.exp(-(x * x + y * y + z * z) / (sigma * sigma))
  return sum
}

/**
 * A 3D convolution whose kernels are Gabor-based (equation 2), for channels-last volumes [N, D, H, W, C] with
 * D = z, H = y, W = x. The ONNX exporter writes it as an ordinary Conv with the materialised weights.
 */
export class GaborConv3D extends tfl.layers.Layer {
  static className = 'GaborConv3D'
  readonly filters: number
  readonly kernelSize: number
  readonly strides: number
  readonly padding: 'same' | 'valid'
  readonly useBias: boolean
  readonly seed: number | undefined
  private parameters: Record<GaborParameterName, tfl.LayerVariable> | null = null
  private bias: tfl.LayerVariable | null = null

  constructor(args: GaborConv3DArgs) {
    super(args)
    this.filters = args.filters
    this.kernelSize = args.kernelSize ?? 7
    this.strides = args.strides ?? 1
    this.padding = args.padding ?? 'same'
    this.useBias = args.useBias ?? true
    this.seed = args.seed
    if (!Number.isInteger(this.filters) || this.filters < 1) {
      throw new PerceptError('VALIDATION', `GaborConv3D: filters must be a positive whole number, got ${args.filters}`)
    }
    gaborGrid(this.kernelSize)
    if (!Number.isInteger(this.strides) || this.strides < 1) {
      throw new PerceptError('VALIDATION', `GaborConv3D: strides must be a positive whole number, got ${args.strides}`)
    }
    if (this.padding !== 'same' && this.padding !== 'valid') {
      throw new PerceptError('VALIDATION', `GaborConv3D: padding is 'same' or 'valid', got ${String(args.padding)}`)
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = singleShape(inputShape)
    assertRank(`GaborConv3D '${this.name}'`, shape, [5], 'a channels-last volume [N, D, H, W, C]')
    const channels = shape[4]
    if (channels == null) throw new PerceptError('VALIDATION', `GaborConv3D '${this.name}': the channel count must be known when building`)
    const k = this.kernelSize
    const seed = (i: number): number | undefined => (this.seed === undefined ? undefined : this.seed + i)
    const uniform = (minval: number, maxval: number, i: number) => tfl.initializers.randomUniform({ minval, maxval, seed: seed(i) })
    const amplitude = Math.sqrt(2 / (channels * envelopeEnergy(k, (3 * k) / 8)))
    const normal = (i: number) => tfl.initializers.randomNormal({ mean: 0, stddev: amplitude, seed: seed(i) })
    const initialisers: Record<GaborParameterName, ReturnType<typeof tfl.initializers.zeros>> = {
      sigma: uniform(k / 4, k / 2, 0),
      theta_y: uniform(-Math.PI, Math.PI, 1),
      theta_z: uniform(-Math.PI, Math.PI, 2),
      a_re: normal(3),
      a_im: normal(4),
      // Not minval 0: TF.js's randomUniform initialiser treats 0 as unset and falls back to -0.05.
      f_re: uniform(1e-6, 0.25, 5),
      f_im: uniform(1e-6, 0.25, 6),
      psi: uniform(-Math.PI, Math.PI, 7),
    }
    const shapeOf = [channels, this.filters]
    this.parameters = Object.fromEntries(
      GABOR_PARAMETER_NAMES.map((name) => [name, this.addWeight(name, shapeOf, 'float32', initialisers[name])]),
    ) as Record<GaborParameterName, tfl.LayerVariable>
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = singleShape(inputShape)
    const out = (n: number | null): number | null => {
      if (n == null) return null
      return this.padding === 'same' ? Math.ceil(n / this.strides) : Math.ceil((n - this.kernelSize + 1) / this.strides)
    }
    return [shape[0]!, out(shape[1]!), out(shape[2]!), out(shape[3]!), this.filters]
  }

  /** The kernels as a tensor [k, k, k, c_in, c_out] (z, y, x, in, out) from the current parameter values. */
  materialisedKernel(): tf.Tensor5D {
    if (!this.parameters) throw new PerceptError('INTERNAL', `GaborConv3D '${this.name}' is not built`)
    const params = this.parameters
    return tf.tidy(() => {
      const read = Object.fromEntries(GABOR_PARAMETER_NAMES.map((name) => [name, params[name].read()])) as GaborParameters
      return gaborKernel(read, this.kernelSize)
    })
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs) as tf.Tensor5D
      const s = this.strides
      let y: tf.Tensor = tf.conv3d(x, this.materialisedKernel(), [s, s, s], this.padding)
      if (this.bias) y = tf.add(y, this.bias.read())
      return y
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      useBias: this.useBias,
    }
    if (this.seed !== undefined) config.seed = this.seed
    return config
  }
}
tf.serialization.registerClass(GaborConv3D)
