import * as tf from '@tensorflow/tfjs-core'
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file'
import { registerWasmKernels } from './wasm-kernels'
import { webAssembly } from './webassembly-global'

/*
 * WebAssembly threads (task finding, tfjs-backend-wasm 4.22, Node 20 / Electron 39):
 *
 * - The stock loader never uses threads in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag answers
 *   false whenever IS_NODE (tfjs issue #3830), and forcing the flag on does not help, because the
 *   loader hands Emscripten blob: URLs for the pthread worker and the main script, which Node's
 *   worker_threads cannot start. So stock wasm is SIMD, one thread, in Node and in Electron's
 *   main process or its worker threads alike (a sandboxed renderer could thread only with
 *   COOP/COEP, and we do not train there).
 * - The threaded-SIMD build itself works in Node: Node has SharedArrayBuffer and worker_threads.
 *   We load it ourselves (below) with a real worker file written to the temp folder, and register
 *   it as the 'wasm' backend. Emscripten pre-starts 8 pthread workers.
 * - One more trap: the C++ side caps the pool at emscripten_num_logical_cores() / 2 (it assumes
 *   two hyper-threads per core), so on a 2-core machine it silently stays at 1 thread whatever
 *   setThreadsCount asks. We answer that import with 2 x the threads we want.
 * Measured on this 2-core machine (bench/compute.ts, wasm, medians): matmul 1024^3 57 -> 28 ms,
 * conv2d 32x64x41x32 * 3x3x32x32 forward 42 -> 21 ms, reference-CNN training step 672 -> 480 ms
 * (1 thread with the stock loader -> 2 threads with ours). `PERCEPT_WASM_THREADS=1` returns to the
 * stock loader; if the threaded load fails for any reason we fall back to it too, and say why in
 * wasmThreading(). Electron: its main process and its worker threads are Node (SharedArrayBuffer,
 * worker_threads), so the same holds there; not run here, as this checkout has no Electron binary.
 */

const requireHere = createRequire(import.meta.url)
const packageRoot = dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
/** XNNPACK's pool never grows past the workers Emscripten pre-started (PTHREAD_POOL_SIZE = 8). */
const maxThreads = 8
const loadTimeoutMs = 30_000

export interface WasmThreading {
  /** Threads asked for (PERCEPT_WASM_THREADS, else the CPUs Node reports, at most 8). */
  requested: number
  /** Threads XNNPACK actually uses, once the backend has initialised; null before. */
  threads: number | null
  /** Which .wasm build runs. */
  binary: 'threaded-simd' | 'simd' | 'plain' | null
  /** Why the threaded build is not in use, when it is not. */
  note: string | null
}

const threading: WasmThreading = { requested: 1, threads: null, binary: null, note: null }

export function wasmThreading(): WasmThreading {
  return { ...threading, threads: threading.binary ? wasmBackend.getThreadsCount() : null }
}

function requestedThreads(): number {
  const raw = process.env.PERCEPT_WASM_THREADS
  const asked = raw === undefined || raw === '' ? availableParallelism() : Number(raw)
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, maxThreads) : 1
}

interface EmscriptenModule {
  cwrap: (name: string, returnType: string | null, argTypes: string[]) => (...args: unknown[]) => unknown
}
type EmscriptenImports = Record<string, Record<string, unknown>>
type ThreadedFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>

/** Writes `content` once under the temp folder, named by its hash, and returns the path. */
async function tempFile(name: string, content: string): Promise<string> {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 16)
  const path = join(tmpdir(), `percept-tfjs-wasm-${hash}`, name)
  if (!existsSync(path)) await writeFileAtomic(path, content)
  return path
}

