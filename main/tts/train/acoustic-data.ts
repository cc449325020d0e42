import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { mixdown } from '../../dsp/audio-data'
import { readAudioFile, resample } from '../../dsp/io'
import type { CorpusUtterance } from '../corpus/import-corpus'
import { frameFeatures, linguisticFeatures } from '../frontend/linguistic-features'
import { analyseSentence } from '../frontend/utterance'
import { phoneSet } from '../phones'
import { analyse } from '../vocoder/analysis'
import { codeAperiodicity } from '../vocoder/band-aperiodicity'
import { framePeriodMs, spectrumBins, vocoderSampleRate } from '../vocoder/defaults'
import { spectrumToMelCepstrum } from '../vocoder/mel-cepstrum'
import { appendDynamics } from '../model/delta-windows'
import { acousticDims, frameInputSize, phoneInputSize, staticDims, streams } from '../model/voice-config'
import { alignPhones } from './phone-alignment'

/*
 * The training data of one utterance, from its recording, its transcript and its .lab phone timings:
 *   - vocoder analysis at 5 ms (vocoder/analysis.ts): F0, the 1025-bin CheapTrick envelope, D4C aperiodicity;
 *   - outputs of the baseline DNN (voice-config.ts's layout): 60 mel-cepstra, log F0 linearly interpolated
 *     over unvoiced frames (held flat past the first and last voiced frame), the coded band aperiodicity in
 *     dB, each with delta and delta-delta (delta-windows.ts), then the voicing flag 0/1;
 *   - the spectrum for the auto-encoder as log amplitude, 0.5 ln P per bin (the min-max scaling to 0..1 is
 *     fitted on the training set: voice-stats.ts);
 *   - inputs: the front end's per-phone linguistic features aligned to the .lab phones (phone-alignment.ts;
 *     the centre phone's identity is the .lab phone, the rest the front end's), each frame taking the features
 *     of the phone its time t * 5 ms falls in, plus the frame-position features; and per .lab phone its
 *     features and its length in frames (the duration DNN's pairs).
 * Raw values throughout: normalisation belongs to the voice (voice-stats.ts). Cached per utterance under
 * cacheDir/tts-acoustic/, keyed by the recording, alignment and transcript and this file's DATA_VERSION.
 */

const DATA_VERSION = 1

export interface UtteranceData {
  id: string
  frames: number
  labPhones: string[]
  /** Frames of each .lab phone (sums to `frames`). */
  phoneFrames: Int32Array
  /** labPhones.length rows of phoneInputSize. */
  phoneInputs: Float32Array
  /** frames rows of frameInputSize. */
  frameInputs: Float32Array
  /** frames rows of acousticDims. */
  acoustic: Float32Array
  /** frames rows of spectrumBins: log amplitude 0.5 ln P. */
  logSpectrum: Float32Array
  /** Hz per frame, 0 where unvoiced. */
  f0: Float32Array
  /** How far the front end's phones were from the .lab's. */
  alignment: { labPhones: number; frontPhones: number; edits: number }
}

const phoneIndex = new Map(phoneSet.map((p, i) => [p, i]))

/** Log F0 with unvoiced frames filled by linear interpolation between voiced neighbours. */
export function interpolatedLogF0(f0: ArrayLike<number>): Float64Array {
  const out = new Float64Array(f0.length)
  const voiced: number[] = []
  for (let t = 0; t < f0.length; t++) if (f0[t]! > 0) voiced.push(t)
  if (voiced.length === 0) return out.fill(Math.log(100))
  let k = 0
  for (let t = 0; t < f0.length; t++) {
    while (k + 1 < voiced.length && voiced[k + 1]! <= t) k++
    const a = voiced[k]!
    const b = voiced[Math.min(k + 1, voiced.length - 1)]!
    if (t <= a || a === b) out[t] = Math.log(f0[t <= voiced[0]! ? voiced[0]! : a]!)
    else if (t >= b) out[t] = Math.log(f0[b]!)
    else out[t] = Math.log(f0[a]!) + ((t - a) / (b - a)) * (Math.log(f0[b]!) - Math.log(f0[a]!))
  }
  return out
}

