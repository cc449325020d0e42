import { backend_util, Conv3DBackpropFilterV2, type Conv3DBackpropFilterV2Attrs, type KernelConfig, type KernelFunc, Reshape, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { conv2dFilterGradWasm } from './conv2d-backprop-filter'
import { depthTap, padDepth, planePadding } from './conv3d'
import { heapView, Scratch } from './kernel-calls'

/*
 * Conv3DBackpropFilterV2, replacing the wasm backend's own, which in tfjs-backend-wasm 4.22 is
 * wrong whenever the stride is above 1 (checked against the cpu backend and a brute-force
 * reference in test/unit/compute/conv-kernels.test.ts), and slow. NDHWC only, like every 3-D kernel
 * of the wasm backend.
 * (Its sibling Conv3DBackpropInputV2 is in conv-backprop-input.ts.)
 */

type Five = [number, number, number, number, number]

/**
 * dW[kd] is the 2-D filter gradient of depth tap kd: the depth slices that tap read (see conv3d.ts)
 * against dy, both as batches of images, through the XNNPACK-backed 2-D filter gradient.
 */
const conv3dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm
  const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, filterShape } = attrs as unknown as Conv3DBackpropFilterV2Attrs
  const info = backend_util.computeConv3DInfo(x.shape as Five, filterShape, strides, 1, pad)
  const [fd, fh, fw, Ci, Co] = filterShape
  const s = new Scratch(wasm)
  try {
    const padded = padDepth(s, x, info)
    const dy4 = s.run(Reshape, { x: dy }, { shape: [info.batchSize * info.outDepth, info.outHeight, info.outWidth, Co] })
    const taps: TensorInfo[] = []
    for (let kd = 0; kd < fd; kd++) {
      const tap = conv2dFilterGradWasm(wasm, depthTap(s, padded, info, kd), dy4, {
        filterShape: [fh, fw, Ci, Co],
        strides: [info.strideHeight, info.strideWidth],
        dilations: [1, 1],
        pad: planePadding(info),
        dataFormat: 'NHWC',
      })
      s.adopt(tap)
      taps.push(tap)
    }
    const out = wasm.makeOutput(filterShape, 'float32')
    const view = heapView(wasm, out)
    const per = fh * fw * Ci * Co
    taps.forEach((tap, kd) => view.set(heapView(wasm, tap), kd * per))
    return out
  } finally {
    s.release()
  }
}

export const conv3dBackpropFilterConfig: KernelConfig = { kernelName: Conv3DBackpropFilterV2, backendName: 'wasm', kernelFunc: conv3dBackpropFilter }
