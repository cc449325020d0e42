import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { logMelSpectrogram } from '../../../../main/dsp/features'
import { resample } from '../../../../main/dsp/io'
import { polyphaseKernel, resamplePolyphase, useJsKernelForTesting } from '../../../../main/dsp/io/polyphase-resampler'
import { parkMiller, sine, sweep } from '../../../helpers/audio-signals'

/** The rate pairs the feature pipeline meets most: 2:1, 320:147 and upsampling 320:441. */
const pairs = [
  [44100, 22050],
  [48000, 22050],
  [16000, 22050],
] as const

/** The lower Nyquist frequency of a pair, Hz: the filter's band edge. */
const nyquist = (from: number, to: number): number => Math.min(from, to) / 2

/** The sine at `frequency` in y, as [sine, cosine] weights (least squares over y without its `skip` first and last samples). */
function fitTone(y: Float32Array, frequency: number, rate: number, skip: number): [number, number] {
  let ss = 0
  let cc = 0
  let sc = 0
  let ys = 0
  let yc = 0
  for (let i = skip; i < y.length - skip; i++) {
    const w = (2 * Math.PI * frequency * i) / rate
    const [s, c] = [Math.sin(w), Math.cos(w)]
    ;[ss, cc, sc, ys, yc] = [ss + s * s, cc + c * c, sc + s * c, ys + y[i]! * s, yc + y[i]! * c]
  }
  const det = ss * cc - sc * sc
  return [(ys * cc - yc * sc) / det, (yc * ss - ys * sc) / det]
}

const toneAmplitude = (y: Float32Array, frequency: number, rate: number, skip: number): number => Math.hypot(...fitTone(y, frequency, rate, skip))

function rms(y: Float32Array, skip = 0): number {
  let sum = 0
  for (let i = skip; i < y.length - skip; i++) sum += y[i]! * y[i]!
  return Math.sqrt(sum / (y.length - 2 * skip))
}

const db = (ratio: number): number => 20 * Math.log10(ratio)

/** Voiced speech, roughly: a gliding 120 +- 50 Hz pulse train through four formants, and first-difference hiss between syllables. */
function speechLike(seconds: number, rate: number, seed: number, options: { hiss: boolean; highest: number }): Float32Array {
  const random = parkMiller(seed)
  const x = new Float32Array(Math.round(seconds * rate))
  const formants = [[700, 130], [1220, 70], [2600, 160], [3500, 250]] as const
  let phase = 0
  let previous = 0
  for (let i = 0; i < x.length; i++) {
    const t = i / rate
    const f0 = 120 + 50 * Math.sin(2 * Math.PI * 0.7 * t)
    phase += (2 * Math.PI * f0) / rate
    let voice = 0
    for (let k = 1; k * f0 < options.highest; k++) {
      let envelope = 0.02
      for (const [centre, width] of formants) envelope += 1 / (1 + ((k * f0 - centre) / width) ** 2)
      voice += (envelope / Math.sqrt(k)) * Math.sin(k * phase)
    }
    const r = 2 * random() - 1
    const hiss = r - previous
    previous = r
    const syllable = (t * 2.5) % 1
    x[i] = 0.08 * Math.sin(Math.PI * syllable) ** 2 * voice + (options.hiss && (syllable + 0.5) % 1 < 0.25 ? 0.1 * hiss : 0)
  }
  return x
}

