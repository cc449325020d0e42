/**
 * The segmentation network of Fig. 2 (Wong & Moradi, MLMI 2022): the modified V-Net with deep supervision of
 * Wong et al. (MICCAI 2018), in three kernel modes.
 *
 * What the paper fixes: residual blocks, group normalisation with 4 groups, spatial dropout, deep supervision;
 * spatial convolutions of 3^3 conventional kernels or 7^3 Gabor-based kernels (equation 2); mixed models keep
 * conventional kernels only in the blocks with few channels (the red blocks of Fig. 2); 19 structures (+ the
 * background: 20 outputs) at 128^3; 4.99M / 1.53M / 1.60M parameters (conventional / Gabor / mixed), and 22.84M /
 * 1.95M with 5^3 conventional kernels.
 *
 * What the text leaves open (Fig. 2 is an image), and what we chose. The five counts pin a lot: the 3^3 -> 5^3
 * difference (98 per unit) gives the sum of c_in c_out over the spatial convolutions, 182,143 +- 100, and the mixed
 * pair the part of it in red blocks, 3,571 +- 100. We searched V-Net-like plans (base channels, convolutions per
 * level, down- and upsampling kinds, projections) for the one that meets all five:
 * - Levels: base 24 channels doubling per level (24, 48, 96, 192; 24 is also the base of the authors' published
 *   VNetDS), residual blocks of [2, 3, 3, 3] spatial convolutions: sum c_in c_out = 182,016.
 * - Learnable 2^3 stride-2 downsampling of the input (VNetDS, and Wong 2018's 0.4 s per 128^3 volume) and 2x
 *   upsampling of the output; max pooling down and nearest-neighbour upsampling up, both parameter-free (strided or
 *   transposed convolutions would add far more than the counts allow), the upsampled tensor concatenated with the skip.
 * - Residual shortcut: identity where the channels agree, else a 1x1 convolution -> GN -> ELU (He et al. 2016).
 * - Deep supervision as VNetDS's "right leg": the bottleneck's and every decoder level's output, upsampled to the
 *   finest level and concatenated, a 1x1 convolution to the labels (-> GN -> ELU), 2x upsampling, a 1x1 convolution
 *   without bias, softmax.
 * - Red blocks: the finest level only (24 channels; 3,456 of the sum), mixedConventionalLevels = 1.
 * This gives 4.989M / 1.531M / 1.596M, and 22.83M / 1.94M with 5^3 kernels (parameterCounts(PAPER_PLAN)).
 * - Unit: convolution (with bias, as VNetDS) -> GN(4) -> ELU (VNetDS's activation); spatial dropout after each
 *   residual addition, rate 0.1 by default (the paper gives none).
 * Our plan (OUR_PLAN: base 8, the same levels and blocks) is the paper's network at a third of the width, for CPU
 * training at 64^3 (levels at 32^3, 16^3, 8^3, 4^3).
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { PerceptError } from '../../core/errors'
import { GaborConv3D, GroupNormalization, SpatialDropout, UpSampling3D } from '../../compute/layers'

export const KERNEL_MODES = ['conventional', 'gabor', 'mixed'] as const
export type KernelMode = (typeof KERNEL_MODES)[number]

export interface ChannelPlan {
  /** Channels of the finest level; level i has base * 2^i. Must divide by the GN groups. */
  baseFilters: number
  /** Spatial convolutions per residual block, one entry per level (finest first). */
  blocks: readonly number[]
  /** Output channels: the structures plus the background. */
  labels: number
  inputChannels: number
  /** Learnable 2^3 stride-2 downsampling of the input (and 2x upsampling of the output). */
  inputDownsample: boolean
}

/** The paper's plan as we reconstruct it (see the header): 4.99M / 1.53M / 1.60M parameters. */
export const PAPER_PLAN: ChannelPlan = { baseFilters: 24, blocks: [2, 3, 3, 3], labels: 20, inputChannels: 1, inputDownsample: true }
/** Ours, for training at 64^3 on a CPU: the paper's levels at a third of the width. */
export const OUR_PLAN: ChannelPlan = { baseFilters: 8, blocks: [2, 3, 3, 3], labels: 20, inputChannels: 1, inputDownsample: true }

export interface NetworkOptions {
  mode: KernelMode
  plan: ChannelPlan
  /** Edge of the cubic input; must divide by 2^(levels - 1), times 2 with input downsampling. */
  inputSize: number
  /** Spatial dropout rate after each residual block. Default 0.1. */
  dropout?: number
  gaborKernelSize?: number
  conventionalKernelSize?: number
  /** Levels (finest first) that keep conventional kernels in mixed mode. Default 1. */
  mixedConventionalLevels?: number
  /** Group-normalisation groups. Default 4. */
  groups?: number
  /** Seeds the initialisers and dropout masks. */
  seed?: number
}

