import { basename } from 'node:path'
import { mixdown } from '../dsp/audio-data'
import { readAudioFile, resample } from '../dsp/io'
import { ENHANCE_SAMPLE_RATE } from './frames'

/** A sound (speech or noise) as the enhancement methods take it: mono at 16 kHz, and what was done to get there. */
export interface Mono16kAudio {
  samples: Float32Array
  /** The file's own rate; the samples were resampled from it when it is not 16 kHz. */
  sourceRate: number
  resampled: boolean
  /** Channels mixed down to mono (1: none). */
  channels: number
}

/** Reads a sound file (WAV, FLAC, MP3, Ogg) as mono (the channels' mean) at 16 kHz, resampling when needed. */
export async function readMono16k(path: string): Promise<Mono16kAudio> {
  const audio = await readAudioFile(path)
  const mono = mixdown(audio)
  const resampled = audio.sampleRate !== ENHANCE_SAMPLE_RATE
  const samples = resampled ? await resample(mono, audio.sampleRate, ENHANCE_SAMPLE_RATE) : mono
  return { samples, sourceRate: audio.sampleRate, resampled, channels: audio.channels.length }
}

/** "x.wav was resampled from 44100 Hz to 16 kHz" when it was, else null. */
export function resampleNote(path: string, audio: Mono16kAudio): string | null {
  return audio.resampled ? `${basename(path)} was resampled from ${audio.sourceRate} Hz to 16 kHz.` : null
}
