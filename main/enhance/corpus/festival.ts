import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerceptError } from '../../core/errors'
import { readMono16k } from '../audio-source'
import type { AlignInterval } from './grid-align'

/*
 * Speech from Debian's festival, driven by one Scheme script per batch (`festival -b script.scm`):
 * starting festival and loading a voice cost more than synthesising a short sentence, so a batch runs in
 * one process. For each sentence the script saves the wave and, from the utterance's relations, the
 * Segment items' names and end times (the phones, "pau" for pauses) and the Word items' start and end.
 * The HTS voice (cmu_us_slt_arctic_hts) writes 32 kHz and kal_diphone 16 kHz; both are read back as 16 kHz
 * mono through readMono16k. Speaking rate and pitch vary per speaker:
 *  - HTS: the engine's "-r" (speed: durations divide by it) and "-fm" (F0 shift in semitones); festival
 *    writes the engine's durations back into the Segment relation, so the timings follow the rate;
 *  - kal_diphone: Duration_Stretch (its own default 1.1, scaled) and int_lr_params' target F0 mean
 *    (its own 105 Hz, shifted).
 */

export const FESTIVAL_PACKAGES = 'festival festvox-us-slt-hts festvox-kallpc16k'
export const FESTIVAL_VOICES = ['cmu_us_slt_arctic_hts', 'kal_diphone'] as const
export type FestivalVoiceName = (typeof FESTIVAL_VOICES)[number]
const voicePackage: Record<FestivalVoiceName, string> = { cmu_us_slt_arctic_hts: 'festvox-us-slt-hts', kal_diphone: 'festvox-kallpc16k' }

export interface FestivalVoice {
  name: FestivalVoiceName
  /** Duration factor: 1.1 speaks 10% slower than the voice's own rate. */
  stretch: number
  /** F0 shift in semitones. */
  pitchSemitones: number
}

export interface SynthesisRequest {
  text: string
  voice: FestivalVoice
}

export interface Synthesised {
  /** 16 kHz mono. */
  samples: Float32Array
  /** The Segment relation: phone names, start and end in seconds, back to back from 0. */
  phones: AlignInterval[]
  /** The Word relation: word names as festival writes them, start and end in seconds. */
  words: AlignInterval[]
}

/** A Scheme string literal. */
function schemeString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function voiceSetup(voice: FestivalVoice): string {
  const f = (x: number) => x.toFixed(4)
  if (voice.name === 'cmu_us_slt_arctic_hts') {
    return (
      '(voice_cmu_us_slt_arctic_hts)\n' +
      `(set! hts_engine_params (append cmu_us_slt_arctic_hts::hts_engine_params (list (list "-r" ${f(1 / voice.stretch)}) (list "-fm" ${f(voice.pitchSemitones)}))))\n`
    )
  }
  const f0 = 105 * 2 ** (voice.pitchSemitones / 12)
  return (
    '(voice_kal_diphone)\n' +
    `(Parameter.set 'Duration_Stretch ${f(1.1 * voice.stretch)})\n` +
    `(set! int_lr_params '((target_f0_mean ${f(f0)}) (target_f0_std 14) (model_f0_mean 170) (model_f0_std 34)))\n`
  )
}

/** The batch script: one saved wave, .seg (name end) and .words (name start end) per request, as <dir>/<n>.*. */
export function festivalScript(requests: readonly SynthesisRequest[], dir: string): string {
  const lines = [
    '(define (percept-save utt base)',
    '  (utt.save.wave utt (string-append base ".wav") \'riff)',
    '  (let ((fd (fopen (string-append base ".seg") "w")))',
    '    (mapcar (lambda (s) (format fd "%s %f\\n" (item.name s) (item.feat s "end"))) (utt.relation.items utt \'Segment))',
    '    (fclose fd))',
    '  (let ((fd (fopen (string-append base ".words") "w")))',
    '    (mapcar (lambda (w) (format fd "%s %f %f\\n" (item.name w) (item.feat w "word_start") (item.feat w "word_end"))) (utt.relation.items utt \'Word))',
    '    (fclose fd)))',
  ]
  requests.forEach((r, n) => {
    lines.push(voiceSetup(r.voice) + `(percept-save (utt.synth (Utterance Text ${schemeString(r.text)})) ${schemeString(join(dir, String(n)))})`)
  })
  return lines.join('\n') + '\n'
}

function parseTimes(text: string, fields: 2 | 3, what: string): AlignInterval[] {
  const out: AlignInterval[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const parts = line.trim().split(/\s+/)
    const numbers = parts.slice(1).map(Number)
    if (parts.length !== fields || numbers.some((x) => !Number.isFinite(x))) throw new PerceptError('INTERNAL', `festival wrote an unexpected ${what} line: "${line}".`)
    const start = fields === 2 ? (out.length > 0 ? out[out.length - 1]!.end : 0) : numbers[0]!
    out.push({ label: parts[0]!, start, end: numbers[fields - 2]! })
  }
  return out
}

function runFestival(festival: string, script: string, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    execFile(festival, ['-b', script], { timeout: timeoutMs, maxBuffer: 4 * 2 ** 20 }, (error, _stdout, stderr) => {
      if (!error) {
        // festival -b reports Scheme errors on stderr, not always through its exit status.
        const siod = /SIOD ERROR:.*$/m.exec(stderr)
        return siod ? fail(festivalError(siod[0])) : done()
      }
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        return fail(new PerceptError('UNAVAILABLE', `festival is not installed (no "${festival}" program found). Install the Debian packages: sudo apt-get install ${FESTIVAL_PACKAGES}.`))
      }
      if (error.killed) return fail(new PerceptError('INTERNAL', `festival did not finish within ${Math.round(timeoutMs / 1000)} s; try fewer utterances.`))
      fail(festivalError(/SIOD ERROR:.*$/m.exec(stderr)?.[0] ?? (stderr.trim() || error.message)))
    })
  })
}

function festivalError(message: string): PerceptError {
  const voice = /unbound variable : voice_(\S+)/.exec(message)?.[1] as FestivalVoiceName | undefined
  if (voice) {
    const pkg = voicePackage[voice] ?? 'the package holding that voice'
    return new PerceptError('UNAVAILABLE', `festival has no voice ${voice}. Install the Debian package ${pkg} (all needed: sudo apt-get install ${FESTIVAL_PACKAGES}).`)
  }
  return new PerceptError('INTERNAL', `festival failed: ${message}`)
}

/** Synthesises every request in one festival process (in a temporary folder, removed after). */
export async function synthesise(requests: readonly SynthesisRequest[], options: { festival?: string; timeoutMs?: number } = {}): Promise<Synthesised[]> {
  if (requests.length === 0) return []
  const dir = await mkdtemp(join(tmpdir(), 'percept-festival-'))
  try {
    const script = join(dir, 'batch.scm')
    await writeFile(script, festivalScript(requests, dir))
    await runFestival(options.festival ?? 'festival', script, options.timeoutMs ?? 60_000 + 10_000 * requests.length)
    const out: Synthesised[] = []
    for (let n = 0; n < requests.length; n++) {
      const base = join(dir, String(n))
      const audio = await readMono16k(`${base}.wav`)
      const phones = parseTimes(await readFile(`${base}.seg`, 'utf8'), 2, 'segment')
      const words = parseTimes(await readFile(`${base}.words`, 'utf8'), 3, 'word')
      out.push({ samples: audio.samples, phones, words })
    }
    return out
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
