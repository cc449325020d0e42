import { loadavg } from 'node:os'
import { initBackend } from '../../compute/backend'
import { benchMachine, median, type BenchMachine } from '../../core/bench-timing'
import { mark, synthesisStages, type StageTimes } from '../model/stage-times'
import { paperWidths, type VoiceSystem, type VoiceWidths } from '../model/voice-config'
import { Voice, voicePrecisions, type VoicePrecision } from '../model/voice-package'
import { synthesizeText } from '../synthesize'
import { analyse } from '../vocoder/analysis'
import { synthesise } from '../vocoder/synthesis'
import { untrainedVoice } from './paper-voice'
import { runTrainingSteps, type TrainingStepsResult } from './training-steps'

/*
 * `percept bench tts`: text-to-speech speed.
 *   - synthesis real-time factor (seconds of computing per second of speech) of each system at the paper's
 *     network sizes (an untrained voice of those sizes: the same work as a trained one, paper-voice.ts), the
 *     graphs in float32 and in int8, with the time of each stage; wall-clock and CPU (all threads), and the
 *     load average, because a shared machine's wall clock measures its neighbours too. The vocoder runs in
 *     its own thread beside the next sentence's networks (synthesize.ts), so the stages overlap: their CPU
 *     sums to the whole, and the vocoder's wall is what the networks' thread waited for it;
 *   - the vocoder: analysis (DIO + StoneMask, CheapTrick, D4C) and synthesis, x real time;
 *   - a training step of each network, TF.js beside PyTorch (training-steps.ts).
 * --quick: tiny networks, one repetition, a short text: a smoke run of every path, not figures.
 */

const paragraph =
  'The quick brown fox jumps over the lazy dog. On the 3rd of May, 1998, Dr. Smith paid $42.50 for twelve apples. ' +
  'Speech synthesis turns written text into audible speech, one sentence at a time, and a listener should never wait for it.'

const quickWidths: VoiceWidths = { duration: [8], acoustic: [16, 16], autoencoder: [32, 8], bottleneck: [16], postFilter: [32] }

export interface SystemSpeed {
  system: VoiceSystem
  precision: VoicePrecision
  /** Median over the runs: wall-clock seconds per second of speech. */
  real_time_factor: number
  /** The same run's CPU seconds (every thread of the process) per second of speech. */
  cpu_real_time_factor: number
  /** Per stage of the median run, wall / CPU milliseconds per second of speech. */
  stages_ms_per_s: Record<string, { wall: number; cpu: number }>
}

export interface TtsBenchResult {
  date: string
  machine: BenchMachine
  /** 1-minute load average at the start and end: above the core count, wall-clock figures are inflated. */
  load_average: [number, number]
  widths: VoiceWidths
  text_characters: number
  speech_seconds: number
  runs: number
  synthesis: SystemSpeed[]
  /** Where one was found, the same for a trained voice (the bundled one). */
  trained_voice: { id: string; widths: VoiceWidths; synthesis: SystemSpeed[] } | null
  vocoder: { signal_seconds: number; analysis_realtime_x: number; synthesis_realtime_x: number }
  training: TrainingStepsResult
  target_real_time_factor: number
}

export interface TtsBenchOptions {
  quick?: boolean
  log?: (line: string) => void
  /** Where untrained paper-size graphs are kept between runs (exporting 30 M weights takes minutes). */
  cacheDir?: string
  /** A trained voice package folder to time as well (the bundled voice). */
  trainedVoiceDir?: string
}

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits

async function systemSpeeds(voice: Voice, text: string, runs: number, warmup: number): Promise<{ speeds: SystemSpeed[]; seconds: number }> {
  const speeds: SystemSpeed[] = []
  let seconds = 0
  for (const system of voice.systems) {
    const results: { wall: number; cpu: number; times: StageTimes; duration: number }[] = []
    for (let i = 0; i < warmup + runs; i++) {
      const times: StageTimes = {}
      const started = mark()
      const result = await synthesizeText(text, voice, { system, times })
      const ended = mark()
      if (i >= warmup) results.push({ wall: (ended.wall - started.wall) / 1000, cpu: (ended.cpu - started.cpu) / 1000, times, duration: result.duration })
    }
    results.sort((a, b) => a.wall - b.wall)
    const chosen = results[results.length >> 1]!
    seconds = chosen.duration
    const stages: Record<string, { wall: number; cpu: number }> = {}
    for (const stage of synthesisStages) {
      const t = chosen.times[stage]
      if (t) stages[stage] = { wall: round(t.wallMs / chosen.duration, 1), cpu: round(t.cpuMs / chosen.duration, 1) }
    }
    speeds.push({ system, precision: voice.precision, real_time_factor: round(chosen.wall / chosen.duration), cpu_real_time_factor: round(chosen.cpu / chosen.duration), stages_ms_per_s: stages })
  }
  return { speeds, seconds }
}

/** Both precisions of one voice. */
async function voiceSpeeds(base: Voice, text: string, runs: number, warmup: number, log: (line: string) => void): Promise<{ speeds: SystemSpeed[]; seconds: number }> {
  const out: SystemSpeed[] = []
  let seconds = 0
  for (const precision of voicePrecisions) {
    log(`synthesis with ${base.id}, graphs in ${precision}`)
    const voice = precision === base.precision ? base : await Voice.open(base.source, { precision })
    try {
      const r = await systemSpeeds(voice, text, runs, warmup)
      out.push(...r.speeds)
      seconds = r.seconds
    } finally {
      if (voice !== base) await voice.release()
    }
  }
  return { speeds: out, seconds }
}

