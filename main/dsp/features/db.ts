import { invalid } from './params'

/** librosa.power_to_db's parameters and defaults. */
export interface DbOptions {
  /** The power that maps to 0 dB; 'max' is librosa's ref=np.max. Default 1. */
  ref?: number | 'max'
  /** Floor on power and ref before the log. Default 1e-10 (-100 dB). */
  amin?: number
  /** Clip below (max dB - topDb); null keeps everything. Default 80. */
  topDb?: number | null
}

/**
 * librosa.power_to_db, overwriting S: 10 log10(max(amin, S)) - 10 log10(max(amin, |ref|)), then
 * clipped below its maximum minus topDb.
 */
export function powerToDbInPlace(S: Float32Array, options: DbOptions = {}): Float32Array {
  const amin = options.amin ?? 1e-10
  const topDb = options.topDb === undefined ? 80 : options.topDb
  const ref = options.ref ?? 1
  if (!(amin > 0)) throw invalid(`amin must be strictly positive: got ${amin}`)
  if (topDb !== null && !(topDb >= 0)) throw invalid(`top_db must be non-negative (or null for no clipping): got ${topDb}`)
  let refValue = typeof ref === 'number' ? Math.abs(ref) : 0
  if (ref === 'max') for (let i = 0; i < S.length; i++) refValue = Math.max(refValue, S[i]!)
  const offset = 10 * Math.log10(Math.max(amin, refValue))
  let peak = -Infinity
  for (let i = 0; i < S.length; i++) {
    const db = 10 * Math.log10(Math.max(amin, S[i]!)) - offset
    S[i] = db
    if (db > peak) peak = db
  }
  if (topDb !== null) {
    const floor = Math.fround(Math.fround(peak) - topDb) // float32 arithmetic, as librosa on float32 input
    for (let i = 0; i < S.length; i++) if (S[i]! < floor) S[i] = floor
  }
  return S
}

/** librosa.power_to_db on a copy. */
export function powerToDb(S: Float32Array | Float64Array, options: DbOptions = {}): Float32Array {
  return powerToDbInPlace(Float32Array.from(S), options)
}
