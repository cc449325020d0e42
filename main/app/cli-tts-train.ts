import { type Command, InvalidArgumentError } from 'commander'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openModelChoice, type ChosenModel } from '../compute/model-package'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { writeWavFile } from '../dsp/io'
import { importCorpus } from '../tts/corpus/import-corpus'
import { voiceSystems, voiceWidthsSchema, type VoiceSystem, type VoiceWidths } from '../tts/model/voice-config'
import { readVoicePackage, Voice, voicePrecisions, type VoicePrecision } from '../tts/model/voice-package'
import { analyseText } from '../tts/frontend/utterance'
import { bundledVoiceIn } from '../tts/bundled-voice'
import { synthesizeText } from '../tts/synthesize'
import { loadAcousticData } from '../tts/train/acoustic-data'
import { evaluateVoice, scoresTable } from '../tts/train/evaluate'
import type { TtsTrainReport } from '../tts/train/train-job'
import { bundledModelsDir } from './bundled-models'
import { withWorkspace } from './cli-connection'
import { follow } from './cli-jobs'
import { oneOf, positiveNumber, printJson, wholeNumber } from './cli-options'

/** "acoustic=64x64,autoencoder=128x16" -> { acoustic: [64, 64], autoencoder: [128, 16] }. */
function stageEpochs(value: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of value.split(',')) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*(\d+)\s*$/.exec(part)
    const n = Number(match?.[2])
    if (!match || n < 1 || n > 1000) throw new InvalidArgumentError(`"${part}" is not stage=epochs (1 to 1000), e.g. duration=60,acoustic=20 (stages: duration, acoustic, autoencoder-layer1..., autoencoder, bottleneck, stacked, postfilter).`)
    out[match[1]!] = n
  }
  return out
}

function widths(value: string): Partial<VoiceWidths> {
  const out: Record<string, number[]> = {}
  for (const part of value.split(',')) {
    const match = /^\s*([a-zA-Z]+)\s*=\s*(\d+(?:x\d+)*)\s*$/.exec(part)
    if (!match) throw new InvalidArgumentError(`"${part}" is not network=AxB..., e.g. acoustic=64x64,autoencoder=128x16 (networks: ${Object.keys(voiceWidthsSchema.shape).join(', ')}).`)
    out[match[1]!] = match[2]!.split('x').map(Number)
  }
  const parsed = voiceWidthsSchema.partial().safeParse(out)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidArgumentError(`${issue.path.join('.') || 'widths'}: ${issue.message} (networks: ${Object.keys(voiceWidthsSchema.shape).join(', ')}; each width 1 to 8192).`)
  }
  return parsed.data
}

/** The voice a person names, or the bundled one (models/tts/<name>) when they name none. */
async function chooseVoice(choice: string | undefined): Promise<ChosenModel> {
  if (choice !== undefined) return openModelChoice(choice, join(resolveWorkspaceHome(), 'models'))
  const bundled = bundledVoiceIn(bundledModelsDir())
  if (!bundled) {
    throw new PerceptError('NOT_FOUND', 'No bundled voice ships with this build: pass --voice <dir-or-id>, a voice that `percept tts train --corpus <dir>` installed (its id is printed as modelId) or its package folder; scripts/train-bundled-voice.sh trains the bundled one.')
  }
  return openModelChoice(bundled, join(resolveWorkspaceHome(), 'models'))
}

async function openVoice(choice: string | undefined, precision: VoicePrecision = 'float32'): Promise<Voice> {
  const chosen = await chooseVoice(choice)
  try {
    const source = await readVoicePackage(chosen.pkg.dir)
    return await Voice.open({ ...source, id: chosen.pkg.id }, { precision })
  } finally {
    await chosen.release()
  }
}

