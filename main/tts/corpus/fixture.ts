import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { seededRandom } from '../../compute/seeded-random'
import { fixtureSentences } from './fixture-sentences'
import { formatPrompts, type Prompt } from './prompts-file'

/*
 * The fixture corpus: sentences spoken by Debian's festival with the cmu_us_slt_arctic_hts voice,
 * written in the ARCTIC layout. Festival runs one Scheme script (`festival -b`) that, per sentence,
 * synthesises the utterance, resamples its wave to 16 kHz (the voice speaks at 32 kHz here), saves it
 * as RIFF and writes the Segment relation's phone names and end times as a festvox .lab file. Its files
 * land in a temporary folder inside the target and are renamed into wav/ and lab/, so each appears whole.
 */

export const festivalPackages = 'festival festvox-us-slt-hts'
export const fixtureVoice = 'cmu_us_slt_arctic_hts'

export interface FixtureOptions {
  /** How many sentences, chosen without repeats from `fixtureSentences()`. */
  sentences?: number
  seed?: number
  /** The festival binary. */
  festival?: string
}

/** A seeded choice of `count` sentences (Fisher-Yates on a copy). */
export function chooseSentences(count: number, seed: number): string[] {
  const all = fixtureSentences()
  const random = seededRandom(seed)
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[all[i], all[j]] = [all[j]!, all[i]!]
  }
  return all.slice(0, count)
}

const scheme = (text: string): string => `"${text.replace(/[\\"]/g, (c) => '\\' + c)}"`

function script(prompts: readonly Prompt[], out: string): string {
  return [
    `(voice_${fixtureVoice})`,
    '(define (fixture_utterance id text)',
    '  (let ((u (utt.synth (eval (list (quote Utterance) (quote Text) text)))))',
    '    (utt.wave.resample u 16000)',
    `    (utt.save.wave u (string-append ${scheme(out)} "/" id ".wav") (quote riff))`,
    `    (let ((fd (fopen (string-append ${scheme(out)} "/" id ".lab") "w")))`,
    '      (format fd "#\\n")',
    '      (mapcar (lambda (s) (format fd "%f 125 %s\\n" (item.feat s "end") (item.name s))) (utt.relation.items u (quote Segment)))',
    '      (fclose fd))))',
    ...prompts.map((p) => `(fixture_utterance ${scheme(p.id)} ${scheme(p.text)})`),
    '',
  ].join('\n')
}

function runFestival(binary: string, scriptPath: string, timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    execFile(binary, ['-b', scriptPath], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code
      if (code === 'ENOENT') {
        return fail(new PerceptError('UNAVAILABLE', `festival is not installed. Install the Debian packages ${festivalPackages} (sudo apt install ${festivalPackages}) and run this again.`))
      }
      const output = `${stdout}\n${stderr}`
      if (/unbound variable : voice_/.test(output)) {
        return fail(new PerceptError('UNAVAILABLE', `festival has no ${fixtureVoice} voice. Install the Debian package festvox-us-slt-hts (sudo apt install ${festivalPackages}).`))
      }
      if (error || /SIOD ERROR/.test(output)) return fail(new PerceptError('INTERNAL', `festival failed: ${output.trim().split('\n').slice(-3).join(' ')}`))
      done(output)
    })
  })
}

/** Synthesises the fixture corpus into `dir` (etc/txt.done.data, wav/, lab/); returns the prompts spoken. */
export async function makeFixtureCorpus(dir: string, options: FixtureOptions = {}): Promise<Prompt[]> {
  const { sentences = 300, seed = 1, festival = 'festival' } = options
  const available = fixtureSentences().length
  if (!Number.isInteger(sentences) || sentences < 1 || sentences > available) {
    throw new PerceptError('VALIDATION', `--sentences takes a whole number from 1 to ${available} (the sentences written for the fixture), got ${sentences}.`)
  }
  const prompts = chooseSentences(sentences, seed).map((text, i) => ({ id: `fixture_${String(i + 1).padStart(4, '0')}`, text }))
  await mkdir(join(dir, 'wav'), { recursive: true })
  await mkdir(join(dir, 'lab'), { recursive: true })
  const work = await mkdtemp(join(dir, '.festival-'))
  try {
    const scriptPath = join(work, 'fixture.scm')
    await writeFileAtomic(scriptPath, script(prompts, work))
    // About 0.1 s of festival per sentence here; a generous limit still ends a hung run.
    await runFestival(festival, scriptPath, 60_000 + sentences * 2_000)
    const made = new Set(await readdir(work))
    for (const { id } of prompts) {
      for (const [ext, folder] of [['wav', 'wav'], ['lab', 'lab']] as const) {
        if (!made.has(`${id}.${ext}`)) throw new PerceptError('INTERNAL', `festival wrote no ${id}.${ext}; its output is incomplete.`)
        await rename(join(work, `${id}.${ext}`), join(dir, folder, `${id}.${ext}`))
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
  await writeFileAtomic(join(dir, 'etc', 'txt.done.data'), formatPrompts(prompts))
  return prompts
}
