import { mixdown, type AudioData } from '../../dsp/audio-data'
import { logMelWithDelta } from '../../dsp/features'
import { polyphaseResamplerVersion, resamplePolyphase } from '../../dsp/io/polyphase-resampler' // not the index: see feature-batch.ts

/**
 * The paper's input (Chen et al. 2019, after Piczak 2015): mono, 22050 Hz, log-mel with n_fft 1024,
 * hop 512 and 64 bands (librosa defaults otherwise), cut into segments of 41 frames with 50%
 * overlap, the delta (librosa default width 9) as a second channel: inputs of 64 x 41 x 2,
 * channels last.
 */
export interface SegmentConfig {
  sr: number
  nFft: number
  hopLength: number
  nMels: number
  /** Frames per segment. */
  frames: number
  /** Frames between segment starts: floor(frames / 2) for the paper's 50% overlap. */
  step: number
}

export const paperSegments: SegmentConfig = { sr: 22050, nFft: 1024, hopLength: 512, nMels: 64, frames: 41, step: 20 }

/** One clip's segments: count x (nMels x frames x 2), channels last ([band][frame][log-mel, delta]). */
export interface ClipSegments {
  count: number
  /** Seconds at which each segment starts in the clip. */
  starts: number[]
  data: Float32Array
}

/** Values per segment: nMels x frames x 2. */
export function segmentSize(config: SegmentConfig): number {
  return config.nMels * config.frames * 2
}

/**
 * Samples one segment spans (at config.sr). A clip shorter than that is padded with silence (zeros)
 * at its end to exactly that length before the log-mel is computed, so it yields one segment whose
 * tail is the quietest level power_to_db gives (top_db below the clip's loudest cell).
 */
export function segmentSamples(config: SegmentConfig): number {
  return (config.frames - 1) * config.hopLength
}

/**
 * The resampler behind every segment (its name and version): part of the feature cache's key, so
 * features computed with another (libsamplerate's, before) are never served as these.
 */
export const segmentResampler = polyphaseResamplerVersion

/**
 * Segments of a clip: the log-mel and delta of the whole (padded) clip's mono mixdown at config.sr
 * (resampled by resamplePolyphase), then every `step` frames a window of `frames` frames; a tail
 * shorter than a segment is dropped, as in the paper's code. A promise as before, though nothing in it
 * waits any more (libsamplerate's resampling did).
 */
export async function clipSegments(audio: AudioData, config: SegmentConfig = paperSegments): Promise<ClipSegments> {
  const mono = mixdown(padToSegment(audio, config))
  return cut(resamplePolyphase(mono, audio.sampleRate, config.sr), config)
}

/** The log-mel and delta of a mono signal at config.sr, cut into segments. */
function cut(mono: Float32Array, config: SegmentConfig): ClipSegments {
  const mel = logMelWithDelta(mono, config.sr, { nFft: config.nFft, hopLength: config.hopLength, nMels: config.nMels })
  const { nMels: bands, frames: total } = mel
  const count = total < config.frames ? 0 : 1 + Math.floor((total - config.frames) / config.step)
  const size = segmentSize(config)
  const data = new Float32Array(count * size)
  const { data: logMel, delta } = mel
  const frames = config.frames
  for (let s = 0, at = 0; s < count; s++) {
    for (let b = 0; b < bands; b++) {
      for (let f = 0, from = b * total + s * config.step; f < frames; f++, from++, at += 2) {
        data[at] = logMel[from]!
        data[at + 1] = delta[from]!
      }
    }
  }
  const starts = Array.from({ length: count }, (_, s) => (s * config.step * config.hopLength) / config.sr)
  return { count, starts, data }
}

/** The clip with zeros appended so that, at config.sr, it spans at least one segment. */
function padToSegment(audio: AudioData, config: SegmentConfig): AudioData {
  const needed = Math.ceil((segmentSamples(config) * audio.sampleRate) / config.sr)
  const length = audio.channels[0]?.length ?? 0
  if (length >= needed) return audio
  return {
    sampleRate: audio.sampleRate,
    channels: audio.channels.map((channel) => {
      const out = new Float32Array(needed)
      out.set(channel)
      return out
    }),
  }
}