describe('resamplePolyphase', () => {
  it('gives what scipy.signal.resample_poly gives with the same filter', () => {
    // scipy 1.17.1: resample_poly(x, up, down, window=h) with h[n] = h(n / up) / up, |n / up| < R, the
    // Kaiser-windowed sinc of polyphase-resampler.ts (fc 0.945 nu, beta 10.75, R = 64 / (2 nu)), x as here
    // in float32; outputs at these indices (scipy's output runs one longer for 48 kHz: ceil, not round).
    const x = new Float32Array(1500)
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(0.3 * i) + 0.3 * Math.sin(0.0021 * i * i) + 0.2 * (((i * 7919) % 1000) / 500 - 1)
    const scipy: Record<string, [number[], number[]]> = {
      '44100/22050': [
        [0, 1, 2, 3, 10, 100, 375, 747, 748, 749],
        [-0.01350227, 0.410429766, 0.563994622, 0.49119395, 0.066007201, 0.230124779, -0.570967904, 0.514748236, 0.397403661, -0.051185634],
      ],
      '48000/22050': [
        [0, 1, 2, 3, 10, 100, 344, 686, 687, 688],
        [-0.009141867, 0.440125501, 0.554655694, 0.473571546, 0.227915482, 0.018220081, -0.54666632, 0.464445736, 0.475842939, 0.006706657],
      ],
      '16000/22050': [
        [0, 1, 2, 3, 10, 100, 1033, 2064, 2065, 2066],
        [-0.17952763, 0.147228582, 0.439480007, 0.428470945, 0.393184606, -0.318425691, -0.566610526, 0.052628209, -0.110914426, -0.154402053],
      ],
    }
    for (const [from, to] of pairs) {
      const y = resamplePolyphase(x, from, to)
      const [at, values] = scipy[`${from}/${to}`]!
      expect(y).toHaveLength(Math.round((x.length * to) / from))
      at.forEach((k, i) => expect(Math.abs(y[k]! - values[i]!), `${from} -> ${to} at ${k}`).toBeLessThan(1e-6))
    }
  })

  it('keeps tones up to 0.9 of the lower Nyquist within 0.01 dB', () => {
    for (const [from, to] of pairs) {
      for (const fraction of [0.05, 0.3, 0.6, 0.8, 0.85, 0.9]) {
        const frequency = fraction * nyquist(from, to)
        const y = resamplePolyphase(sine(frequency, 1, from, 0.5), from, to)
        expect(Math.abs(db(toneAmplitude(y, frequency, to, 400) / 0.5)), `${from} -> ${to} at ${frequency} Hz`).toBeLessThan(0.01)
      }
    }
  })

  it('leaves less than -100 dB of anything from the lower Nyquist up (aliases when downsampling, images when upsampling)', () => {
    for (const [from, to] of pairs.filter(([from, to]) => from > to)) {
      for (const fraction of [1.002, 1.01, 1.05, 1.2, 1.5, 1.9]) {
        const frequency = fraction * nyquist(from, to)
        const x = sine(frequency, 1, from, 0.5)
        expect(db(rms(resamplePolyphase(x, from, to), 400) / rms(x)), `${from} -> ${to} at ${frequency} Hz`).toBeLessThan(-100)
      }
      const above = sweep(11200, 21000, 2, from, 0.5)
      expect(db(rms(resamplePolyphase(above, from, to), 400) / rms(above))).toBeLessThan(-100)
    }
    // 16 -> 22.05 kHz: a tone at f leaves images at 16 kHz - f and beyond, all above 8 kHz
    for (const frequency of [5000, 7200, 7900]) {
      const y = resamplePolyphase(sine(frequency, 1, 16000, 0.5), 16000, 22050)
      const [a, b] = fitTone(y, frequency, 22050, 400)
      const images = y.map((v, i) => v - a * Math.sin((2 * Math.PI * frequency * i) / 22050) - b * Math.cos((2 * Math.PI * frequency * i) / 22050))
      expect(db(rms(images, 400) / (0.5 / Math.SQRT2)), `images of ${frequency} Hz`).toBeLessThan(-100)
    }
  })

  it('outputs round(n * to / from) samples, a click at sample k landing at k * to / from', () => {
    for (const [from, to] of [...pairs, [22050, 44100], [44100, 16000], [8000, 22050]] as const) {
      for (const n of [0, 1, 2, 1001, 12345, 777]) expect(resamplePolyphase(new Float32Array(n), from, to)).toHaveLength(Math.round((n * to) / from))
    }
    for (const [from, to, k] of [[44100, 22050, 10000], [48000, 22050, 6400], [16000, 22050, 3200]] as const) {
      const click = new Float32Array(from)
      click[k] = 1
      const y = resamplePolyphase(click, from, to)
      const centre = (k * to) / from
      expect(y.indexOf(Math.max(...y))).toBe(centre)
      // a linear-phase filter: symmetric about the click
      for (let d = 1; d < 40; d++) expect(Math.abs(y[centre - d]! - y[centre + d]!)).toBeLessThan(1e-7)
    }
    // half way between two outputs: both equal
    const click = new Float32Array(44100)
    click[10001] = 1
    const y = resamplePolyphase(click, 44100, 22050)
    expect(y[5000]).toBeCloseTo(y[5001]!, 7)
    expect(y[5000]).toBe(Math.max(...y))
  })

  it('takes the signal as silence beyond its ends, as resample() does: a constant rings alike at both edges', async () => {
    for (const [from, to] of pairs) {
      const x = new Float32Array(from).fill(1)
      const [ours, theirs] = [resamplePolyphase(x, from, to), await resample(x, from, to)]
      for (const k of [0, 1, 2, 5, ours.length - 3, ours.length - 2, ours.length - 1]) {
        expect(Math.abs(ours[k]! - theirs[k]!), `${from} -> ${to} at ${k}`).toBeLessThan(0.02)
      }
      expect(ours[0]).toBeGreaterThan(0.7) // the band-limited step: about 0.73 at the edge
      expect(ours[0]).toBeLessThan(0.98)
    }
  })

  it('agrees with resample() on speech-like sound: -85 dB apart, log-mels within 0.05 dB below 0.85 of Nyquist', async () => {
    // Below 0.85 nu libsamplerate's SRC_SINC_MEDIUM_QUALITY is flat too; above it rolls off early (-2 dB
    // at 0.9 nu, -20 dB at 0.95 nu, where this filter is still at -0.01 and -8 dB), so the top three of
    // 64 mel bands (9.4 - 11 kHz) carry more of what is there: up to 8 dB more of hiss.
    const voiced = speechLike(3, 44100, 7, { hiss: false, highest: 9000 })
    const [ours, theirs] = [resamplePolyphase(voiced, 44100, 22050), await resample(voiced, 44100, 22050)]
    expect(db(rms(ours.map((v, i) => v - theirs[i]!)) / rms(theirs))).toBeLessThan(-80)

    const speech = speechLike(3, 44100, 7, { hiss: true, highest: 10000 })
    const options = { nFft: 1024, hopLength: 512, nMels: 64 }
    const a = logMelSpectrogram(resamplePolyphase(speech, 44100, 22050), 22050, options)
    const b = logMelSpectrogram(await resample(speech, 44100, 22050), 22050, options)
    let worst = 0
    for (let i = 0; i < 61 * a.frames; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!))
    expect(worst).toBeLessThan(0.05)
  })

  it('runs its dot products in WebAssembly SIMD here, and the JavaScript fallback gives the same bits', () => {
    expect(polyphaseKernel()).toBe('wasm-simd')
    const x = speechLike(0.5, 48000, 3, { hiss: true, highest: 12000 })
    const wasm = pairs.map(([from, to]) => resamplePolyphase(x, from, to))
    const restore = useJsKernelForTesting()
    try {
      pairs.forEach(([from, to], i) => {
        const js = resamplePolyphase(x, from, to)
        expect(js.every((v, k) => Object.is(v, wasm[i]![k]))).toBe(true)
      })
    } finally {
      restore()
    }
  })

  it('stays continuous across its blocks, also for ratios of too many phases to tabulate', () => {
    const worstError = (y: Float32Array, frequency: number, rate: number): number => {
      let worst = 0
      for (let i = 200; i < y.length - 200; i++) worst = Math.max(worst, Math.abs(y[i]! - 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate)))
      return worst
    }
    const long = resamplePolyphase(sine(440, 25, 48000, 0.5), 48000, 22050)
    expect(long).toHaveLength(25 * 22050)
    expect(worstError(long, 440, 22050)).toBeLessThan(1e-5)
    // 44101 -> 22050: 22050 phases of 264 taps, computed per output instead
    const odd = resamplePolyphase(sine(1000, 1, 44101, 0.5), 44101, 22050)
    expect(odd).toHaveLength(22050)
    expect(worstError(odd, 1000, 22050)).toBeLessThan(1e-5)
  })

  it('returns the input at the same rate and refuses rates that are not whole positive numbers or a ratio beyond 256', () => {
    const x = new Float32Array(10)
    expect(resamplePolyphase(x, 22050, 22050)).toBe(x)
    for (const [from, to] of [[0, 16000], [44100.5, 16000], [1000, 300000], [16000, -1]]) {
      expect(() => resamplePolyphase(x, from!, to!)).toThrow(PerceptError)
    }
  })
})
