import { mixdown } from '../../dsp/audio-data'
import { readAudioFile, resample, writeWavFile } from '../../dsp/io'
import { PerceptError } from '../../core/errors'
import { analyse } from './analysis'
import { vocoderSampleRate, type VocoderFeatures } from './defaults'
import { spectrumToMelCepstrum } from './mel-cepstrum'
import { f0Error, logSpectralDistance, melCepstralDistortion } from './measures'
import { synthesise, type SynthesisOptions } from './synthesis'

/*
 * Analysis -> synthesis of one recording, and how close the result is: the output is analysed again and
 * compared frame by frame with the input's analysis (MCD of the 60 mel-cepstra and log-spectral distance
 * over the frames voiced in the input; F0 RMSE in cents over frames voiced in both; the V/UV error rate
 * over all frames). Real-time factors are wall time over the recording's duration.
 */

/** The shortest recording worth analysing: DIO's voicing needs a few frames either side of a voiced run. */
const shortestSeconds = 0.1

export interface VocodeReport {
  input: string
  output: string
  /** The input's rate; the vocoder works at 16 kHz, so other rates are resampled first. */
  inputSampleRate: number
  resampled: boolean
  sampleRate: number
  channels: number
  /** Wall time of the whole run (read, analysis, synthesis, measures, write). */
  seconds: number
  duration: number
  /** (analysisSeconds + synthesisSeconds) / duration. */
  realTimeFactor: number
  analysisSeconds: number
  synthesisSeconds: number
  analysisRealTimeFactor: number
  synthesisRealTimeFactor: number
  frames: number
  voicedFrames: number
  /** dB, over the frames voiced in the input; null when none is. */
  mcd: number | null
  logSpectralDistance: number | null
  f0RmseCents: number | null
  f0RmseHz: number | null
  vuvError: number | null
  peak: number
}

export interface Resynthesis {
  features: VocoderFeatures
  output: Float32Array
  analysisSeconds: number
  synthesisSeconds: number
  /** The output's own analysis. */
  again: VocoderFeatures
}

/** Analyses and resynthesises a 16 kHz signal, and analyses the result again. */
export function resynthesise(signal: Float32Array, options: SynthesisOptions = {}): Resynthesis {
  if (signal.length < shortestSeconds * vocoderSampleRate) {
    throw new PerceptError('VALIDATION', `The recording is ${(signal.length / vocoderSampleRate).toFixed(3)} s long; the vocoder needs at least ${shortestSeconds} s.`)
  }
  let started = performance.now()
  const features = analyse(signal, vocoderSampleRate)
  const analysisSeconds = (performance.now() - started) / 1000
  started = performance.now()
  const output = synthesise(features, { length: signal.length, ...options })
  const synthesisSeconds = (performance.now() - started) / 1000
  return { features, output, analysisSeconds, synthesisSeconds, again: analyse(output, vocoderSampleRate) }
}

/** The measures of a resynthesis (see the file's header). */
export function compareAnalyses(reference: VocoderFeatures, test: VocoderFeatures): Pick<VocodeReport, 'mcd' | 'logSpectralDistance' | 'f0RmseCents' | 'f0RmseHz' | 'vuvError' | 'voicedFrames' | 'frames'> {
  const voiced = Array.from(reference.f0, (f) => f > 0)
  const pick = (s: Float64Array[]) => s.map((frame, t) => (voiced[t] ? spectrumToMelCepstrum(frame) : new Float64Array(0)))
  const a = pick(reference.spectrum)
  const b = pick(test.spectrum)
  const f0 = f0Error(reference.f0, test.f0)
  const finite = (v: number) => (Number.isFinite(v) ? v : null)
  return {
    frames: reference.f0.length,
    voicedFrames: voiced.filter(Boolean).length,
    mcd: finite(melCepstralDistortion(a, b, voiced)),
    logSpectralDistance: finite(logSpectralDistance(reference.spectrum, test.spectrum, voiced)),
    f0RmseCents: finite(f0.rmseCents),
    f0RmseHz: finite(f0.rmseHz),
    vuvError: finite(f0.vuvError),
  }
}

/** `percept tts vocode`: reads `input`, resynthesises it at 16 kHz, writes `output` (16-bit WAV) and reports. */
export async function vocodeFile(input: string, output: string, options: SynthesisOptions = {}): Promise<VocodeReport> {
  const started = performance.now()
  const audio = await readAudioFile(input)
  const mono = mixdown(audio)
  const signal = audio.sampleRate === vocoderSampleRate ? mono : await resample(mono, audio.sampleRate, vocoderSampleRate)
  const run = resynthesise(signal, options)
  const measures = compareAnalyses(run.features, run.again)
  let peak = 0
  for (const v of run.output) peak = Math.max(peak, Math.abs(v))
  await writeWavFile(output, { sampleRate: vocoderSampleRate, channels: [run.output] }, 'pcm16')
  const duration = signal.length / vocoderSampleRate
  return {
    input,
    output,
    inputSampleRate: audio.sampleRate,
    resampled: audio.sampleRate !== vocoderSampleRate,
    sampleRate: vocoderSampleRate,
    channels: audio.channels.length,
    seconds: (performance.now() - started) / 1000,
    duration,
    realTimeFactor: (run.analysisSeconds + run.synthesisSeconds) / duration,
    analysisSeconds: run.analysisSeconds,
    synthesisSeconds: run.synthesisSeconds,
    analysisRealTimeFactor: run.analysisSeconds / duration,
    synthesisRealTimeFactor: run.synthesisSeconds / duration,
    ...measures,
    peak,
  }
}
