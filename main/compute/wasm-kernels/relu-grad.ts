import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapAddress, simdRunner } from './simd-runner'

/*
 * The gradient through a ReLU from its output, dy * step(y), in one pass (simd/relu-grad.wat on two
 * threads) instead of TF.js's step then multiply: every convolution with a ReLU pays it once a training
 * step (backend-gradients.ts, fusedConv2dGrad). The same bits as mul(dy, step(y)), NaN and -0 included.
 * Without our SIMD runner (the single-threaded wasm binary), a loop over the heap does the same.
 */

export const reluGradKernel = 'PerceptReluGrad'

export const reluGradConfig: KernelConfig = {
  kernelName: reluGradKernel,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, y } = inputs as unknown as { dy: TensorInfo; y: TensorInfo }
    const wasm = backend as BackendWasm
    const out = wasm.makeOutput(dy.shape, 'float32')
    const n = dy.shape.reduce((a, b) => a * b, 1)
    const runner = simdRunner(wasm)
    if (runner) {
      const [dyAt, yAt, outAt] = [heapAddress(wasm, dy.dataId), heapAddress(wasm, y.dataId), heapAddress(wasm, out.dataId)]
      runner.run('reluGrad', (from, to) => [dyAt, yAt, outAt, from, to], n, 4)
      return out
    }
    // Views after makeOutput: allocating can grow the heap, which detaches earlier views.
    const [g, v, dx] = [wasm.typedArrayFromHeap(dy), wasm.typedArrayFromHeap(y), wasm.typedArrayFromHeap(out)] as Float32Array[]
    for (let i = 0; i < n; i++) dx![i] = g![i]! * (v![i]! > 0 ? 1 : v![i] !== v![i] ? v![i]! : 0)
    return out
  },
}
