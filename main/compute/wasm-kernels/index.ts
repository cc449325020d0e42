import { getKernel, type KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core'
import { conv2dBackpropFilterConfig, dilatedFilterGradConfig } from './conv2d-backprop-filter'
import { conv2dBackpropInputConfig, conv3dBackpropInputConfig } from './conv-backprop-input'
import { conv3dConfig } from './conv3d'
import { conv3dBackpropFilterConfig } from './conv3d-backprop'
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop'
import { sliceConfig, splitVConfig, stridedSliceConfig, unpackConfig } from './heap-slice'
import { batchMatMulConfig, fusedMatMulConfig } from './matmul-layouts'
import { maxPool3dConfig, maxPool3dGradConfig, maxPoolGradConfig } from './max-pool'
import { meanConfig, sumConfig } from './outer-axis-sums'
import { reluGradConfig } from './relu-grad'
import { reverseConfig } from './reverse'
import { castConfig, identityConfig } from './shared-data'
import { conv2dConfig, fusedConv2dConfig } from './simd-conv2d'
import { tileConfig } from './tile'
import { unsortedSegmentSumConfig } from './unsorted-segment-sum'

/**
 * Kernels the wasm backend of TF.js 4.22 lacks but training needs (the cpu backend has them).
 * Also missing on wasm, and dispatched by no layer we train: Complex/FFT/Imag/Real, Ragged*,
 * StaticRegexReplace, Einsum, Draw.
 */
export const addedWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  dilatedFilterGradConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  reluGradConfig,
]

/**
 * Kernels tfjs-backend-wasm 4.22 has but computes wrongly (found by test/unit/compute/gradients.test.ts
 * and conv-kernels.test.ts against the cpu backend and brute-force references): max-pooling
 * gradients drop windows whose maximum is negative, and 3-D max pooling itself pools such windows to ~0; the Conv3D backprop kernels are wrong (input:
 * always; filter: with stride > 1). Plus Conv3D and Conv2DBackpropInput, which are right but
 * plain loops, ~10x slower than the same work done by XNNPACK's 2-D convolution. And kernels that
 * copy where they need not (Identity, same-dtype Cast: shared-data.ts) or transpose before reducing
 * (Sum, Mean over leading or middle axes: outer-axis-sums.ts); both fall back to the stock kernels.
 * And Slice, SplitV, Unpack and contiguous StridedSlice, which copied their whole input out of the heap
 * for every piece (heap-slice.ts). And Conv2D and FusedConv2D, right but slower than our SIMD kernel where
 * it serves (stride 1, NHWC, output channels in multiples of 8; simd-conv2d.ts). And BatchMatMul and
 * _FusedMatMul, which run transposed or batched operands in a plain loop (matmul-layouts.ts). And Tile
 * (broadcastTo) and Reverse, element by element where block copies do (tile.ts, reverse.ts).
 */
export const replacedWasmKernels: readonly KernelConfig[] = [
  maxPoolGradConfig,
  maxPool3dGradConfig,
  maxPool3dConfig,
  conv3dBackpropInputConfig,
  conv3dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  conv3dConfig,
  identityConfig,
  castConfig,
  sumConfig,
  meanConfig,
  sliceConfig,
  splitVConfig,
  unpackConfig,
  stridedSliceConfig,
  conv2dConfig,
  fusedConv2dConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  tileConfig,
  reverseConfig,
]

/**
 * Registers the kernels above for the 'wasm' backend: added ones unless a newer tfjs-backend-wasm
 * provides them, replacements over the stock ones. Safe to call again; returns what this call changed.
 */
export function registerWasmKernels(): string[] {
  const changed: string[] = []
  for (const config of addedWasmKernels) {
    if (getKernel(config.kernelName, 'wasm')) continue
    registerKernel(config)
    changed.push(config.kernelName)
  }
  for (const config of replacedWasmKernels) {
    const current = getKernel(config.kernelName, 'wasm')
    if (current?.kernelFunc === config.kernelFunc) continue
    if (current) unregisterKernel(config.kernelName, 'wasm')
    registerKernel(config)
    changed.push(config.kernelName)
  }
  return changed
}

export { conv2dFilterGradWasm } from './conv2d-backprop-filter'
