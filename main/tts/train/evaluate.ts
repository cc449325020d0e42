import { pause } from '../phones'
import { spectrumBins } from '../vocoder/defaults'
import { spectrumToMelCepstrum } from '../vocoder/mel-cepstrum'
import { f0Error, logSpectralDistance, melCepstralDistortion } from '../vocoder/measures'
import type { Voice } from '../model/voice-package'
import { acousticDims, mcDims, type VoiceSystem } from '../model/voice-config'
import type { UtteranceData } from './acoustic-data'

/*
 * Objective scores of a voice on held-out sentences, in the shape of the paper's comparison (systems as
 * rows: DNN and MDNNs2, each with and without its post-filter). Each sentence is generated with its natural
 * durations (the .lab phone timings), so generated and natural frames line up one to one, and compared with
 * the natural analysis: MCD over the 60 mel-cepstra (c0 excluded; the generated spectra's own mel-cepstra,
 * so the post-filters count) and the log-spectral distance, both over speech frames (those of non-pause
 * phones); F0 RMSE (cents and Hz) over frames voiced in both; V/UV error over all frames.
 */

export interface SystemScores {
  system: VoiceSystem
  postFilter: boolean
  mcd: number | null
  logSpectralDistance: number | null
  f0RmseCents: number | null
  f0RmseHz: number | null
  vuvError: number | null
}

export interface VoiceEvaluation {
  sentences: number
  frames: number
  speechFrames: number
  systems: SystemScores[]
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)

/** Speech frames of an utterance: those of its non-pause .lab phones. */
function speechFrames(u: UtteranceData): boolean[] {
  const out: boolean[] = []
  u.labPhones.forEach((phone, i) => {
    for (let k = 0; k < u.phoneFrames[i]!; k++) out.push(phone !== pause)
  })
  return out
}

export async function evaluateVoice(voice: Voice, data: readonly UtteranceData[], signal?: AbortSignal): Promise<VoiceEvaluation> {
  const variants = voice.systems.flatMap((system) => [true, false].map((postFilter) => ({ system, postFilter })))
  const sums = variants.map(() => ({ mcd: 0, lsd: 0, speech: 0, cents: 0, hz: 0, voiced: 0, differ: 0, frames: 0 }))
  let frames = 0
  let speech = 0
  for (const u of data) {
    signal?.throwIfAborted()
    const chosen = speechFrames(u)
    const naturalMc = Array.from({ length: u.frames }, (_, t) => u.acoustic.subarray(t * acousticDims, t * acousticDims + mcDims))
    const naturalPower = Array.from({ length: u.frames }, (_, t) => Float64Array.from(u.logSpectrum.subarray(t * spectrumBins, (t + 1) * spectrumBins), (v) => Math.exp(2 * v)))
    const count = chosen.filter(Boolean).length
    frames += u.frames
    speech += count
    for (const [i, variant] of variants.entries()) {
      const generated = await voice.features(u.frameInputs, u.frames, variant.system, variant.postFilter)
      const mc = generated.spectrum.map((p, t) => (chosen[t] ? spectrumToMelCepstrum(p) : naturalMc[t]!))
      const s = sums[i]!
      if (count) {
        s.mcd += melCepstralDistortion(naturalMc, mc, chosen) * count
        s.lsd += logSpectralDistance(naturalPower, generated.spectrum, chosen) * count
        s.speech += count
      }
      const f0 = f0Error(u.f0, generated.f0)
      if (f0.voicedFrames) (s.cents += f0.rmseCents ** 2 * f0.voicedFrames), (s.hz += f0.rmseHz ** 2 * f0.voicedFrames), (s.voiced += f0.voicedFrames)
      s.differ += f0.vuvError * u.frames
      s.frames += u.frames
    }
  }
  return {
    sentences: data.length,
    frames,
    speechFrames: speech,
    systems: variants.map((v, i) => {
      const s = sums[i]!
      return {
        ...v,
        mcd: finite(s.mcd / s.speech),
        logSpectralDistance: finite(s.lsd / s.speech),
        f0RmseCents: finite(Math.sqrt(s.cents / s.voiced)),
        f0RmseHz: finite(Math.sqrt(s.hz / s.voiced)),
        vuvError: finite(s.differ / s.frames),
      }
    }),
  }
}

/** The scores as a Markdown table (the card and the CLI's plain output). */
export function scoresTable(evaluation: VoiceEvaluation): string {
  const name = (s: SystemScores): string => `${s.system === 'dnn' ? 'DNN' : 'MDNNs2'}${s.postFilter ? '' : ' (no post-filter)'}`
  const f = (v: number | null, digits: number): string => (v === null ? 'n/a' : v.toFixed(digits))
  return [
    '| system | MCD (dB) | LSD (dB) | F0 RMSE (cents) | F0 RMSE (Hz) | V/UV error |',
    '|---|---|---|---|---|---|',
    ...evaluation.systems.map((s) => `| ${name(s)} | ${f(s.mcd, 2)} | ${f(s.logSpectralDistance, 2)} | ${f(s.f0RmseCents, 1)} | ${f(s.f0RmseHz, 1)} | ${s.vuvError === null ? 'n/a' : `${(100 * s.vuvError).toFixed(1)}%`} |`),
  ].join('\n')
}
