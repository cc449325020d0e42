import type { Command } from 'commander'
import { join, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { makeFixtureCorpus } from '../tts/corpus/fixture'
import { importCorpus, type CorpusReport } from '../tts/corpus/import-corpus'
import { cacheLetterToSoundIn } from '../tts/frontend/lexicon'
import { analyseText } from '../tts/frontend/utterance'
import { registerVocodeCommand } from './cli-tts-vocode'
import { registerTtsTrainCommands } from './cli-tts-train'
import { printJson, wholeNumber } from './cli-options'

function describeCorpus(dir: string, report: CorpusReport): void {
  process.stdout.write(`${dir}: ${report.layout} layout, ${report.utterances} usable utterances, ${report.duration.toFixed(1)} s of speech, ${report.phones.length} phones\n`)
  for (const p of report.problems) process.stdout.write(`  ${p.file}: ${p.problem}\n`)
}

/** `percept tts ...`: the speech corpus and the text front end (synthesis comes with the vocoder and the DNNs). */
export function registerTtsCommands(program: Command): Command {
  const tts = program.command('tts').description('text-to-speech, its first parts: speech corpora and the text front end (synthesis is coming)')
  // The letter-to-sound rules' alignment is kept in the workspace's cache: seconds saved in every later process.
  tts.hook('preAction', () => cacheLetterToSoundIn(join(resolveWorkspaceHome(), 'cache')))
  const corpus = tts.command('corpus').description('speech corpora: import and check one, or synthesise the fixture corpus with festival')
  corpus
    .command('import <dir>')
    .description('check a corpus (festvox/ARCTIC layout, or WAV + .txt + .lab files): utterances, duration, phones, problems file by file')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { report } = await importCorpus(resolve(dir))
      if (opts.json) return printJson({ dir: resolve(dir), ...report })
      describeCorpus(resolve(dir), report)
    })
  corpus
    .command('fixture <dir>')
    .description('synthesise the fixture corpus with festival (cmu_us_slt_arctic_hts) in the ARCTIC layout')
    .option('--sentences <n>', 'how many sentences', wholeNumber(0), 300)
    .option('--seed <s>', 'seed of the choice of sentences', wholeNumber(0), 1)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { sentences: number; seed: number; json?: boolean }) => {
      const target = resolve(dir)
      const started = performance.now()
      await makeFixtureCorpus(target, { sentences: opts.sentences, seed: opts.seed })
      const seconds = (performance.now() - started) / 1000
      const { report } = await importCorpus(target)
      if (opts.json) return printJson({ dir: target, sentences: opts.sentences, seed: opts.seed, seconds, ...report })
      describeCorpus(target, report)
    })
  tts
    .command('front-end <text>')
    .description('diagnose the text front end: sentences, words with pronunciation and source, syllables, breaks, notices')
    .option('--json', 'print JSON')
    .action((text: string, opts: { json?: boolean }) => {
      if (text.trim() === '') throw new PerceptError('VALIDATION', 'The text is empty: give the words to analyse, e.g. percept tts front-end "Hello there."')
      const { utterances, notices } = analyseText(text)
      const sentences = utterances.map((u) => ({
        text: u.text,
        phrases: u.phrases.map((p) => ({
          break: p.break,
          words: p.words.map((w) => ({
            word: w.text,
            from: w.from,
            reading: w.reading,
            source: w.source,
            pronunciation: w.arpabet.join(' '),
            syllables: w.syllables.map((s) => ({ phones: s.phones, stress: s.stress })),
          })),
        })),
      }))
      if (opts.json) return printJson({ sentences, notices })
      for (const s of sentences) {
        process.stdout.write(`${s.text}\n`)
        for (const p of s.phrases) {
          for (const w of p.words) {
            const how = w.from.toLowerCase() === w.word ? '' : ` (from "${w.from}", ${w.reading})`
            process.stdout.write(`  ${w.word.padEnd(16)} ${w.syllables.map((y) => y.phones.join(' ') + (y.stress ? `'${y.stress}` : '')).join(' . ').padEnd(28)} ${w.source}${how}\n`)
          }
          process.stdout.write(`  | ${p.break} break\n`)
        }
      }
      for (const n of notices) process.stdout.write(`notice: "${n.text}": ${n.reason}\n`)
    })
  registerVocodeCommand(tts)
  registerTtsTrainCommands(tts)
  return tts
}
