import { PerceptError } from '../core/errors'
import type { Notice } from './frontend/normalise'
import { frameFeatures, linguisticFeatures } from './frontend/linguistic-features'
import { analyseText, type Utterance } from './frontend/utterance'
import type { Voice } from './model/voice-package'
import type { VoiceSystem } from './model/voice-config'
import { frameInputSize, phoneInputSize } from './model/voice-config'
import { lap, mark, type StageTimes } from './model/stage-times'
import { framePeriodMs, vocoderSampleRate } from './vocoder/defaults'
import { VocoderPipeline } from './vocoder/vocoder-pipeline'

/*
 * Text to speech with a trained voice: the front end splits the text into sentences (utterances) and gives
 * each phone its linguistic features; the duration DNN gives each phone its frames; the frame features go
 * through the acoustic network(s) (ONNX, model/voice-package.ts), parameter generation (MLPG and the cepstral
 * post-filter, or the decoder and the DNN post-filter) and the vocoder. Sentence by sentence, so a long text
 * never holds more than two sentences' frames, and `onSentence` can stream each as it is done.
 */

export interface TimedPhone {
  phone: string
  /** Seconds from the start of the whole text's audio. */
  start: number
  end: number
}

export interface SpokenSentence {
  text: string
  samples: Float32Array
  phones: TimedPhone[]
}

export interface SynthesisResult {
  sampleRate: number
  samples: Float32Array
  /** Seconds of audio. */
  duration: number
  phones: TimedPhone[]
  sentences: number
  notices: Notice[]
}

export interface SynthesizeOptions {
  system?: VoiceSystem
  /** The post-filter of the system (cepstral for dnn, the DNN for mdnn); by default as the voice says (Voice.postFilterByDefault). */
  postFilter?: boolean
  signal?: AbortSignal
  onSentence?: (sentence: SpokenSentence, index: number, total: number) => void
  /** Filled with each stage's wall and CPU milliseconds (stage-times.ts), summed over the sentences. */
  times?: StageTimes
}

const framesToSeconds = (frames: number): number => (frames * framePeriodMs) / 1000
const hop = (vocoderSampleRate * framePeriodMs) / 1000

export async function synthesizeText(text: string, voice: Voice, options: SynthesizeOptions = {}): Promise<SynthesisResult> {
  if (text.trim() === '') throw new PerceptError('VALIDATION', 'The text is empty: give the words to say, e.g. percept tts say "Hello there." --out hello.wav')
  const system = options.system ?? voice.source.preprocessing.system
  if (!voice.systems.includes(system)) {
    throw new PerceptError('VALIDATION', `The voice ${voice.id} speaks with ${voice.systems.join(' or ')}, not ${system}: train an ${system} voice (percept tts train --system ${system}) or leave --system out.`)
  }
  const times = options.times
  let clock = mark()
  const { utterances, notices } = analyseText(text)
  lap(times, 'frontEnd', clock)
  if (utterances.length === 0) {
    const why = notices.length ? notices.map((n) => `"${n.text}": ${n.reason}`).join('; ') : 'nothing in it can be spoken'
    throw new PerceptError('VALIDATION', `Nothing to say in the text (${why}). Give words in English.`)
  }
  const pieces: Float32Array[] = []
  const phones: TimedPhone[] = []
  let offsetFrames = 0
  // The vocoder of a sentence runs in the vocoder thread while this thread computes the next sentence's
  // networks (vocoder-pipeline.ts). The stage times overlap then: 'vocoder' is what this thread waits for it
  // and works on it, and the vocoder thread's CPU counts in the stage this thread was in.
  const pipeline = new VocoderPipeline()
  try {
    for (const [index, utterance] of utterances.entries()) {
      options.signal?.throwIfAborted()
      const { frameRows, frames, phoneNames, durations } = await sentenceFrames(utterance, voice, times)
      // Every frame of the sentence through each graph in one run (voice-package.ts), then the vocoder.
      const vocoder = await voice.features(frameRows, frames, system, options.postFilter ?? voice.postFilterByDefault(system), times, 'vocoder')
      const first = offsetFrames
      const sentencePhones = timedPhones(phoneNames, durations, (f) => framesToSeconds(first + f))
      offsetFrames += frames
      clock = mark()
      await pipeline.add(vocoder, frames * hop, index === utterances.length - 1, (samples) => {
        pieces.push(samples)
        phones.push(...sentencePhones)
        options.onSentence?.({ text: utterance.text, samples, phones: sentencePhones }, index, utterances.length)
      }, options.signal)
      lap(times, 'vocoder', clock)
    }
  } catch (error) {
    await pipeline.abandon()
    throw error
  }
  const samples = new Float32Array(pieces.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of pieces) samples.set(p, offset), (offset += p.length)
  return { sampleRate: vocoderSampleRate, samples, duration: samples.length / vocoderSampleRate, phones, sentences: utterances.length, notices }
}

/** A sentence through the front end and the duration network: its frame features and each phone's frames. */
export async function sentenceFrames(
  utterance: Utterance,
  voice: Voice,
  times?: StageTimes,
): Promise<{ frameRows: Float32Array; frames: number; phoneNames: string[]; durations: number[] }> {
  let clock = mark()
  const features = linguisticFeatures(utterance)
  const phoneRows = new Float32Array(features.vectors.length * phoneInputSize)
  features.vectors.forEach((v, i) => phoneRows.set(v, i * phoneInputSize))
  lap(times, 'frontEnd', clock)
  const durations = await voice.durations(phoneRows, features.vectors.length, times)
  clock = mark()
  const rows = frameFeatures(features.vectors, durations)
  const frameRows = new Float32Array(rows.length * frameInputSize)
  rows.forEach((row, t) => frameRows.set(row, t * frameInputSize))
  lap(times, 'frontEnd', clock)
  return { frameRows, frames: rows.length, phoneNames: features.phones, durations }
}

/** Each phone with its start and end; `secondsAt` turns a frame of the sentence into seconds of the whole audio. */
export function timedPhones(phoneNames: readonly string[], durations: readonly number[], secondsAt: (frame: number) => number): TimedPhone[] {
  const out: TimedPhone[] = []
  let at = 0
  phoneNames.forEach((phone, i) => {
    out.push({ phone, start: secondsAt(at), end: secondsAt(at + durations[i]!) })
    at += durations[i]!
  })
  return out
}