/** Frames of each timed phone: frame t (at t * period) belongs to the phone whose span holds it; the last phone takes any beyond. */
export function framesPerPhone(ends: readonly number[], frames: number, periodSeconds = framePeriodMs / 1000): Int32Array {
  const counts = new Int32Array(ends.length)
  let p = 0
  for (let t = 0; t < frames; t++) {
    const time = t * periodSeconds
    while (p < ends.length - 1 && time >= ends[p]! - 1e-9) p++
    counts[p]!++
  }
  return counts
}

/** Per .lab phone, the aligned front-end feature vector with the .lab phone as the centre identity. */
export function alignedPhoneInputs(text: string, labPhones: readonly string[]): { rows: Float32Array; edits: number; frontPhones: number } {
  const { phones, vectors } = linguisticFeatures(analyseSentence(text).utterance)
  const alignment = alignPhones(labPhones, phones)
  const rows = new Float32Array(labPhones.length * phoneInputSize)
  const centre = 2 * phoneSet.length
  labPhones.forEach((phone, i) => {
    const row = rows.subarray(i * phoneInputSize, (i + 1) * phoneInputSize)
    row.set(vectors[alignment.frontIndex[i]!]!)
    row.fill(0, centre, centre + phoneSet.length)
    const id = phoneIndex.get(phone)
    if (id !== undefined) row[centre + id] = 1
  })
  return { rows, edits: alignment.substitutions + alignment.insertions + alignment.deletions, frontPhones: phones.length }
}

/** The baseline DNN's outputs for analysed frames (see the header): frames rows of acousticDims. */
export function acousticTargets(mc: readonly ArrayLike<number>[], f0: ArrayLike<number>, bap: readonly ArrayLike<number>[]): Float32Array {
  const frames = f0.length
  const lf0 = interpolatedLogF0(f0)
  const statics = new Float32Array(frames * staticDims)
  for (let t = 0; t < frames; t++) {
    statics.set(Array.from(mc[t]!), t * staticDims + streams.mc)
    statics[t * staticDims + streams.lf0] = lf0[t]!
    statics.set(Array.from(bap[t]!), t * staticDims + streams.bap)
  }
  const dynamic = appendDynamics(statics, frames, staticDims)
  const out = new Float32Array(frames * acousticDims)
  for (let t = 0; t < frames; t++) {
    out.set(dynamic.subarray(t * 3 * staticDims, (t + 1) * 3 * staticDims), t * acousticDims)
    out[t * acousticDims + acousticDims - 1] = f0[t]! > 0 ? 1 : 0
  }
  return out
}

async function computeUtterance(u: CorpusUtterance): Promise<UtteranceData> {
  const audio = await readAudioFile(u.wav)
  const mono = mixdown(audio)
  const signal = audio.sampleRate === vocoderSampleRate ? mono : await resample(mono, audio.sampleRate, vocoderSampleRate)
  const features = analyse(signal, vocoderSampleRate)
  const frames = features.f0.length
  const mc = features.spectrum.map((p) => spectrumToMelCepstrum(p))
  const bap = codeAperiodicity(features.aperiodicity, vocoderSampleRate)
  const labPhones = u.phones.map((p) => p.phone)
  const phoneFrames = framesPerPhone(u.phones.map((p) => p.end), frames)
  const { rows, edits, frontPhones } = alignedPhoneInputs(u.text, labPhones)
  const vectors = labPhones.map((_, i) => rows.subarray(i * phoneInputSize, (i + 1) * phoneInputSize))
  const frameRows = frameFeatures(vectors, Array.from(phoneFrames))
  const frameInputs = new Float32Array(frames * frameInputSize)
  frameRows.forEach((row, t) => frameInputs.set(row, t * frameInputSize))
  const logSpectrum = new Float32Array(frames * spectrumBins)
  features.spectrum.forEach((p, t) => {
    for (let k = 0; k < spectrumBins; k++) logSpectrum[t * spectrumBins + k] = 0.5 * Math.log(Math.max(p[k]!, 1e-30))
  })
  return {
    id: u.id,
    frames,
    labPhones,
    phoneFrames,
    phoneInputs: rows,
    frameInputs,
    acoustic: acousticTargets(mc, features.f0, bap),
    logSpectrum,
    f0: Float32Array.from(features.f0),
    alignment: { labPhones: labPhones.length, frontPhones, edits },
  }
}

