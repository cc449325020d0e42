/**
 * Deterministic test signals: the same samples on every machine and run (no Math.random). All
 * return float32 at full scale +-1 times `amplitude`, `round(seconds * sampleRate)` samples long.
 */

/** Amplitude of a sine whose peak sits at `db` dBFS: dbfs(-6) = 0.501. */
export function dbfs(db: number): number {
  return 10 ** (db / 20)
}

/**
 * Park-Miller "minimal standard" generator (x <- 16807 x mod 2^31 - 1), uniform in (0, 1). Any
 * integer seed works (it is folded into 1 .. 2^31 - 2); 16807 x stays below 2^53, so it is exact.
 */
export function parkMiller(seed: number): () => number {
  const m = 2147483647
  let x = Math.abs(Math.trunc(seed)) % m || 1
  return () => {
    x = (16807 * x) % m
    return x / m
  }
}

/** sin(2 pi f t) from phase 0. */
export function sine(frequency: number, seconds: number, sampleRate: number, amplitude = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate))
  const step = (2 * Math.PI * frequency) / sampleRate
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin(step * i)
  return out
}

/**
 * Exponential (log-frequency) sweep from `from` to `to` Hz, with 10 ms raised-cosine fades so its
 * ends add no clicks. Its frequency at time t is from * (to / from)^(t / seconds).
 */
export function sweep(from: number, to: number, seconds: number, sampleRate: number, amplitude = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate))
  const rate = Math.log(to / from) / seconds
  const fade = Math.round(0.01 * sampleRate)
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate
    const edge = Math.min(i, out.length - 1 - i)
    const gain = edge < fade ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / fade) : 1
    out[i] = amplitude * gain * Math.sin(((2 * Math.PI * from) / rate) * (Math.exp(rate * t) - 1))
  }
  return out
}

/** White noise, uniform in (-amplitude, amplitude), from a Park-Miller sequence. */
export function noise(seconds: number, sampleRate: number, seed: number, amplitude = 1): Float32Array {
  const random = parkMiller(seed)
  const out = new Float32Array(Math.round(seconds * sampleRate))
  for (let i = 0; i < out.length; i++) out[i] = amplitude * (2 * random() - 1)
  return out
}
