import type { AppInfo } from '../../../main/api'

/** Which compute backends this installation has, e.g. "TF.js: wasm (wasm, cpu) · ONNX Runtime 1.30.0". */
export function describeBackends(info: Pick<AppInfo, 'tfBackend' | 'tfBackends' | 'onnxruntime'>): string {
  const tf =
    info.tfBackend === null && info.tfBackends.length === 0
      ? 'TF.js: unavailable'
      : `TF.js: ${info.tfBackend ?? 'none'} (${info.tfBackends.join(', ') || 'none'})`
  const onnx = info.onnxruntime === null ? 'ONNX Runtime: unavailable' : `ONNX Runtime ${info.onnxruntime}`
  return `${tf} · ${onnx}`
}