interface Resolved extends Required<Omit<NetworkOptions, 'seed'>> {
  seed: number | undefined
}

function resolve(options: NetworkOptions): Resolved {
  const o: Resolved = {
    dropout: 0.1,
    gaborKernelSize: 7,
    conventionalKernelSize: 3,
    mixedConventionalLevels: 1,
    groups: 4,
    ...options,
    seed: options.seed,
  }
  const { plan } = o
  if (!KERNEL_MODES.includes(o.mode)) throw new PerceptError('VALIDATION', `Kernel mode is one of ${KERNEL_MODES.join(', ')}, got ${String(o.mode)}.`)
  if (!plan.blocks.length || plan.blocks.some((b) => !Number.isInteger(b) || b < 1)) {
    throw new PerceptError('VALIDATION', `Blocks per level must be whole numbers of at least 1, got [${plan.blocks.join(', ')}].`)
  }
  if (!Number.isInteger(plan.baseFilters) || plan.baseFilters < o.groups || plan.baseFilters % o.groups !== 0) {
    throw new PerceptError('VALIDATION', `Base channels must be a multiple of the ${o.groups} normalisation groups, got ${plan.baseFilters}.`)
  }
  if (!Number.isInteger(plan.labels) || plan.labels < 2) throw new PerceptError('VALIDATION', `A segmentation needs at least 2 labels (background included), got ${plan.labels}.`)
  const factor = 2 ** (plan.blocks.length - 1) * (plan.inputDownsample ? 2 : 1)
  if (!Number.isInteger(o.inputSize) || o.inputSize < factor || o.inputSize % factor !== 0) {
    throw new PerceptError('VALIDATION', `The input edge must be a multiple of ${factor} for ${plan.blocks.length} levels, got ${o.inputSize}.`)
  }
  return o
}

const filtersAt = (plan: ChannelPlan, level: number): number => plan.baseFilters * 2 ** level
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

function usesGabor(o: Resolved, level: number): boolean {
  return o.mode === 'gabor' || (o.mode === 'mixed' && level >= o.mixedConventionalLevels)
}

/** Builds the network: input [N, S, S, S, C] (D = z, H = y, W = x), output softmax scores [N, S, S, S, labels]. */
export function buildSegmentationNetwork(options: NetworkOptions): tfl.LayersModel {
  const o = resolve(options)
  const { plan } = o
  let seedCount = 0
  const seed = (): number | undefined => (o.seed === undefined ? undefined : o.seed + 97 * seedCount++)
  const norm = (x: tfl.SymbolicTensor, groups = o.groups): tfl.SymbolicTensor =>
    tfl.layers.activation({ activation: 'elu' }).apply(new GroupNormalization({ groups }).apply(x)) as tfl.SymbolicTensor
  const pointwise = (x: tfl.SymbolicTensor, filters: number, useBias = true): tfl.SymbolicTensor =>
    tfl.layers.conv3d({ filters, kernelSize: 1, useBias, kernelInitializer: tfl.initializers.heNormal({ seed: seed() }) }).apply(x) as tfl.SymbolicTensor
  /** A spatial convolution (the yellow arrows of Fig. 2) -> GN -> ELU, with the kernel the mode gives this level. */
  const spatial = (x: tfl.SymbolicTensor, filters: number, level: number): tfl.SymbolicTensor => {
    const conv = usesGabor(o, level)
      ? new GaborConv3D({ filters, kernelSize: o.gaborKernelSize, seed: seed() })
      : tfl.layers.conv3d({ filters, kernelSize: o.conventionalKernelSize, padding: 'same', kernelInitializer: tfl.initializers.heNormal({ seed: seed() }) })
    return norm(conv.apply(x) as tfl.SymbolicTensor)
  }
  const residualBlock = (x: tfl.SymbolicTensor, level: number): tfl.SymbolicTensor => {
    const filters = filtersAt(plan, level)
    const shortcut = x.shape[4] === filters ? x : norm(pointwise(x, filters))
    let y = x
    for (let i = 0; i < plan.blocks[level]!; i++) y = spatial(y, filters, level)
    const sum = tfl.layers.add().apply([y, shortcut]) as tfl.SymbolicTensor
    return o.dropout > 0 ? (new SpatialDropout({ rate: o.dropout, seed: seed() }).apply(sum) as tfl.SymbolicTensor) : sum
  }

  const input = tfl.input({ shape: [o.inputSize, o.inputSize, o.inputSize, plan.inputChannels], name: 'image' })
  let x: tfl.SymbolicTensor = input
  if (plan.inputDownsample) {
    const conv = tfl.layers.conv3d({ filters: plan.baseFilters, kernelSize: 2, strides: 2, kernelInitializer: tfl.initializers.heNormal({ seed: seed() }) })
    x = norm(conv.apply(x) as tfl.SymbolicTensor)
  }
  const levels = plan.blocks.length
  const skips: tfl.SymbolicTensor[] = []
  const rightLeg: tfl.SymbolicTensor[] = []
  for (let level = 0; level < levels; level++) {
    x = residualBlock(x, level)
    if (level < levels - 1) {
      skips[level] = x
      x = tfl.layers.maxPooling3d({ poolSize: 2, strides: 2 }).apply(x) as tfl.SymbolicTensor
    } else {
      rightLeg[level] = x
    }
  }
  for (let level = levels - 2; level >= 0; level--) {
    const up = new UpSampling3D({ size: 2 }).apply(x) as tfl.SymbolicTensor
    x = residualBlock(tfl.layers.concatenate().apply([up, skips[level]!]) as tfl.SymbolicTensor, level)
    rightLeg[level] = x
  }
  // Deep supervision: every level's output, brought to the finest grid, feeds the prediction.
  const leg = rightLeg.map((t, level) => (level === 0 ? t : (new UpSampling3D({ size: 2 ** level }).apply(t) as tfl.SymbolicTensor)))
  let y = leg.length > 1 ? (tfl.layers.concatenate().apply(leg) as tfl.SymbolicTensor) : leg[0]!
  y = norm(pointwise(y, plan.labels), gcd(o.groups, plan.labels))
  if (plan.inputDownsample) y = new UpSampling3D({ size: 2 }).apply(y) as tfl.SymbolicTensor
  y = tfl.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(pointwise(y, plan.labels, false)) as tfl.SymbolicTensor
  return tfl.model({ inputs: input, outputs: y, name: `vnet_ds_${o.mode}` })
}

