import type { Command } from 'commander'
import { resolve } from 'node:path'
import { loadCorpus } from '../enhance/corpus/dataset'
import { generateFixture, MAX_FIXTURE_SPEAKERS, MAX_FIXTURE_UTTERANCES } from '../enhance/corpus/fixture'
import { printJson, wholeNumber } from './cli-options'

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`

/** `percept enhance corpus fixture|check`: the synthetic audio-visual corpus and the checker of a GRID-like one. */
export function registerEnhanceCorpusCommands(enhance: Command): Command {
  const corpus = enhance.command('corpus').description('the audio-visual corpus: a synthetic GRID-like fixture, and a check of a corpus folder')
  corpus
    .command('fixture <dir>')
    .description('generate a seeded synthetic corpus (festival speech, lips rendered from its phone timings, synthetic noises) into a new or empty folder')
    .option('--speakers <n>', `speakers, s1 .. sN, alternating the two festival voices (1-${MAX_FIXTURE_SPEAKERS})`, wholeNumber(1, MAX_FIXTURE_SPEAKERS), 2)
    .option('--utterances <m>', `GRID sentences per speaker (1-${MAX_FIXTURE_UTTERANCES})`, wholeNumber(1, MAX_FIXTURE_UTTERANCES), 10)
    .option('--seed <s>', 'seed of everything drawn (sentences, voices, looks, noises)', wholeNumber(0, 2 ** 32 - 1), 1)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { speakers: number; utterances: number; seed: number; json?: boolean }) => {
      const out = resolve(dir)
      const summary = await generateFixture(out, { speakers: opts.speakers, utterances: opts.utterances, seed: opts.seed }, opts.json ? undefined : (message) => process.stderr.write(`${message}\n`))
      const result = {
        dir: out,
        synthetic: true,
        seed: summary.seed,
        speakers: summary.speakers.length,
        utterances: summary.utterances.length,
        noiseRecordings: summary.noises.length,
        noiseTypes: [...new Set(summary.noises.map((n) => n.type))],
        seconds: summary.timings.totalSeconds,
        festivalSeconds: summary.timings.festivalSeconds,
        secondsPerUtterance: summary.timings.secondsPerUtterance,
        bytes: summary.bytes.total,
        bytesPerUtterance: summary.bytes.perUtterance,
        unknownPhones: summary.unknownPhones,
      }
      if (opts.json) return printJson(result)
      process.stdout.write(
        `${out}: ${result.utterances} utterances of ${result.speakers} speakers, ${result.noiseRecordings} noise recordings (${result.noiseTypes.join(', ')}); ` +
          `${result.seconds.toFixed(1)} s (${result.secondsPerUtterance.toFixed(2)} s an utterance), ${megabytes(result.bytes)} (${megabytes(result.bytesPerUtterance)} an utterance)\n`,
      )
    })
  corpus
    .command('check <dir>')
    .description('read a corpus folder (the fixture layout or GRID speaker folders s1..s34, plus a noise folder) and list its problems file by file')
    .option('--noise <dir>', 'the noise folder when it is not <dir>/noise (bus/, cafe/, street/, pedestrian/ or CHiME-3 backgrounds)')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { noise?: string; json?: boolean }) => {
      const corpus = await loadCorpus(resolve(dir), { noiseDir: opts.noise ? resolve(opts.noise) : undefined })
      const noiseTypes: Record<string, number> = {}
      for (const n of corpus.noises) noiseTypes[n.type] = (noiseTypes[n.type] ?? 0) + 1
      const errors = corpus.problems.filter((p) => p.severity === 'error').length
      const result = {
        root: corpus.root,
        layout: corpus.layout,
        synthetic: corpus.synthetic,
        seed: corpus.seed,
        ok: errors === 0,
        utterances: corpus.items.length,
        speakers: corpus.speakers.map((id) => ({ id, utterances: corpus.items.filter((i) => i.speaker === id).length })),
        seconds: corpus.items.reduce((sum, i) => sum + i.seconds, 0),
        noiseTypes,
        noiseRecordings: corpus.noises.length,
        problems: corpus.problems,
      }
      if (errors > 0) process.exitCode = 1
      if (opts.json) return printJson(result)
      const lines = [
        `${corpus.root}: ${result.utterances} usable utterances of ${result.speakers.length} speakers (${result.seconds.toFixed(1)} s)${corpus.synthetic ? ', synthetic' : ''}`,
        `noise: ${Object.entries(noiseTypes).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
        ...corpus.problems.map((p) => `${p.severity}: ${p.file}: ${p.problem}`),
      ]
      process.stdout.write(lines.join('\n') + '\n')
    })
  return corpus
}
