import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { webAssembly, type WasmMemory } from '../webassembly-global'
import { conv2dFilterGradBinary } from './simd/conv2d-filter-grad.wasm'
import { conv2dForwardBinary } from './simd/conv2d-forward.wasm'
import { conv2dWinogradBinary } from './simd/conv2d-winograd.wasm'
import { reluGradBinary } from './simd/relu-grad.wasm'
import { sumRowsBinary } from './simd/sum-rows.wasm'

/*
 * Runs our hand-written wasm SIMD kernels (simd/*.wat) on TF.js's wasm heap: each module imports the
 * backend's memory, so kernels read and write tensors where they are. Only on the threaded backend,
 * whose memory is shared, as the modules' imports declare; elsewhere simdRunner answers null and the
 * callers take the stock route.
 *
 * Two threads where the machine has two cores: the calling thread and one helper split each call's
 * range (a kernel's rows or channels). The helper is a worker thread with its own instances on the same
 * memory; it waits on a shared control block (Atomics), so a call costs no message passing. While a
 * kernel runs the backend's own threads are idle (the call is synchronous), so the two do not compete.
 */

/** The kernels, by export name, in the modules that hold them. */
const modules = [
  { binary: conv2dFilterGradBinary, exports: ['conv2dFilterGrad'] },
  { binary: conv2dForwardBinary, exports: ['conv2dForward'] },
  { binary: conv2dWinogradBinary, exports: ['conv2dWinograd', 'conv2dWinogradFilterGrad'] },
  { binary: sumRowsBinary, exports: ['sumRows', 'sumSlices'] },
  { binary: reluGradBinary, exports: ['reluGrad'] },
] as const
export type SimdKernel = (typeof modules)[number]['exports'][number]
const kernelNames: readonly SimdKernel[] = modules.flatMap((m) => m.exports)

/** The most arguments a kernel takes. */
const maxArguments = 24
/** Control block: [0] state, [1] the helper's result (0 done, 1 failed), [2] the kernel's index, then its arguments. */
const stateIdle = 0
const stateWork = 1
const stateStop = 2
/** How long the calling thread waits for the helper before it gives up on it (a healthy call takes milliseconds). */
const helperTimeoutMs = 120_000


type KernelFunction = (...args: number[]) => void

/** The helper thread's whole program (CommonJS, evaluated): instantiate, then serve calls until told to stop. */
const helperProgram = `
const { workerData } = require('node:worker_threads')
const { memory, binaries, names } = workerData
const kernels = []
for (const binary of binaries) {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports
  for (const name of names) if (exports[name]) kernels[names.indexOf(name)] = exports[name]
}
const c = new Int32Array(workerData.control)
for (;;) {
  Atomics.wait(c, 0, ${stateIdle})
  const state = Atomics.load(c, 0)
  if (state === ${stateStop}) break
  if (state !== ${stateWork}) continue
  try {
    kernels[c[2]](...c.subarray(3, 3 + ${maxArguments}))
    c[1] = 0
  } catch {
    c[1] = 1
  }
  Atomics.store(c, 0, ${stateIdle})
  Atomics.notify(c, 0)
}
`

interface Helper {
  control: Int32Array
  worker: Worker
}

export class SimdRunner {
  constructor(
    readonly memory: WasmMemory,
    private readonly kernels: Map<SimdKernel, KernelFunction>,
    private helper: Helper | null,
  ) {}

  get threads(): number {
    return this.helper ? 2 : 1
  }

  dropHelper(helper: Helper): void {
    if (this.helper !== helper) return
    this.helper = null
    Atomics.store(helper.control, 0, stateStop)
    Atomics.notify(helper.control, 0)
    void helper.worker.terminate()
  }

  /**
   * Runs `name` over [0, extent) of the range its arguments split (args(from, to)): the helper, where
   * there is one, takes [split, extent) with split a multiple of `align` near the middle.
   */
  run(name: SimdKernel, args: (from: number, to: number) => number[], extent: number, align: number): void {
    const kernel = this.kernels.get(name)!
    const helper = this.helper
    const split = Math.min(extent, align * Math.ceil(extent / 2 / align))
    if (!helper || split <= 0 || split >= extent) {
      kernel(...args(0, extent))
      return
    }
    const c = helper.control
    const upper = args(split, extent)
    c[2] = kernelNames.indexOf(name)
    c.set(upper, 3)
    Atomics.store(c, 0, stateWork)
    Atomics.notify(c, 0)
    try {
      kernel(...args(0, split))
    } finally {
      // Wait for the helper even if this half failed: it is still writing into the heap.
      const deadline = Date.now() + helperTimeoutMs
      while (Atomics.load(c, 0) === stateWork && Date.now() < deadline) Atomics.wait(c, 0, stateWork, 1000)
    }
    if (Atomics.load(c, 0) === stateWork || c[1] !== 0) {
      // A helper that failed or hangs is dropped; this call's upper part is done here instead.
      this.dropHelper(helper)
      kernel(...upper)
    }
  }
}

let binaries: Uint8Array[] | undefined
const runners = new WeakMap<WasmMemory, SimdRunner | null>()

function startHelper(memory: WasmMemory, bytes: Uint8Array[], runner: () => SimdRunner | null | undefined): Helper | null {
  if (availableParallelism() < 2) return null
  try {
    const control = new Int32Array(new SharedArrayBuffer(4 * (3 + maxArguments)))
    const worker = new Worker(helperProgram, { eval: true, workerData: { memory, binaries: bytes, names: kernelNames, control: control.buffer } })
    // Never keeps the app alive; a helper that fails leaves the calling thread to do all the work.
    worker.unref()
    const helper = { control, worker }
    worker.on('error', () => void 0)
    worker.on('exit', () => runner()?.dropHelper(helper))
    return helper
  } catch {
    return null
  }
}

/** The runner for this backend's heap, made on first use; null where the kernels cannot run (see above). */
export function simdRunner(backend: BackendWasm): SimdRunner | null {
  const memory = (backend.wasm as unknown as { wasmMemory?: unknown }).wasmMemory
  if (!(memory instanceof webAssembly.Memory) || !(memory.buffer instanceof SharedArrayBuffer)) return null
  let runner = runners.get(memory)
  if (runner === undefined) {
    try {
      binaries ??= modules.map((m) => new Uint8Array(Buffer.from(m.binary, 'base64')))
      const kernels = new Map<SimdKernel, KernelFunction>()
      for (const [i, m] of modules.entries()) {
        const exports = new webAssembly.Instance(new webAssembly.Module(binaries[i]!), { env: { memory } }).exports
        for (const name of m.exports) kernels.set(name, exports[name] as KernelFunction)
      }
      runner = new SimdRunner(memory, kernels, startHelper(memory, binaries, () => runners.get(memory)))
    } catch {
      // An engine without wasm SIMD or shared memory: the stock kernels serve.
      runner = null
    }
    runners.set(memory, runner)
  }
  return runner
}

/** The byte address of a tensor's values in the heap. */
export function heapAddress(backend: BackendWasm, dataId: object): number {
  return backend.dataIdMap.get(dataId)!.memoryOffset
}
