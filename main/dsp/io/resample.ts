import { PerceptError } from '../../core/errors'
import type { AudioData } from '../audio-data'
import { converterBufferSamples, SincStream } from './sinc-converter'

/*
 * Band-limited resampling with libsamplerate's sinc converters (the package ships them compiled to
 * plain JavaScript). SRC_SINC_MEDIUM_QUALITY, measured 44.1 -> 16 kHz on a 2-core EPYC VM:
 *   passband flat (< 0.01 dB) to 6.4 kHz, -0.28 dB at 7 kHz (BEST: flat to 7.5 kHz; FASTEST: -0.5 dB at 6 kHz);
 *   a 8.5-20 kHz sweep comes out at -116 dB, tones from 8 to 20 kHz below -124 dB (any converter: < -100 dB);
 *   speed about 100 s of mono audio per second with the machine idle (48 -> 44.1 kHz: 87, 22.05 -> 48 kHz: 53),
 *   45-90 s/s while other work shared its two cores. BEST manages 18 s/s: over six minutes for an hour of stereo.
 * Its 2-, 4- and 6-channel loops compute each filter coefficient once for all channels: a 4 s signal at
 * 44.1 -> 22.05 kHz took 62 ms alone, 43 ms a signal two at a time, 28 in four, 21 in six (other counts
 * take a generic loop, slower than one at a time). The channels never mix and a stream's output does not
 * depend on how its input is cut into calls, so resampleTogether gives each signal bit for bit what
 * resample gives it alone.
 */

/** libsamplerate-js's rate limit. */
const maxRate = 192_000

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** The reduced rates to give the converter, after checking them. */
function converterRates(fromRate: number, toRate: number): { from: number; to: number } {
  if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate))) {
    throw new PerceptError('VALIDATION', `Sample rates must be whole positive numbers (got ${fromRate} and ${toRate} Hz).`)
  }
  const ratio = toRate / fromRate
  if (ratio > 256 || ratio < 1 / 256) {
    throw new PerceptError('VALIDATION', `Cannot resample from ${fromRate} to ${toRate} Hz: the ratio is beyond 1:256.`)
  }
  // Only the ratio matters to the converter; reducing it keeps rates like 384 kHz within its limit.
  const g = gcd(fromRate, toRate)
  if (Math.max(fromRate, toRate) / g > maxRate) {
    throw new PerceptError(
      'VALIDATION',
      `Cannot resample from ${fromRate} to ${toRate} Hz: rates above ${maxRate} Hz need a simpler ratio.`,
    )
  }
  return { from: fromRate / g, to: toRate / g }
}

/**
 * Resamples one channel; the output has round(n * toRate / fromRate) samples, aligned with the input
 * (no filter delay). Yields to the event loop between chunks so a long signal does not freeze it.
 */
export async function resample(signal: Float32Array, fromRate: number, toRate: number): Promise<Float32Array> {
  return (await resampleTogether([signal], fromRate, toRate))[0]!
}

/** Channel counts with a loop of their own in libsamplerate; others are padded up to the next. */
const fastChannels = [1, 2, 4, 4, 6, 6]

/**
 * Several signals of one rate, each resampled exactly as resample() does it alone, six or fewer at a
 * time through one multi-channel converter (signals of similar length together, as the shorter ones
 * are padded with silence to the longest). The outputs come back in the inputs' order; at the same
 * rate, the inputs themselves.
 */
export async function resampleTogether(signals: readonly Float32Array[], fromRate: number, toRate: number): Promise<Float32Array[]> {
  const rates = converterRates(fromRate, toRate)
  if (fromRate === toRate) return [...signals]
  const order = signals.map((_, i) => i).sort((a, b) => signals[a]!.length - signals[b]!.length)
  const out: Float32Array[] = new Array(signals.length)
  for (let at = 0; at < order.length; at += 6) {
    const group = order.slice(at, at + 6)
    const results = await convert(group.map((i) => signals[i]!), rates.from, rates.to)
    group.forEach((i, k) => (out[i] = results[k]!))
  }
  return out
}

/** Up to six signals through one stream: interleaved in, zeros after each signal's end until every output is complete. */
async function convert(signals: Float32Array[], fromRate: number, toRate: number): Promise<Float32Array[]> {
  const ratio = toRate / fromRate
  const channels = fastChannels[signals.length - 1]!
  const lengths = signals.map((s) => Math.round((s.length * toRate) / fromRate))
  const outputs = lengths.map((n) => new Float32Array(n))
  const inputFrames = Math.max(...signals.map((s) => s.length))
  const outputFrames = Math.max(...lengths)
  // 16 Ki frames a call ran fastest with six channels (64 Ki with one or two, within 10%); in and out must fit the buffer.
  const chunk = Math.max(1, Math.min(16384, Math.floor((0.9 * converterBufferSamples) / (channels * Math.max(1, ratio)))))
  const buffer = new Float32Array(chunk * channels)
  const stream = await SincStream.open(channels, fromRate, toRate)
  try {
    let written = 0
    const take = (interleaved: Float32Array): void => {
      const frames = Math.min(interleaved.length / channels, outputFrames - written)
      signals.forEach((_, c) => {
        const output = outputs[c]!
        const end = Math.min(frames, lengths[c]! - written)
        for (let f = 0, i = c; f < end; f++, i += channels) output[written + f] = interleaved[i]!
      })
      written += frames
    }
    for (let at = 0; at < inputFrames; at += chunk) {
      const frames = Math.min(chunk, inputFrames - at)
      buffer.fill(0)
      signals.forEach((signal, c) => {
        const end = Math.min(frames, signal.length - at)
        for (let f = 0, i = c; f < end; f++, i += channels) buffer[i] = signal[at + f]!
      })
      take(stream.process(buffer.subarray(0, frames * channels)))
      await new Promise((resolve) => setImmediate(resolve))
    }
    // The converter holds back about half its filter's length: as many zeros as outputs are missing push
    // them out (how the input is cut into calls does not change the output).
    buffer.fill(0)
    for (let i = 0; written < outputFrames; i++) {
      if (i > 1000) throw new PerceptError('INTERNAL', `The resampler stalled at ${written} of ${outputFrames} samples.`)
      const zeros = Math.min(chunk, Math.ceil((outputFrames - written) / ratio) + 16)
      take(stream.process(buffer.subarray(0, zeros * channels)))
    }
  } finally {
    stream.release()
  }
  return outputs
}

/** Resamples every channel (together, as resampleTogether); the same object back when the rate already matches. */
export async function resampleAudio(audio: AudioData, toRate: number): Promise<AudioData> {
  if (audio.sampleRate === toRate) return audio
  return { sampleRate: toRate, channels: await resampleTogether(audio.channels, audio.sampleRate, toRate) }
}
