import { getKernel, type KernelConfig, registerKernel } from '@tensorflow/tfjs-core'
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop'
import { unsortedSegmentSumConfig } from './unsorted-segment-sum'

/**
 * Kernels the wasm backend of TF.js 4.22 lacks but training needs (the cpu backend has them).
 * Missing on wasm besides these: Complex/FFT/Imag/Real, Ragged*, StaticRegexReplace, Einsum and
 * Draw, none of which a layer we train dispatches.
 */
export const wasmKernelConfigs: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
]

/**
 * Registers the kernels above for the 'wasm' backend, skipping any a newer tfjs-backend-wasm
 * already provides. Safe to call again; returns the names this call registered.
 */
export function registerWasmKernels(): string[] {
  const added: string[] = []
  for (const config of wasmKernelConfigs) {
    if (getKernel(config.kernelName, 'wasm')) continue
    registerKernel(config)
    added.push(config.kernelName)
  }
  return added
}

export { conv2dFilterGradWasm } from './conv2d-backprop-filter'
