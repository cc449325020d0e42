import * as tf from '@tensorflow/tfjs-core'
import { createRequire } from 'node:module'

/*
 * TF.js's `tensorflow` backend runs on the native TensorFlow library, from one of two optional packages:
 * @tensorflow/tfjs-node-gpu (CUDA; Linux x64 with an NVIDIA GPU; TF.js 4.22 binds TensorFlow 2.9: CUDA 11.2, cuDNN 8.1)
 * or @tensorflow/tfjs-node (CPU). Both register the backend under the same name and bind the same native
 * symbols, so a process loads one: the GPU package when it is installed (whoever installed it wants the
 * GPU), else the CPU one. Neither is a dependency: their install downloads libtensorflow, which this
 * project's own machines cannot reach, so README says how to add the GPU one. With the GPU package loaded,
 * TensorFlow still runs on the CPU when it finds no usable device (CUDA_VISIBLE_DEVICES=-1 forces that);
 * `gpu` below says which happened.
 */

/** The packages that provide the `tensorflow` backend, in the order tried. */
export const tensorflowPackages = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const
export type TensorflowPackage = (typeof tensorflowPackages)[number]

export interface TensorflowBinding {
  /** The package that loaded; null when none did. */
  package: TensorflowPackage | null
  version: string | null
  /** Whether TensorFlow runs ops on a GPU; null until the backend has initialised. */
  gpu: boolean | null
  /** Why each package tried before (or instead of) the one that loaded did not. */
  failures: Partial<Record<TensorflowPackage, string>>
}

/** Loads a module by name (a parameter, so tests can stand in for packages that are or are not installed). */
export type ModuleLoader = (specifier: string) => Promise<unknown>

const requireHere = createRequire(import.meta.url)

// A variable specifier, so that neither tsc nor the bundler requires the optional packages.
const importPackage: ModuleLoader = (specifier) => import(/* @vite-ignore */ specifier)

function versionOf(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

function whyNot(error: unknown): string {
  const code = (error as { code?: string }).code
  const message = (error as Error).message ?? String(error)
  // Only a missing package itself is "not installed"; a missing file inside it (a native library) is a real failure.
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /(Cannot find (package|module) '@tensorflow\/tfjs-node)/.test(message)) {
    return 'not installed'
  }
  return message.split('\n')[0] ?? 'failed to load'
}

/** Tries each package in order until one imports; says which, and why the ones before it did not. */
export async function loadTensorflowPackage(
  load: ModuleLoader = importPackage,
  packages: readonly TensorflowPackage[] = tensorflowPackages,
): Promise<TensorflowBinding> {
  const failures: TensorflowBinding['failures'] = {}
  for (const name of packages) {
    try {
      await load(name)
      return { package: name, version: versionOf(name), gpu: null, failures }
    } catch (error) {
      failures[name] = whyNot(error)
    }
  }
  return { package: null, version: null, gpu: null, failures }
}

/** One line for an error or `percept info`: why neither package gave a backend. */
export function describeTensorflowFailures(binding: TensorflowBinding): string {
  const parts = Object.entries(binding.failures).map(([name, why]) => `${name}: ${why}`)
  return parts.length ? parts.join('; ') : 'no package tried'
}

/** After the backend initialised: whether the native backend placed ops on a GPU (tfjs-node's isUsingGpuDevice). */
export function tensorflowUsesGpu(): boolean | null {
  const backend = tf.findBackend('tensorflow') as { isUsingGpuDevice?: boolean } | null
  return backend && typeof backend.isUsingGpuDevice === 'boolean' ? backend.isUsingGpuDevice : null
}

/** How `percept info` describes the backend: package, version, device; or why it is missing. */
export function describeTensorflowBinding(binding: TensorflowBinding | null): string {
  if (!binding) return 'not tried'
  if (!binding.package) return describeTensorflowFailures(binding)
  const device = binding.gpu === null ? '' : binding.gpu ? ', on the GPU' : ', on the CPU'
  const before = binding.failures['@tensorflow/tfjs-node-gpu']
  const gpuNote = binding.package !== '@tensorflow/tfjs-node-gpu' && before && before !== 'not installed' ? ` (@tensorflow/tfjs-node-gpu: ${before})` : ''
  return `${binding.package}${binding.version ? ` ${binding.version}` : ''}${device}${gpuNote}`
}
