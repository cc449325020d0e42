import type { AudioData } from '../audio-data'
import type { SampleData } from '../samples'

/** Container of a sound file, found from its content (never its extension). */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg'

/** How the samples were stored: the WAV sample format, or the codec of a compressed file. */
export type AudioEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'flac' | 'mp3' | 'vorbis'

/** Samples of a decoded file plus what it was, so a caller can describe it or write it back alike. */
export type DecodedAudio = AudioData & { format: AudioFormat; encoding: AudioEncoding }

/** The same with channels that may be int16 (samples.ts), as the editor keeps a sound. */
export type DecodedSamples = SampleData & { format: AudioFormat; encoding: AudioEncoding }