/** A voiced test signal: a pulse train gliding 110 -> 220 Hz through two resonances, with breath noise. */
function testSignal(seconds: number, sampleRate = 16000): Float64Array {
  const n = Math.round(seconds * sampleRate)
  const x = new Float64Array(n)
  let phase = 0
  let state = 7
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * (110 + (110 * i) / n)) / sampleRate
    if (phase >= 2 * Math.PI) (phase -= 2 * Math.PI), (x[i] = 1)
    state = (state * 16807) % 2147483647
    x[i]! += 0.01 * ((state / 2147483647) * 2 - 1)
  }
  const out = new Float64Array(n)
  for (const [f, r] of [[700, 0.97], [1800, 0.95]] as const) {
    const a1 = -2 * r * Math.cos((2 * Math.PI * f) / sampleRate)
    const a2 = r * r
    let y1 = 0
    let y2 = 0
    for (let i = 0; i < n; i++) {
      const y = x[i]! - a1 * y1 - a2 * y2
      out[i]! += 0.05 * y
      ;(y2 = y1), (y1 = y)
    }
  }
  return out
}

export async function runTtsBench(options: TtsBenchOptions = {}): Promise<TtsBenchResult> {
  const log = options.log ?? (() => {})
  const quick = options.quick ?? false
  const loadStart = loadavg()[0]!
  const backend = await initBackend()
  const widths = quick ? quickWidths : paperWidths
  const text = quick ? 'Hello there.' : paragraph
  const runs = quick ? 1 : 3
  const warmup = quick ? 0 : 1

  log(`an untrained voice of ${quick ? 'tiny' : "the paper's"} sizes${quick ? '' : ' (exported once, then read from the cache)'}`)
  const untrained = await untrainedVoice('mdnn', widths, { cacheDir: options.cacheDir })
  let synthesis: SystemSpeed[]
  let seconds: number
  try {
    ;({ speeds: synthesis, seconds } = await voiceSpeeds(untrained, text, runs, warmup, log))
  } finally {
    await untrained.release()
  }

  let trained: TtsBenchResult['trained_voice'] = null
  if (options.trainedVoiceDir) {
    const { readVoicePackage } = await import('../model/voice-package')
    const voice = await Voice.open(await readVoicePackage(options.trainedVoiceDir))
    try {
      trained = { id: voice.id, widths: voice.source.preprocessing.widths, synthesis: (await voiceSpeeds(voice, text, runs, warmup, log)).speeds }
    } finally {
      await voice.release()
    }
  }

  const signalSeconds = quick ? 0.5 : 4
  log(`vocoder analysis and synthesis of a ${signalSeconds} s signal`)
  const signal = testSignal(signalSeconds)
  let features = analyse(signal, 16000)
  const analysisTimes: number[] = []
  const synthesisTimes: number[] = []
  for (let i = 0; i < runs; i++) {
    let started = performance.now()
    features = analyse(signal, 16000)
    analysisTimes.push(performance.now() - started)
    started = performance.now()
    synthesise(features)
    synthesisTimes.push(performance.now() - started)
  }

  const training = await runTrainingSteps(widths, { batch: quick ? 16 : 256, warmup: quick ? 0 : 1, measured: quick ? 1 : 3, backend, log })
  return {
    date: new Date().toISOString(),
    machine: benchMachine(),
    load_average: [round(loadStart, 2), round(loadavg()[0]!, 2)],
    widths,
    text_characters: text.length,
    speech_seconds: round(seconds, 2),
    runs,
    synthesis,
    trained_voice: trained,
    vocoder: { signal_seconds: signalSeconds, analysis_realtime_x: round((1000 * signalSeconds) / median(analysisTimes), 1), synthesis_realtime_x: round((1000 * signalSeconds) / median(synthesisTimes), 1) },
    training,
    target_real_time_factor: 0.05,
  }
}

export function formatTtsBench(r: TtsBenchResult): string {
  const rows = (speeds: SystemSpeed[]): string =>
    speeds
      .map((s) => {
        const stages = Object.entries(s.stages_ms_per_s).map(([k, v]) => `${k} ${v.wall}/${v.cpu}`).join(', ')
        return `  ${s.system.padEnd(5)} ${s.precision.padEnd(8)} RTF ${s.real_time_factor.toFixed(3)} (CPU ${s.cpu_real_time_factor.toFixed(3)})   ms per s of speech, wall/CPU: ${stages}\n`
      })
      .join('')
  const t = r.training
  return (
    `Text-to-speech benchmark (${r.machine.cpu}, ${r.machine.cores} cores, load average ${r.load_average.join(' -> ')})\n` +
    `Synthesis of ${r.speech_seconds} s of speech (${r.text_characters} characters), networks ${JSON.stringify(r.widths)}; target RTF < ${r.target_real_time_factor}\n` +
    rows(r.synthesis) +
    (r.trained_voice ? `Trained voice ${r.trained_voice.id}:\n${rows(r.trained_voice.synthesis)}` : '') +
    `Vocoder on a ${r.vocoder.signal_seconds} s signal: analysis ${r.vocoder.analysis_realtime_x}x real time, synthesis ${r.vocoder.synthesis_realtime_x}x real time\n` +
    `Training step at batch ${t.batch} (TF.js ${t.backend}${t.torch ? ` vs PyTorch ${t.torch.version}, ${t.torch.threads} threads` : `; PyTorch skipped: ${t.torch_note}`})\n` +
    Object.entries(t.networks)
      .map(([name, n]) => `  ${name.padEnd(12)} ${n.sizes.join('-').padEnd(40)} TF.js ${n.tfjs_ms} ms${n.torch_ms !== null ? `   PyTorch ${n.torch_ms} ms   ratio ${n.ratio}` : ''}\n`)
      .join('')
  )
}
