import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** TF.js backends in the order we prefer them: native TensorFlow, then WebAssembly (SIMD), then plain JS. */
export const backendPreference = ['tensorflow', 'wasm', 'cpu'] as const
export type TfBackendName = (typeof backendPreference)[number]

export interface BackendProbe {
  /** Backends that initialised here, fastest first. */
  available: TfBackendName[]
  /** Why each missing backend did not load, for `percept info` and the status bar. */
  missing: Partial<Record<TfBackendName, string>>
}

const requireModule = createRequire(import.meta.url)

async function tryBackend(name: TfBackendName): Promise<string | null> {
  const tf = await import('@tensorflow/tfjs-core')
  try {
    if (name === 'tensorflow') {
      // Optional dependency: present only where its native library could be downloaded at install.
      const nativePackage = '@tensorflow/tfjs-node' // a variable, so neither tsc nor the bundler requires it
      await import(/* @vite-ignore */ nativePackage)
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      // Point the loader at the package's own .wasm files so bundling cannot break the lookup.
      wasm.setWasmPaths(join(dirname(requireModule.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/')
    } else {
      await import('@tensorflow/tfjs-backend-cpu')
    }
    return (await tf.setBackend(name)) ? null : `${name} backend failed to initialise`
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'failed to load'
  }
}

let probed: Promise<BackendProbe> | null = null

/** Tries each backend once per process; the result is cached because initialising is slow. */
export function probeBackends(): Promise<BackendProbe> {
  probed ??= (async () => {
    const result: BackendProbe = { available: [], missing: {} }
    for (const name of backendPreference) {
      const failure = await tryBackend(name)
      if (failure === null) result.available.push(name)
      else result.missing[name] = failure
    }
    if (result.available.length) {
      const tf = await import('@tensorflow/tfjs-core')
      await tf.setBackend(result.available[0]!)
    }
    return result
  })()
  return probed
}