const arrays = ['phoneFrames', 'phoneInputs', 'frameInputs', 'acoustic', 'logSpectrum', 'f0'] as const

function encode(data: UtteranceData): Uint8Array {
  const header = JSON.stringify({ id: data.id, frames: data.frames, labPhones: data.labPhones, alignment: data.alignment, lengths: arrays.map((k) => data[k].length) })
  const head = new TextEncoder().encode(header)
  const pad = (4 - ((4 + head.length) % 4)) % 4
  const total = 4 + head.length + pad + arrays.reduce((n, k) => n + data[k].length * 4, 0)
  const out = new Uint8Array(total)
  new DataView(out.buffer).setUint32(0, head.length + pad, true)
  out.set(head, 4)
  out.fill(32, 4 + head.length, 4 + head.length + pad)
  let offset = 4 + head.length + pad
  for (const k of arrays) {
    out.set(new Uint8Array(data[k].buffer, data[k].byteOffset, data[k].byteLength), offset)
    offset += data[k].byteLength
  }
  return out
}

function decode(bytes: Uint8Array): UtteranceData {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Pick<UtteranceData, 'id' | 'frames' | 'labPhones' | 'alignment'> & { lengths: number[] }
  let offset = 4 + length
  const copy = bytes.slice(offset)
  offset = 0
  const take = (n: number): ArrayBuffer => copy.buffer.slice(offset, (offset += n * 4))
  const [a, b, c, d, e, f] = header.lengths as [number, number, number, number, number, number]
  return {
    id: header.id,
    frames: header.frames,
    labPhones: header.labPhones,
    alignment: header.alignment,
    phoneFrames: new Int32Array(take(a)),
    phoneInputs: new Float32Array(take(b)),
    frameInputs: new Float32Array(take(c)),
    acoustic: new Float32Array(take(d)),
    logSpectrum: new Float32Array(take(e)),
    f0: new Float32Array(take(f)),
  }
}

async function cacheKey(u: CorpusUtterance): Promise<string> {
  const wav = await stat(u.wav)
  const lab = await readFile(u.lab, 'utf8')
  return createHash('sha256').update(JSON.stringify([DATA_VERSION, u.wav, wav.size, wav.mtimeMs, lab, u.text])).digest('hex').slice(0, 32)
}

export interface AcousticDataOptions {
  /** The workspace's cache folder; without it nothing is cached. */
  cacheDir?: string
  signal?: AbortSignal
  progress?: (done: number, total: number) => void
}

/** The training data of each utterance, from the cache where it is there. */
export async function loadAcousticData(utterances: readonly CorpusUtterance[], options: AcousticDataOptions = {}): Promise<UtteranceData[]> {
  const out: UtteranceData[] = []
  const dir = options.cacheDir ? join(options.cacheDir, 'tts-acoustic') : undefined
  for (const [i, u] of utterances.entries()) {
    options.signal?.throwIfAborted()
    const path = dir ? join(dir, `${await cacheKey(u)}.bin`) : undefined
    let data: UtteranceData | undefined
    if (path) {
      try {
        data = decode(new Uint8Array(await readFile(path)))
      } catch {
        data = undefined // absent or unreadable: recomputed below
      }
    }
    if (!data) {
      data = await computeUtterance(u)
      if (path) await writeFileAtomic(path, encode(data))
    }
    out.push(data)
    options.progress?.(i + 1, utterances.length)
  }
  return out
}