async function loadThreadedModule(threads: number): Promise<EmscriptenModule> {
  const factory = requireHere(join(packageRoot, 'wasm-out/tfjs-backend-wasm-threaded-simd.js')) as ThreadedFactory
  const { wasmWorkerContents } = requireHere(join(packageRoot, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }
  // The worker source arrives with its "\n" escapes decoded; the stock loader re-escapes them too.
  const workerPath = await tempFile('worker.cjs', wasmWorkerContents.replace(/\n/g, '\\n'))
  // Workers read the main script themselves; a copy outside app.asar keeps that working when packaged.
  const mainScript = await tempFile('tfjs-backend-wasm-threaded-simd.js', await readFile(join(packageRoot, 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8'))
  const binary = await readFile(join(packageRoot, 'dist/tfjs-backend-wasm-threaded-simd.wasm'))
  const previousWorker = (globalThis as { Worker?: unknown }).Worker
  let fail: (error: Error) => void = () => {}
  const failed = new Promise<never>((_, reject) => {
    fail = reject
  })
  // A worker that never reports back would leave the factory pending forever.
  const timer = setTimeout(() => fail(new Error(`the threaded module did not start within ${loadTimeoutMs / 1000} s`)), loadTimeoutMs)
  timer.unref()
  try {
    const module = factory({
      locateFile: (path: string) => (path.endsWith('.worker.js') ? workerPath : join(packageRoot, 'dist', path)),
      mainScriptUrlOrBlob: mainScript,
      onAbort: (what: unknown) => fail(new Error(`aborted: ${String(what)}`)),
      instantiateWasm: (info: EmscriptenImports, receive: (instance: object, module: object) => void) => {
        // Report twice the cores we want, so the C++ side's "logical cores / 2" cap lets `threads` through.
        const env = { ...info.env, emscripten_num_logical_cores: () => threads * 2 }
        webAssembly.instantiate(binary, { ...info, env, wasi_snapshot_preview1: env }).then(
          (result) => receive(result.instance, result.module),
          (error: Error) => fail(error),
        )
        return {}
      },
    })
    return await Promise.race([module, failed])
  } finally {
    clearTimeout(timer)
    // Emscripten sets a global Worker in Node; its pool is pre-started, so nothing needs it later.
    if (previousWorker === undefined) delete (globalThis as { Worker?: unknown }).Worker
    else (globalThis as { Worker?: unknown }).Worker = previousWorker
  }
}

function wrapModule(module: EmscriptenModule): ConstructorParameters<typeof wasmBackend.BackendWasm>[0] {
  const tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  }
  return Object.assign(module, { tfjs }) as unknown as ConstructorParameters<typeof wasmBackend.BackendWasm>[0]
}

let prepared = false
let lastFailure: string | null = null

/** Why the last attempt to initialise the wasm backend failed, if it did. */
export function wasmLoadFailure(): string | null {
  return lastFailure
}

/**
 * Makes 'wasm' ready to initialise: the loader that can use threads, the stock loader pointed at
 * the package's own .wasm files (so bundling cannot break the lookup), and the kernels wasm lacks.
 * Idempotent; initialising happens on tf.setBackend('wasm').
 */
export function prepareWasmBackend(): void {
  if (prepared) return
  prepared = true
  registerWasmKernels()
  wasmBackend.setWasmPaths(join(packageRoot, 'dist') + '/')
  const stock = tf.findBackendFactory('wasm')
  if (!stock) throw new Error('@tensorflow/tfjs-backend-wasm did not register a backend.')
  const stockFactory = async (): Promise<tf.KernelBackend> => {
    const backend = await stock()
    threading.binary = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'plain'
    return backend
  }
  const factory = async (): Promise<tf.KernelBackend> => {
    lastFailure = null
    threading.requested = requestedThreads()
    threading.note = 'one thread requested (PERCEPT_WASM_THREADS=1 or a single CPU)'
    if (threading.requested > 1) {
      try {
        if (typeof SharedArrayBuffer === 'undefined') throw new Error('SharedArrayBuffer is not available')
        wasmBackend.setThreadsCount(threading.requested)
        const backend = new wasmBackend.BackendWasm(wrapModule(await loadThreadedModule(threading.requested)))
        threading.binary = 'threaded-simd'
        threading.note = null
        return backend
      } catch (error) {
        threading.note = `the threaded build did not load (${(error as { message?: string }).message ?? String(error)}); using one thread`
        wasmBackend.setThreadsCount(-1)
      }
    }
    try {
      return await stockFactory()
    } catch (error) {
      lastFailure = (error as { message?: string }).message ?? String(error)
      throw error
    }
  }
  tf.removeBackend('wasm')
  tf.registerBackend('wasm', factory, 2)
}
