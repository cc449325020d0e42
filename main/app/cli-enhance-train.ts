import type { Command } from 'commander'
import { join, resolve } from 'node:path'
import { openModelChoice } from '../compute/model-package'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { evaluateEnhanceModel } from '../enhance/train/evaluate'
import type { EnhanceTrainReport } from '../enhance/train/train-job'
import { meanOf } from '../enhance/train/measures'
import { table, withWorkspace } from './cli-connection'
import { follow } from './cli-jobs'
import { oneOf, printJson, wholeNumber } from './cli-options'

const MODELS = ['mburst', 'multimodal', 'unimodal'] as const

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`

/** `percept enhance train` and `percept enhance eval`: the paper's three models trained as jobs and measured on held-out mixtures. */
export function registerEnhanceTrainCommands(enhance: Command): Command {
  enhance
    .command('train')
    .description('train Unimodal, Multimodal (back-propagation) or MBURST (burst propagation) on a corpus split, as a job; installs the model package')
    .requiredOption('--dataset <dir>', 'the audio-visual corpus folder (the fixture\'s layout or GRID\'s, with noise/)')
    .requiredOption('--model <name>', 'mburst, multimodal or unimodal', oneOf(MODELS))
    .option('--epochs <n>', 'epochs (the paper: 40)', wholeNumber(1, 1000), 40)
    .option('--seed <n>', 'seeds the split, the weights and the batch order', wholeNumber(0, 2 ** 31 - 1), 1)
    .option('--split <k>', 'which of the 4 splits (0 to 3)', wholeNumber(0, 3), 0)
    .option('--batch-size <n>', 'examples per batch (the paper does not say)', wholeNumber(1, 1024), 32)
    .option('--conv-channels <n>', 'channels of each conv layer, for a smaller trial network (the paper: 32)', wholeNumber(1, 256))
    .option('--embedding <n>', 'units of each embedding, for a smaller trial network (the paper: 256)', wholeNumber(1, 4096))
    .option('--out <dir-or-zip>', 'also write the trained package here: a folder, or a .zip when the name ends in .zip')
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; model: (typeof MODELS)[number]; epochs: number; seed: number; split: number; batchSize: number; convChannels?: number; embedding?: number; out?: string; json?: boolean }) => {
      const input = {
        dataset: resolve(opts.dataset),
        model: opts.model,
        epochs: opts.epochs,
        seed: opts.seed,
        split: opts.split,
        batchSize: opts.batchSize,
        ...(opts.convChannels === undefined ? {} : { convChannels: opts.convChannels }),
        ...(opts.embedding === undefined ? {} : { embedding: opts.embedding }),
      }
      await withWorkspace(resolveWorkspaceHome(), {}, async (client) => {
        const job = await client.call('jobs.start', { kind: 'enhance.train', input })
        const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
        say(`${opts.model}: job ${job.id} (${client.where})\n`)
        const final = await follow(client, job.id, say)
        const detail = await client.call('jobs.get', { id: job.id })
        if (final.state !== 'done') throw new PerceptError(detail.error?.code ?? 'INTERNAL', `Training ${final.state}: ${detail.error?.message ?? final.stage}`)
        const report = detail.result as unknown as EnhanceTrainReport
        const last = report.history[report.history.length - 1]!
        let out: string | null = null
        if (opts.out && report.modelId) {
          const asZip = /\.zip$/i.test(opts.out)
          out = (await client.call('models.export', { id: report.modelId, path: resolve(opts.out), as: asZip ? 'zip' : 'folder' })).path
        }
        const summary = {
          job: job.id,
          model: report.model,
          modelId: report.modelId,
          out,
          epochs: report.epochs,
          split: report.split,
          parameters: report.parameters.total,
          feedbackParameters: report.parameters.feedback,
          positiveWeight: report.positiveWeight,
          train: { loss: last.train.loss, f1: last.train.f1, accuracy: last.train.accuracy },
          proxy: last.proxy ? { loss: last.proxy.loss, f1: last.proxy.f1, accuracy: last.proxy.accuracy } : null,
          firingRates: Object.fromEntries(report.layers.map((name, i) => [name, last.train.eventRates[i]!])),
          firingRateArea: report.firingRateArea,
        }
        if (opts.json) return printJson(summary)
        process.stdout.write(
          table([
            ['PART', 'LOSS', 'F1', 'ACCURACY'],
            ['train', last.train.loss.toFixed(4), last.train.f1.toFixed(3), pct(last.train.accuracy)],
            ...(last.proxy ? [['proxy', last.proxy.loss.toFixed(4), last.proxy.f1.toFixed(3), pct(last.proxy.accuracy)]] : []),
          ]),
        )
        process.stdout.write(`\nmean firing rate ${meanOf(last.train.eventRates).toFixed(3)}; model ${report.modelId ?? 'not exported'}${out ? `, written to ${out}` : ''}\n`)
      })
    })
  enhance
    .command('eval')
    .description("a trained model on the test part of a corpus: mask F1 and accuracy, firing rates, SI-SDR and STOI of noisy, enhanced and the IBM oracle")
    .requiredOption('--dataset <dir>', 'the corpus folder it was trained on (its test part is held out by the split recorded in the package)')
    .requiredOption('--model <dir-zip-or-id>', 'a model package folder, its .zip, or the id of an installed one')
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; model: string; json?: boolean }) => {
      const chosen = await openModelChoice(opts.model, join(resolveWorkspaceHome(), 'models'))
      try {
        const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
        const result = await evaluateEnhanceModel(chosen.pkg, resolve(opts.dataset), (done, total) => say(`mixture ${done}/${total}\n`))
        if (opts.json) return printJson(result)
        process.stdout.write(`${result.model} (${result.kind}) on ${result.mixtures} test mixtures: F1 ${result.f1.toFixed(3)}, accuracy ${pct(result.accuracy)}, firing rate ${result.firingRates.network!.toFixed(3)}\n\n`)
        const e = result.enhancement
        process.stdout.write(
          table([
            ['SIGNAL', 'SI-SDR (dB)', 'STOI'],
            ...(['noisy', 'enhanced', 'enhancedSoft', 'oracle'] as const).map((k) => [k, e[k].siSdr.toFixed(2), e[k].stoi.toFixed(3)]),
          ]),
        )
      } finally {
        await chosen.release()
      }
    })
  return enhance
}
