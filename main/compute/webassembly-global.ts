/** The WebAssembly global, typed for the calls the compute layer makes (our tsconfig has no DOM lib). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike
}

interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => WasmMemory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
