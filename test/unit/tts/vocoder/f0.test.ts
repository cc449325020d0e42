import { describe, expect, it } from 'vitest'
import { dio, estimateF0 } from '../../../../main/tts/vocoder/f0'
import { fs, whiteNoise } from './signals'

/** A glide from 100 to 200 Hz, exponential over 1 s, harmonics at 1/k up to 7 kHz; its true F0 at sample i. */
function glide(): { x: Float64Array; f0At: (i: number) => number } {
  const n = fs
  const f0At = (i: number) => 100 * 2 ** (i / n)
  const x = new Float64Array(n)
  let phase = 0
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * f0At(i)) / fs
    for (let k = 1; k * f0At(i) < 7000; k++) x[i]! += (0.1 * Math.sin(k * phase)) / k
  }
  return { x, f0At }
}

describe('F0 (DIO + StoneMask + LoveTrain)', () => {
  it('follows a 100 -> 200 Hz glide within 2 % on every voiced frame away from the edges', () => {
    const { x, f0At } = glide()
    const { times, f0 } = estimateF0(x, fs)
    expect(f0.length).toBe(201) // floor(16000 / 80) + 1 frames, 5 ms apart
    expect(times[200]).toBeCloseTo(1, 12)
    // The first and last 4 frames (20 ms) see the signal's ends through DIO's windows: left out.
    const inner = Array.from(f0.slice(4, 197))
    const voiced = inner.filter((f) => f > 0).length
    expect(voiced).toBeGreaterThanOrEqual(0.95 * inner.length)
    let worst = 0
    inner.forEach((f, j) => {
      if (f > 0) worst = Math.max(worst, Math.abs(f / f0At(Math.round(times[j + 4]! * fs)) - 1))
    })
    expect(worst).toBeLessThan(0.02)
  })

  it('calls silence and white noise unvoiced', () => {
    expect(estimateF0(new Float64Array(fs / 2), fs).f0.every((f) => f === 0)).toBe(true)
    const noise = whiteNoise(0.5, 0.1)
    expect(estimateF0(noise, fs).f0.every((f) => f === 0)).toBe(true)
  })

  it('DIO alone keeps F0 within its floor and ceiling, and rejects a range it cannot search', () => {
    const { x } = glide()
    const raw = dio(x, fs, { floor: 71, ceil: 800 })
    expect(raw.f0.every((f) => f === 0 || (f >= 71 && f <= 800))).toBe(true)
    expect(() => dio(x, fs, { floor: 300, ceil: 200 })).toThrow(/floor < ceiling/)
  })
})
