import { createRequire } from 'node:module'

const requireModule = createRequire(import.meta.url)

/** The installed onnxruntime-node version, or null when its native binding cannot load on this machine. */
export async function onnxRuntimeVersion(): Promise<string | null> {
  try {
    await import('onnxruntime-node')
    return (requireModule('onnxruntime-node/package.json') as { version: string }).version
  } catch {
    return null
  }
}
