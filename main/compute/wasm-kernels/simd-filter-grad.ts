import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { conv2dFilterGradBinary } from './simd/conv2d-filter-grad.wasm'

/*
 * The filter gradient of a stride-1 (dilated) 2-D convolution by our own wasm SIMD kernel
 * (simd/conv2d-filter-grad.wat), working in place on TF.js's wasm heap: its module imports the
 * backend's memory, so x and dy are read where they are and dW is written into a tensor the backend
 * allocated. XNNPACK's route (conv2d-backprop-filter.ts) transposes x and dy and packs dy as a new
 * filter at every step; this reads them as they are. It serves NHWC float32 with stride 1 and output
 * channels a multiple of 8, on the threaded backend (whose memory
 * is shared, as the module's import declares); anything else answers null and takes XNNPACK's route.
 *
 * Two threads where the machine has two cores: the calling thread and one helper share the input
 * channels. The helper is a worker thread with its own instance of the module on the same memory; it
 * waits on a shared control block (Atomics), so a call costs no message passing. While the kernel runs,
 * the backend's own threads are idle (the call is synchronous), so the two do not compete.
 */

type FilterGradKernel = (...args: number[]) => void

/** Output rows per pass over the taps: two keep what the taps read of x and dy in cache (measured best of 1-64). */
const rowsPerPass = 2
/** Arguments of the kernel (see the .wat). */
const argumentCount = 19
/** Control block: [0] state (0 idle, 1 work, 2 stop), [1] the helper's result (0 done, 1 failed), then the arguments. */
const stateIdle = 0
const stateWork = 1
const stateStop = 2
/** How long the calling thread waits for the helper before it gives up on it (a healthy call takes milliseconds). */
const helperTimeoutMs = 120_000

/** The WebAssembly global, typed for the calls made here (our tsconfig has no DOM lib). */
interface Memory {
  readonly buffer: ArrayBufferLike
}
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => Memory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

/** The helper thread's whole program (CommonJS, evaluated): instantiate, then serve calls until told to stop. */
const helperProgram = `
const { workerData } = require('node:worker_threads')
const { memory, binary, control } = workerData
const kernel = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports.conv2dFilterGrad
const c = new Int32Array(control)
for (;;) {
  Atomics.wait(c, 0, ${stateIdle})
  const state = Atomics.load(c, 0)
  if (state === ${stateStop}) break
  if (state !== ${stateWork}) continue
  try {
    kernel(...c.subarray(2, 2 + ${argumentCount}))
    c[1] = 0
  } catch {
    c[1] = 1
  }
  Atomics.store(c, 0, ${stateIdle})
  Atomics.notify(c, 0)
}
`

interface Runner {
  kernel: FilterGradKernel
  memory: Memory
  helper: { control: Int32Array; worker: Worker } | null
}

let binary: Uint8Array | undefined
const runners = new WeakMap<Memory, Runner | null>()

function startHelper(memory: Memory, bytes: Uint8Array): Runner['helper'] {
  if (availableParallelism() < 2) return null
  try {
    const control = new Int32Array(new SharedArrayBuffer(4 * (2 + argumentCount)))
    const worker = new Worker(helperProgram, { eval: true, workerData: { memory, binary: bytes, control: control.buffer } })
    // Never keeps the app alive; a helper that fails leaves the calling thread to do all the work.
    worker.unref()
    const helper = { control, worker }
    worker.on('error', () => void 0)
    worker.on('exit', () => {
      const runner = runners.get(memory)
      if (runner?.helper === helper) runner.helper = null
    })
    return helper
  } catch {
    return null
  }
}

function runnerFor(backend: BackendWasm): Runner | null {
  const memory = (backend.wasm as unknown as { wasmMemory?: unknown }).wasmMemory
  if (!(memory instanceof webAssembly.Memory) || !(memory.buffer instanceof SharedArrayBuffer)) return null
  let runner = runners.get(memory)
  if (runner === undefined) {
    try {
      binary ??= new Uint8Array(Buffer.from(conv2dFilterGradBinary, 'base64'))
      const kernel = new webAssembly.Instance(new webAssembly.Module(binary), { env: { memory } }).exports.conv2dFilterGrad as FilterGradKernel
      runner = { kernel, memory, helper: startHelper(memory, binary) }
    } catch {
      // An engine without wasm SIMD or shared memory: XNNPACK's route serves.
      runner = null
    }
    runners.set(memory, runner)
  }
  return runner
}

/** How many threads the kernel runs on for this backend: 2 with a helper, 1 without, 0 where it cannot run. */
export function simdFilterGradThreads(backend: BackendWasm): number {
  const runner = runnerFor(backend)
  return runner ? (runner.helper ? 2 : 1) : 0
}

/** Whether simdFilterGrad serves this geometry (see above). */
export function simdFilterGradServes(info: backend_util.Conv2DInfo, dtype: string): boolean {
  return (
    dtype === 'float32' &&
    info.dataFormat === 'channelsLast' &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.outChannels % 8 === 0
  )
}

/** Runs the kernel over input channels [0, ci): the helper takes the upper half (whole blocks of 4) where there is one. */
function run(runner: Runner, args: (ciFrom: number, ciTo: number) => number[], ci: number): void {
  const helper = runner.helper
  const split = helper && ci >= 8 ? 4 * Math.ceil(ci / 8) : ci
  if (helper && split < ci) {
    const c = helper.control
    c.set(args(split, ci), 2)
    Atomics.store(c, 0, stateWork)
    Atomics.notify(c, 0)
    try {
      runner.kernel(...args(0, split))
    } finally {
      // Wait for the helper even if this half failed: it is still writing into the heap.
      const deadline = Date.now() + helperTimeoutMs
      while (Atomics.load(c, 0) === stateWork && Date.now() < deadline) Atomics.wait(c, 0, stateWork, 1000)
    }
    if (Atomics.load(c, 0) === stateWork || c[1] !== 0) {
      // A helper that failed or hangs is dropped; this call's upper half is done here instead.
      Atomics.store(c, 0, stateStop)
      Atomics.notify(c, 0)
      void helper.worker.terminate()
      runner.helper = null
      runner.kernel(...args(split, ci))
    }
    return
  }
  runner.kernel(...args(0, ci))
}

/** dW [fh, fw, Ci, Co] of conv2d(x, W) for dy, or null where the kernel does not serve (see above). */
export function simdFilterGrad(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  if (!simdFilterGradServes(info, x.dtype) || dy.dtype !== 'float32') return null
  const runner = runnerFor(backend)
  if (!runner) return null
  const shape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]
  const out = backend.makeOutput(shape, 'float32')
  const offset = (t: TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset
  // The view after makeOutput, which may have grown the heap.
  new Float32Array(runner.memory.buffer, offset(out), shape[0]! * shape[1]! * shape[2]! * shape[3]!).fill(0)
  const [xAt, dyAt, outAt] = [offset(x), offset(dy), offset(out)]
  run(
    runner,
    (ciFrom, ciTo) => [
      xAt, dyAt, outAt,
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outChannels,
      info.filterHeight, info.filterWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
      ciFrom, ciTo, rowsPerPass,
    ],
    info.inChannels,
  )
  return out
}
