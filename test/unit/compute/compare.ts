import * as tf from '@tensorflow/tfjs-core'
import { useBackend } from '../../../main/compute/backend'

/** ||a - b|| / max(||a||, ||b||, 1e-8): relative error that stays meaningful when one side is ~0. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let diff = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2
    na += a[i]! ** 2
    nb += b[i]! ** 2
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-8)
}

/** Deterministic values in [-1, 1) (Park-Miller), so tests need no random seed plumbing. */
export function seededValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let state = seed % 2147483647 || 1
  for (let i = 0; i < n; i++) {
    state = (state * 16807) % 2147483647
    out[i] = (state / 2147483647) * 2 - 1
  }
  return out
}

/** The values of what `f` returns, computed on `backend` (which stays selected). */
export async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend)
  const out = tf.tidy(f)
  const list = Array.isArray(out) ? out : [out]
  const values = list.map((t) => t.dataSync() as Float32Array)
  tf.dispose(list)
  return values
}
