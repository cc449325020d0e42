import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchMachine, median, timeAsync, type BenchMachine } from '../../core/bench-timing'
import type { JobWorkerEntry } from '../../core/jobs/worker-entry'
import { logMelFeatures } from '../../dsp/audio-features'
import { describeAudio, readAudioFile, resample, writeWavFile } from '../../dsp/io'
import { decodeForEditor } from '../editor-decode'
import { PeakPyramid } from '../peak-pyramid'

export interface AudioBenchResult {
  date: string
  machine: BenchMachine
  /** Log-mel + delta (n_fft 1024, hop 512, 64 mels) of 60 s of 22.05 kHz mono: ms, and seconds of audio per second. */
  logmel_delta_60s_ms: number
  logmel_delta_realtime_x: number
  /** The peak pyramid of one hour of 44.1 kHz stereo, ms (null with --quick). */
  peaks_1h_stereo_ms: number | null
  /**
   * Opening a 1-hour 44.1 kHz stereo 16-bit WAV: as the editor does (decodeForEditor: read in pieces, each
   * measured as it decodes, in a second thread when `scanThread` is given; the median of three opens, and
   * each in order), and in stages over the whole
   * file as it did before (read + decode, describe: peak, RMS, LUFS, peaks), the same figures.
   */
  open_1h_wav_ms: { editor: number; editor_opens: number[]; whole_file: { read_decode: number; describe: number; peaks: number; total: number } } | null
  /** Band-limited resampling of 60 s mono 44.1 kHz -> 16 kHz: seconds of audio per second. */
  resample_realtime_x: number
  repetitions: { warmup: number; measured: number }
  total_s: number
}

export interface AudioBenchOptions {
  /** One repetition and no hour of audio: a smoke run, not figures. */
  quick?: boolean
  log?: (line: string) => void
  /** The audio worker, to measure a long WAV in a second thread as the app does (main/audio/scan-thread.ts). */
  scanThread?: JobWorkerEntry
}

/** A deterministic test signal: a slow chirp plus seeded noise, full scale ~0.5. */
function signal(frames: number, sampleRate: number, seed: number): Float32Array {
  const out = new Float32Array(frames)
  let state = seed
  for (let i = 0; i < frames; i++) {
    state = (state * 16807) % 2147483647
    const t = i / sampleRate
    out[i] = 0.4 * Math.sin(2 * Math.PI * (200 + 20 * t) * t) + 0.1 * ((state / 2147483647) * 2 - 1)
  }
  return out
}

export async function runAudioBench(options: AudioBenchOptions = {}): Promise<AudioBenchResult> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const reps = options.quick ? { warmup: 0, measured: 1 } : { warmup: 1, measured: 5 }

  log('log-mel + delta of 60 s at 22.05 kHz')
  const minute = { sampleRate: 22050, channels: [signal(22050 * 60, 22050, 7)] }
  const logmel = await timeAsync(reps.warmup, reps.measured, () =>
    logMelFeatures(minute, { sr: 22050, nFft: 1024, hopLength: 512, nMels: 64, delta: true }),
  )

  log('resampling 60 s 44.1 kHz -> 16 kHz')
  const minute44 = signal(44100 * 60, 44100, 11)
  const resampleMs = await timeAsync(reps.warmup, reps.measured, () => resample(minute44, 44100, 16000))

  let peaks: number | null = null
  let open: AudioBenchResult['open_1h_wav_ms'] = null
  if (!options.quick) {
    log('peaks of one hour of 44.1 kHz stereo')
    const hour = 44100 * 3600
    const stereo = [signal(hour, 44100, 3), signal(hour, 44100, 5)]
    peaks = await timeAsync(0, 3, () => new PeakPyramid(stereo))
    log('opening a 1-hour stereo 16-bit WAV')
    const dir = mkdtempSync(join(tmpdir(), 'percept-bench-'))
    try {
      const path = join(dir, 'hour.wav')
      await writeWavFile(path, { sampleRate: 44100, channels: stereo }, 'pcm16')
      stereo.length = 0 // let the source go before decoding the copy
      const round = (ms: number): number => Math.round(ms)
      // Three opens, each released before the next: the first pays for memory this process has not used
      // yet (on a VM that backs memory lazily, most of the time), the others reuse what the last one freed.
      const opens: number[] = []
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        await decodeForEditor(path, { scanThread: options.scanThread })
        opens.push(round(performance.now() - started))
      }
      const editor = median(opens)
      const t0 = performance.now()
      const decoded = await readAudioFile(path)
      const t1 = performance.now()
      describeAudio(decoded)
      const t2 = performance.now()
      new PeakPyramid(decoded.channels)
      const t3 = performance.now()
      open = { editor, editor_opens: opens, whole_file: { read_decode: round(t1 - t0), describe: round(t2 - t1), peaks: round(t3 - t2), total: round(t3 - t0) } }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  return {
    date: new Date().toISOString(),
    machine: benchMachine(),
    logmel_delta_60s_ms: logmel,
    logmel_delta_realtime_x: Math.round(60_000 / logmel),
    peaks_1h_stereo_ms: peaks,
    open_1h_wav_ms: open,
    resample_realtime_x: Math.round(60_000 / resampleMs),
    repetitions: reps,
    total_s: Math.round((performance.now() - started) / 100) / 10,
  }
}

export function formatAudioBench(r: AudioBenchResult): string {
  const rows: [string, string][] = [
    ['log-mel + delta, 60 s @ 22.05 kHz', `${r.logmel_delta_60s_ms} ms (${r.logmel_delta_realtime_x}x real time)`],
    ['resample 44.1 -> 16 kHz', `${r.resample_realtime_x}x real time`],
    ['peaks, 1 h stereo @ 44.1 kHz', r.peaks_1h_stereo_ms === null ? 'skipped (--quick)' : `${r.peaks_1h_stereo_ms} ms`],
    [
      'open 1 h stereo WAV',
      r.open_1h_wav_ms
        ? `${r.open_1h_wav_ms.editor} ms as the editor opens it (median; opens ${r.open_1h_wav_ms.editor_opens.join(', ')} ms); whole file in stages ${r.open_1h_wav_ms.whole_file.total} ms ` +
          `(decode ${r.open_1h_wav_ms.whole_file.read_decode}, describe ${r.open_1h_wav_ms.whole_file.describe}, peaks ${r.open_1h_wav_ms.whole_file.peaks})`
        : 'skipped (--quick)',
    ],
  ]
  return `Audio benchmark (${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node})\n` + rows.map(([k, v]) => `  ${k.padEnd(36)} ${v}`).join('\n') + '\n'
}
