/** A WebAssembly module's instance, as far as our kernels use one (our tsconfig has no DOM lib, which declares the global). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

/** One exported kernel function and its module's own memory, as floats and doubles (addresses are in bytes). */
export interface WasmKernel<F> {
  f32: Float32Array
  f64: Float64Array
  run: F
}

/** Per module text, per export. */
const kernels = new Map<string, Map<string, WasmKernel<unknown> | null>>()

/**
 * The export `name` of one of our kernels (base64, from scripts/build-wasm-kernels.mjs), instantiated once
 * per thread; null where this runtime lacks WebAssembly or its SIMD, so the caller takes its JavaScript route.
 */
export function wasmKernel<F>(base64: string, name: string): WasmKernel<F> | null {
  let byName = kernels.get(base64)
  if (!byName) kernels.set(base64, (byName = new Map()))
  if (!byName.has(name)) byName.set(name, instantiate(base64, name))
  return byName.get(name) as WasmKernel<F> | null
}

function instantiate(base64: string, name: string): WasmKernel<unknown> | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
    const { exports } = new wasm.Instance(new wasm.Module(Buffer.from(base64, 'base64')), {})
    const heap = (exports.memory as { buffer: ArrayBuffer }).buffer
    return { f32: new Float32Array(heap), f64: new Float64Array(heap), run: exports[name] }
  } catch {
    return null
  }
}
