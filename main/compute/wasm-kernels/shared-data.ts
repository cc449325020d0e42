import { Cast, type CastAttrs, getKernel, Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels we fall back to
import { stockKernel } from './kernel-calls'

/*
 * Identity and a Cast to the tensor's own dtype as a new reference to the same data, the way the
 * cpu backend and the wasm backend's own Reshape do, where the stock wasm kernels copy it. The
 * engine clones (Identity) every tensor a gradient saves, so a training step of the ESC 'dilated'
 * preset copied 185 MB in 51 Identity calls; ReLU's gradient casts a float32 mask to float32. Tensors
 * are immutable and the backend counts references, so sharing is what the engine expects.
 */

function share(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

const stockIdentity = getKernel(Identity, 'wasm')
const stockCast = stockKernel(Cast)

const identity: KernelFunc = (args) => {
  const { x } = args.inputs as unknown as { x: TensorInfo }
  if (x.dtype !== 'string') return share(args.backend as BackendWasm, x)
  // Strings live outside the heap; the stock kernel handles them.
  if (!stockIdentity) throw new Error('The wasm backend has no Identity kernel to fall back to.')
  return stockIdentity.kernelFunc(args)
}

const cast: KernelFunc = (args) => {
  const { x } = args.inputs as unknown as { x: TensorInfo }
  const { dtype } = args.attrs as unknown as CastAttrs
  if (dtype === x.dtype && dtype !== 'string' && dtype !== 'complex64') return share(args.backend as BackendWasm, x)
  return stockCast.fallBack(args)
}

export const identityConfig: KernelConfig = { kernelName: Identity, backendName: 'wasm', kernelFunc: identity }
export const castConfig: KernelConfig = stockCast.replaceWith(cast)
