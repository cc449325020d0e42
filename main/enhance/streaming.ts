import { CONTEXT_FRAMES, INPUT_BINS } from './audio-input'
import { frameInputFeatures, type FeatureMapping } from './context-features'
import { FrameRfft, RFFT_VALUES } from './frame-rfft'
import { ENHANCE_SAMPLE_RATE, FRAME_LENGTH, HOP_LENGTH, symmetricHamming } from './frames'
import { RFFT_BINS, SPECTRUM_BINS } from './spectra'

/*
 * Streaming enhancement: samples go in as they arrive, enhanced samples come out as soon as no later
 * frame can change them; the result equals the whole-clip enhancer's (enhancer.ts) sample for sample.
 *
 * Algorithmic latency: frame t covers samples [311 t, 311 t + 1244). It can be analysed once its last
 * sample has arrived, and after its overlap-add the samples before 311 (t + 1), where frame t + 1 begins,
 * are final. So output leaves in blocks of one hop (311 samples, 19.4 ms), and a block's first sample waits
 * for the 1243 samples after it: the latency is one frame, 1244 samples = 77.75 ms at 16 kHz (933 samples
 * for a block's last sample), plus the time to compute a frame. The 8 frames of context look back only
 * (frames t - 7..t, already analysed), so they add no latency; the first 7 frames of a stream, which
 * have no full context, pass unchanged, as in the whole-clip enhancer.
 */

export const STREAM_LATENCY_SAMPLES = FRAME_LENGTH
export const STREAM_LATENCY_SECONDS = FRAME_LENGTH / ENHANCE_SAMPLE_RATE

/** The mask (622 gains over spectrum bins 1..622) of frame t from its 8 x 500 audio input (row 0 frame t - 7). */
export type FrameMasker = (t: number, audioInput: Float32Array) => Promise<ArrayLike<number>>

const window = symmetricHamming(FRAME_LENGTH)

export class StreamingEnhancer {
  /** Input samples not yet consumed by every frame that needs them: absolute index `inputStart` onwards. */
  private input = new Float64Array(4 * FRAME_LENGTH)
  private inputStart = 0
  private inputEnd = 0
  /** Overlap-add accumulators from absolute sample `outputStart` (the first not yet released). */
  private sum = new Float64Array(2 * FRAME_LENGTH)
  private envelope = new Float64Array(2 * FRAME_LENGTH)
  private outputStart = 0
  /** The next frame to analyse, and the last 8 frames' features (a ring, row t mod 8). */
  private t = 0
  private readonly history = new Float32Array(CONTEXT_FRAMES * INPUT_BINS)
  private readonly context = new Float32Array(CONTEXT_FRAMES * INPUT_BINS)
  /** One frame at a time: the half-length real transform (frame-rfft.ts), half a 1244-point complex one. */
  private readonly fft = new FrameRfft()
  private readonly frame = new Float64Array(FRAME_LENGTH)
  private readonly spectrum = new Float64Array(RFFT_VALUES)
  private readonly resynthesised = new Float64Array(FRAME_LENGTH)
  /** Frames analysed, and the summed wall time of their masks (model calls). */
  framesDone = 0
  maskSeconds = 0

  /** `feature`: the model's input mapping (its package's; examples.ts' FEATURE by default). */
  constructor(
    private readonly masker: FrameMasker,
    private readonly feature?: FeatureMapping,
  ) {}

  /** Takes the next samples (16 kHz); returns the enhanced samples that became final. */
  async push(samples: ArrayLike<number>): Promise<Float32Array> {
    this.append(samples)
    const released: Float32Array[] = []
    while (this.inputEnd >= this.t * HOP_LENGTH + FRAME_LENGTH) released.push(await this.analyseFrame())
    return concat(released)
  }

  /** The end of the stream: releases the rest. Samples after the last whole frame are silence, as the whole-clip enhancer leaves them. */
  finish(): Float32Array {
    const length = this.inputEnd - this.outputStart
    return this.release(length)
  }

  private append(samples: ArrayLike<number>): void {
    const needed = this.inputEnd - this.inputStart + samples.length
    if (needed > this.input.length) {
      const grown = new Float64Array(Math.max(needed, 2 * this.input.length))
      grown.set(this.input.subarray(0, this.inputEnd - this.inputStart))
      this.input = grown
    }
    const at = this.inputEnd - this.inputStart
    for (let i = 0; i < samples.length; i++) this.input[at + i] = samples[i]!
    this.inputEnd += samples.length
  }

  private async analyseFrame(): Promise<Float32Array> {
    const t = this.t
    const start = t * HOP_LENGTH
    const offset = start - this.inputStart
    for (let n = 0; n < FRAME_LENGTH; n++) this.frame[n] = this.input[offset + n]! * window[n]!
    this.fft.forward(this.frame, this.spectrum)
    // The input bins' features (examples.ts' mapping), kept for the next 7 frames' context.
    frameInputFeatures(this.spectrum, this.history, (t % CONTEXT_FRAMES) * INPUT_BINS, this.feature)
    let mask: ArrayLike<number> | null = null
    if (t >= CONTEXT_FRAMES - 1) {
      for (let r = 0; r < CONTEXT_FRAMES; r++) {
        const from = ((t - (CONTEXT_FRAMES - 1) + r) % CONTEXT_FRAMES) * INPUT_BINS
        this.context.set(this.history.subarray(from, from + INPUT_BINS), r * INPUT_BINS)
      }
      const began = performance.now()
      mask = await this.masker(t, this.context)
      this.maskSeconds += (performance.now() - began) / 1000
      if (mask.length !== SPECTRUM_BINS) throw new Error(`Internal error: a frame mask of ${mask.length} gains, not ${SPECTRUM_BINS}.`)
    }
    if (mask) {
      for (let k = 0; k < RFFT_BINS; k++) {
        const gain = mask[Math.max(0, k - 1)]!
        this.spectrum[2 * k]! *= gain
        this.spectrum[2 * k + 1]! *= gain
      }
    }
    this.fft.inverse(this.spectrum, this.resynthesised)
    const at = start - this.outputStart
    this.ensureOutput(at + FRAME_LENGTH)
    for (let n = 0; n < FRAME_LENGTH; n++) {
      this.sum[at + n]! += window[n]! * this.resynthesised[n]!
      this.envelope[at + n]! += window[n]! * window[n]!
    }
    this.t++
    this.framesDone++
    // Input before the next frame's start is no longer needed.
    const keepFrom = this.t * HOP_LENGTH
    this.input.copyWithin(0, keepFrom - this.inputStart, this.inputEnd - this.inputStart)
    this.inputStart = keepFrom
    return this.release(this.t * HOP_LENGTH - this.outputStart)
  }

  private ensureOutput(length: number): void {
    if (length <= this.sum.length) return
    const size = Math.max(length, 2 * this.sum.length)
    for (const key of ['sum', 'envelope'] as const) {
      const grown = new Float64Array(size)
      grown.set(this[key])
      this[key] = grown
    }
  }

  /** The first `count` samples from outputStart, normalised by the window envelope (0 where no frame covers them). */
  private release(count: number): Float32Array {
    const out = new Float32Array(Math.max(0, count))
    this.ensureOutput(count)
    for (let i = 0; i < out.length; i++) out[i] = this.envelope[i]! > 0 ? this.sum[i]! / this.envelope[i]! : 0
    this.sum.copyWithin(0, out.length)
    this.envelope.copyWithin(0, out.length)
    this.sum.fill(0, this.sum.length - out.length)
    this.envelope.fill(0, this.envelope.length - out.length)
    this.outputStart += out.length
    return out
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
