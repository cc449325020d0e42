/** A WebAssembly module's instance, as far as our kernels use one (our tsconfig has no DOM lib, which declares the global). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

export interface KernelInstance {
  /** The module's own memory, as floats and doubles. */
  f32: Float32Array
  f64: Float64Array
  exports: Record<string, unknown>
}

/**
 * An instance of one of our kernels (base64, from scripts/build-wasm-kernels.mjs) with its exported
 * memory; null where this runtime lacks WebAssembly or its SIMD, so the caller takes its JavaScript route.
 */
export function kernelInstance(base64: string): KernelInstance | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
    const { exports } = new wasm.Instance(new wasm.Module(Buffer.from(base64, 'base64')), {})
    const heap = (exports.memory as { buffer: ArrayBuffer }).buffer
    return { f32: new Float32Array(heap), f64: new Float64Array(heap), exports }
  } catch {
    return null
  }
}