/** `percept tts train`, `tts eval` and `tts say`: voices trained as jobs, scored, and spoken with. */
export function registerTtsTrainCommands(tts: Command): Command {
  tts
    .command('train')
    .description('train a voice on a corpus as a job (dnn: the baseline DNN; mdnn: the paper\'s MDNNs2, which includes the baseline) and install it')
    .requiredOption('--corpus <dir>', 'the corpus folder (festvox/ARCTIC layout, or WAV + .txt + .lab files)')
    .option('--system <name>', 'mdnn or dnn', oneOf(voiceSystems), 'mdnn')
    .option('--epochs <n>', 'epochs of each training stage', wholeNumber(1, 1000), 30)
    .option('--stage-epochs <list>', 'epochs of named stages instead of --epochs, e.g. duration=60,acoustic=20', stageEpochs)
    .option('--seed <n>', 'seeds the held-out choice, the weights and the batch order', wholeNumber(0, 2 ** 31 - 1), 1)
    .option('--batch-size <n>', 'frames per batch', wholeNumber(1, 65536), 256)
    .option('--learning-rate <lr>', 'Adam learning rate', positiveNumber, 0.001)
    .option('--widths <list>', "layer widths replacing the paper's, e.g. acoustic=64x64,autoencoder=128x16,bottleneck=64,postFilter=128,duration=32", widths)
    .option('--json', 'print JSON')
    .action(async (opts: { corpus: string; system: VoiceSystem; epochs: number; stageEpochs?: Record<string, number>; seed: number; batchSize: number; learningRate: number; widths?: Partial<VoiceWidths>; json?: boolean }) => {
      const input = {
        corpus: resolve(opts.corpus),
        system: opts.system,
        epochs: opts.epochs,
        ...(opts.stageEpochs ? { stageEpochs: opts.stageEpochs } : {}),
        seed: opts.seed,
        batchSize: opts.batchSize,
        learningRate: opts.learningRate,
        ...(opts.widths ? { widths: opts.widths } : {}),
      }
      if (!existsSync(input.corpus)) throw new PerceptError('VALIDATION', `${input.corpus} does not exist: give the corpus folder (percept tts corpus fixture <dir> makes one).`)
      await withWorkspace(resolveWorkspaceHome(), {}, async (client) => {
        const job = await client.call('jobs.start', { kind: 'tts.train', input })
        const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
        say(`${opts.system} voice: job ${job.id} (${client.where})\n`)
        const final = await follow(client, job.id, say)
        const detail = await client.call('jobs.get', { id: job.id })
        if (final.state !== 'done') throw new PerceptError(detail.error?.code ?? 'INTERNAL', `Training ${final.state}: ${detail.error?.message ?? final.stage}`)
        const report = detail.result as unknown as TtsTrainReport
        const last = (stage: string) => report.history.filter((h) => h.stage === stage).pop()
        const stages = Object.fromEntries(report.stages.map((s) => [s, { loss: last(s)?.loss ?? null, validationLoss: last(s)?.validationLoss ?? null, stepSeconds: last(s)?.stepSeconds ?? null }]))
        const summary = {
          job: job.id,
          system: report.system,
          modelId: report.modelId,
          corpus: report.corpus,
          utterances: report.utterances,
          heldOut: report.heldOut,
          alignment: report.alignment,
          epochs: report.epochs,
          ...(report.stageEpochs ? { stageEpochs: report.stageEpochs } : {}),
          parameters: report.parameters,
          stages,
          evaluation: report.evaluation,
          onnxMaxDifference: report.onnxMaxDifference,
        }
        if (opts.json) return printJson(summary)
        for (const [s, v] of Object.entries(stages)) process.stdout.write(`${s.padEnd(20)} loss ${v.loss?.toFixed(4)}  held-out ${v.validationLoss?.toFixed(4)}\n`)
        if (report.evaluation) process.stdout.write(`\n${scoresTable(report.evaluation)}\n`)
        process.stdout.write(`\nvoice ${report.modelId ?? 'not exported'}\n`)
      })
    })
  tts
    .command('eval')
    .description("score a voice on a corpus's held-out sentences (those its training left out; every sentence when it was trained elsewhere): MCD, LSD, F0 RMSE and V/UV per system")
    .requiredOption('--corpus <dir>', 'the corpus folder')
    .requiredOption('--voice <dir-or-id>', 'a voice package folder, its .zip, or the id of an installed one')
    .option('--precision <p>', 'float32: the graphs as stored (the voice\'s own scores); int8: as `tts say` runs them by default', oneOf<VoicePrecision>(voicePrecisions), 'float32')
    .option('--json', 'print JSON')
    .action(async (opts: { corpus: string; voice: string; precision: VoicePrecision; json?: boolean }) => {
      const voice = await openVoice(opts.voice, opts.precision)
      try {
        const corpus = resolve(opts.corpus)
        const { utterances } = await importCorpus(corpus)
        const held = new Set(voice.source.preprocessing.heldOut)
        const chosen = utterances.filter((u) => held.has(u.id))
        const heldOut = chosen.length > 0
        const sentences = heldOut ? chosen : utterances
        if (sentences.length === 0) throw new PerceptError('VALIDATION', `${corpus} has no usable utterances to score; \`percept tts corpus import ${corpus}\` lists its problems.`)
        const data = await loadAcousticData(sentences, { cacheDir: join(resolveWorkspaceHome(), 'cache') })
        const evaluation = await evaluateVoice(voice, data)
        const result = { voice: voice.id, corpus, heldOut, ...evaluation }
        if (opts.json) return printJson(result)
        process.stdout.write(`${voice.id} on ${evaluation.sentences} ${heldOut ? 'held-out' : ''} sentence(s) of ${corpus}\n\n${scoresTable(evaluation)}\n`)
      } finally {
        await voice.release()
      }
    })
  tts
    .command('say <text>')
    .description('synthesise text with a voice and write a 16 kHz mono WAV; prints the phones with their times')
    .option('--voice <dir-or-id>', 'a voice package folder, its .zip, or the id of an installed one (default: the bundled voice)')
    .option('--system <name>', "mdnn or dnn (default: the voice's own)", oneOf(voiceSystems))
    .option('--precision <p>', 'int8: the large graphs quantised to 8 bits as the voice opens (faster); float32: as stored', oneOf<VoicePrecision>(voicePrecisions), 'int8')
    .option('--post-filter', "with the system's post-filter (DNN: the cepstral one; MDNNs2: its post-filter DNN) (default: as the voice says: each only where it lowered the held-out MCD in training)")
    .option('--no-post-filter', "without the system's post-filter, as the paper's systems without it")
    .requiredOption('--out <file.wav>', 'the WAV file to write')
    .option('--json', 'print JSON')
    .action(async (text: string, opts: { voice?: string; system?: VoiceSystem; precision: VoicePrecision; postFilter?: boolean; out: string; json?: boolean }) => {
      const out = resolve(opts.out)
      if (!out.toLowerCase().endsWith('.wav')) throw new PerceptError('VALIDATION', `--out ${opts.out}: the output is a WAV file; give a name ending in .wav.`)
      if (text.trim() === '') throw new PerceptError('VALIDATION', 'The text is empty: give the words to say, e.g. percept tts say "Hello there." --out hello.wav')
      const voice = await openVoice(opts.voice, opts.precision)
      try {
        // Once per process, not synthesis time: the dictionary loads and the letter-to-sound rules are read (or
        // learnt), and one word is spoken so that the graphs' first runs and the compilation of the JavaScript
        // happen before the clock starts, as in an app that has spoken once (the real-time factor's measure).
        analyseText(text)
        const options = { ...(opts.system ? { system: opts.system } : {}), ...(opts.postFilter === undefined ? {} : { postFilter: opts.postFilter }) }
        await synthesizeText('Hello.', voice, options)
        const started = performance.now()
        const result = await synthesizeText(text, voice, options)
        const seconds = (performance.now() - started) / 1000
        await writeWavFile(out, { sampleRate: result.sampleRate, channels: [result.samples] }, 'pcm16')
        for (const n of result.notices) process.stderr.write(`notice: "${n.text}": ${n.reason}\n`)
        const system = opts.system ?? voice.source.preprocessing.system
        const summary = { voice: voice.id, system, duration: result.duration, seconds, realTimeFactor: seconds / result.duration, phones: result.phones }
        if (opts.json) return printJson(summary)
        process.stdout.write(`${out}: ${result.duration.toFixed(2)} s of speech (${result.sentences} sentence(s), ${result.phones.length} phones) by ${voice.id} (${system}) in ${seconds.toFixed(2)} s\n`)
      } finally {
        await voice.release()
      }
    })
  return tts
}