/**
 * Trainable parameters of the network, counted from the plan without building it (the paper's plan has 5M
 * weights); the tests check it against TF.js's own count of built models.
 */
export function parameterCount(options: Omit<NetworkOptions, 'inputSize'> & { inputSize?: number }): number {
  const { plan } = options
  const o = resolve({ ...options, inputSize: options.inputSize ?? 2 ** plan.blocks.length * 2 })
  const k3 = o.conventionalKernelSize ** 3
  const normAct = (c: number): number => 2 * c
  const conv = (cin: number, cout: number, level: number): number =>
    (usesGabor(o, level) ? 8 : k3) * cin * cout + cout + normAct(cout)
  const pointwise = (cin: number, cout: number): number => cin * cout + cout + normAct(cout)
  const block = (cin: number, level: number): number => {
    const f = filtersAt(plan, level)
    let n = cin === f ? 0 : pointwise(cin, f)
    for (let i = 0; i < plan.blocks[level]!; i++) n += conv(i === 0 ? cin : f, f, level)
    return n
  }
  let total = 0
  let channels = plan.inputChannels
  if (plan.inputDownsample) {
    total += 8 * channels * plan.baseFilters + plan.baseFilters + normAct(plan.baseFilters)
    channels = plan.baseFilters
  }
  const levels = plan.blocks.length
  for (let level = 0; level < levels; level++) {
    total += block(channels, level)
    channels = filtersAt(plan, level)
  }
  let legChannels = channels
  for (let level = levels - 2; level >= 0; level--) {
    total += block(channels + filtersAt(plan, level), level) // upsampled + skip
    channels = filtersAt(plan, level)
    legChannels += channels
  }
  total += pointwise(legChannels, plan.labels) + plan.labels * plan.labels
  return total
}

export interface ParameterCounts {
  conventional: number
  gabor: number
  mixed: number
}

/** Parameters per kernel mode for a plan (3^3 conventional kernels unless given, 7^3 Gabor). */
export function parameterCounts(plan: ChannelPlan, conventionalKernelSize = 3): ParameterCounts {
  const count = (mode: KernelMode): number => parameterCount({ mode, plan, conventionalKernelSize })
  return { conventional: count('conventional'), gabor: count('gabor'), mixed: count('mixed') }
}

/** What the paper reports (millions), for comparison with parameterCounts(PAPER_PLAN). */
export const PAPER_PARAMETER_COUNTS = { conventional: 4.99e6, gabor: 1.53e6, mixed: 1.6e6, conventional5: 22.84e6, mixed5: 1.95e6 } as const
