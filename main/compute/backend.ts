import * as tf from '@tensorflow/tfjs-core'
import { PerceptError } from '../core/errors'
import { installConvGradients } from './backend-gradients'
import { installReductionGradients } from './reduction-gradients'
import { prepareWasmBackend, wasmLoadFailure, wasmThreading, type WasmThreading } from './backend-wasm'
import { describeTensorflowBinding, describeTensorflowFailures, loadTensorflowPackage, tensorflowUsesGpu, type TensorflowBinding } from './backend-tensorflow'

/*
 * Which TF.js backend trains here: the fastest that loads. `tensorflow` (native TensorFlow from
 * @tensorflow/tfjs-node-gpu on CUDA machines, else @tensorflow/tfjs-node: optional packages whose
 * install downloads libtensorflow; see backend-tensorflow.ts), else `wasm` (XNNPACK, SIMD, threads
 * where it can: see backend-wasm.ts), else `cpu` (plain JavaScript). PERCEPT_BACKEND forces one.
 *
 * Threads (see backend-wasm.ts for the details): the stock tfjs-backend-wasm 4.22 loader is always
 * single-threaded in Node and Electron's main process (it disables threads under Node and would
 * hand worker_threads blob: URLs). Node does have SharedArrayBuffer and worker_threads, so we load
 * the threaded-SIMD build ourselves; on this 2-core machine 2 threads make matmul and conv2d 2x and
 * a training step of the reference CNN 1.4x faster. PERCEPT_WASM_THREADS=n picks the count
 * (default: every CPU, at most 8; 1 = the stock single-threaded loader).
 */

/** TF.js backends in the order we prefer them: native TensorFlow, then WebAssembly (SIMD), then plain JS. */
export const backendPreference = ['tensorflow', 'wasm', 'cpu'] as const
export type TfBackendName = (typeof backendPreference)[number]

export interface BackendProbe {
  /** Backends that initialised here, fastest first. */
  available: TfBackendName[]
  /** Why each missing backend did not load, for `percept info` and the status bar. */
  missing: Partial<Record<TfBackendName, string>>
  /** The backend training uses: PERCEPT_BACKEND's when that loads, else the fastest available. */
  selected: TfBackendName | null
}

export { wasmThreading, type WasmThreading, type TensorflowBinding }

let tensorflow: TensorflowBinding | null = null

/** Which package gave the `tensorflow` backend and whether it runs on a GPU; null before it was tried. */
export function tensorflowBinding(): TensorflowBinding | null {
  return tensorflow && { ...tensorflow, failures: { ...tensorflow.failures } }
}

function isBackendName(name: string): name is TfBackendName {
  return (backendPreference as readonly string[]).includes(name)
}

/** PERCEPT_BACKEND, checked; undefined when unset. */
export function forcedBackend(): TfBackendName | undefined {
  const raw = process.env.PERCEPT_BACKEND?.trim()
  if (!raw) return undefined
  if (!isBackendName(raw)) {
    throw new PerceptError('UNAVAILABLE', `PERCEPT_BACKEND=${raw} is not a TF.js backend; use one of ${backendPreference.join(', ')}, or unset it.`)
  }
  return raw
}

/** Registrations every backend needs before a model trains; cheap, and repeated after each backend loads. */
function prepareTf(): void {
  installConvGradients()
  installReductionGradients()
}

const loading = new Map<TfBackendName, Promise<string | null>>()

/** Loads a backend's package and initialises it once per process: null when it works, else why not. */
function loadOnce(name: TfBackendName): Promise<string | null> {
  let pending = loading.get(name)
  if (!pending) {
    pending = (async () => {
      try {
        if (name === 'tensorflow') {
          tensorflow = await loadTensorflowPackage()
          if (!tensorflow.package) return describeTensorflowFailures(tensorflow)
        } else if (name === 'wasm') {
          prepareWasmBackend()
        } else {
          await import('@tensorflow/tfjs-backend-cpu')
        }
        prepareTf() // tfjs-node brings @tensorflow/tfjs, whose stock gradients replace ours
        if (!tf.findBackendFactory(name)) return `${name} backend was not registered by its package`
        const previous = tf.getBackend() as string | undefined
        const ok = await tf.setBackend(name)
        if (ok && name === 'tensorflow' && tensorflow) tensorflow.gpu = tensorflowUsesGpu()
        if (previous && previous !== name && tf.findBackend(previous)) await tf.setBackend(previous)
        return ok ? null : (name === 'wasm' ? wasmLoadFailure() : null) ?? `${name} backend failed to initialise`
      } catch (error) {
        return (error as Error).message.split('\n')[0] ?? 'failed to load'
      }
    })()
    loading.set(name, pending)
  }
  return pending
}

/**
 * Makes `name` the active backend (loading it first). Throws PerceptError UNAVAILABLE, saying
 * why, when it cannot load here. Each backend keeps its own tensors; switching does not move them.
 */
export async function useBackend(name: TfBackendName): Promise<void> {
  prepareTf()
  const failure = await loadOnce(name)
  if (failure !== null) throw new PerceptError('UNAVAILABLE', `The ${name} TF.js backend cannot load here: ${failure}.`)
  if (tf.getBackend() !== name) await tf.setBackend(name)
  await tf.ready()
}

/**
 * Chooses and activates the backend training code runs on, and returns its name: PERCEPT_BACKEND
 * when set (an error, code UNAVAILABLE, if it cannot load), else the first of tensorflow, wasm,
 * cpu that loads.
 */
export async function initBackend(): Promise<TfBackendName> {
  prepareTf()
  const forced = forcedBackend()
  if (forced) {
    const failure = await loadOnce(forced)
    if (failure !== null) {
      throw new PerceptError(
        'UNAVAILABLE',
        `PERCEPT_BACKEND=${forced}, but the ${forced} TF.js backend cannot load here: ${failure}. ` +
          `Unset PERCEPT_BACKEND to use the fastest backend that loads, or choose another of ${backendPreference.join(', ')}.`,
      )
    }
    await useBackend(forced)
    return forced
  }
  const reasons: string[] = []
  for (const name of backendPreference) {
    const failure = await loadOnce(name)
    if (failure === null) {
      await useBackend(name)
      return name
    }
    reasons.push(`${name}: ${failure}`)
  }
  throw new PerceptError('UNAVAILABLE', `No TF.js backend loads here (${reasons.join('; ')}).`)
}

let probed: Promise<BackendProbe> | null = null

/**
 * Tries every backend once per process (cached: initialising is slow) and leaves the selected one
 * active. Never throws: a bad PERCEPT_BACKEND shows up as `selected: null` plus a reason in `missing`.
 */
export function probeBackends(): Promise<BackendProbe> {
  probed ??= (async () => {
    prepareTf()
    const result: BackendProbe = { available: [], missing: {}, selected: null }
    for (const name of backendPreference) {
      const failure = await loadOnce(name)
      if (failure === null) result.available.push(name)
      else result.missing[name] = failure
    }
    let forced: TfBackendName | undefined | null
    try {
      forced = forcedBackend()
    } catch {
      forced = null // an unknown name: nothing is selected, and initBackend() will say why
    }
    result.selected = forced === null ? null : forced ? (result.available.includes(forced) ? forced : null) : (result.available[0] ?? null)
    if (result.selected) await tf.setBackend(result.selected)
    return result
  })()
  return probed
}

/** Per backend, what it runs on (or why it did not load): `percept info`'s notes. Call after probeBackends(). */
export function backendNotes(probe: BackendProbe): Record<string, string> {
  const notes: Record<string, string> = {}
  for (const name of backendPreference) {
    const missing = probe.missing[name]
    if (missing !== undefined) {
      notes[name] = name === 'tensorflow' ? `${missing} (see README, "GPU training")` : missing
    } else if (name === 'tensorflow') {
      notes[name] = describeTensorflowBinding(tensorflow)
    } else if (name === 'wasm') {
      const w = wasmThreading()
      notes[name] = `${w.binary ?? 'unknown build'}, ${w.threads ?? '?'} thread(s)${w.note ? ` (${w.note})` : ''}`
    } else {
      notes[name] = 'plain JavaScript'
    }
  }
  return notes
}
