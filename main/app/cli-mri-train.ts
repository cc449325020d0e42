import { type Command, InvalidArgumentError } from 'commander'
import { join, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { isLossKind, LOSS_KINDS, type LossKind } from '../mri/segmentation/losses'
import { KERNEL_MODES, type KernelMode } from '../mri/segmentation/network'
import { experimentMarkdown, experimentPlan, experimentReport, PAPER_LEARNING_RATES, writeExperimentReport } from '../mri/segmentation/train/experiment'
import { MRI_TRAIN_KIND } from '../mri/segmentation/train/train-job'
import type { TrainingReport } from '../mri/segmentation/train/training-report'
import { table, withWorkspace, type WorkspaceClient } from './cli-connection'
import { follow } from './cli-jobs'
import { oneOf } from './cli-options'

function number(what: string, least: number, most: number, whole = false): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < least || n > most || (whole && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected ${whole ? 'a whole number' : 'a number'} from ${least} to ${most} (${what}).`)
    }
    return n
  }
}

function listOf<T>(parse: (value: string) => T): (value: string) => T[] {
  return (value) => {
    const items = value.split(',').map((v) => v.trim()).filter(Boolean)
    if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list.')
    return items.map(parse)
  }
}

/** "1e-3,3.16e-3" or "paper" (the paper's five: 1e-4 .. 1e-2 in half decades). */
function learningRates(value: string): number[] {
  if (value.trim() === 'paper') return [...PAPER_LEARNING_RATES]
  return listOf(number('a learning rate', 1e-8, 1))(value)
}

const blocksList = listOf(number('spatial convolutions per level', 1, 8, true))

interface TrainOptions {
  dataset: string
  mode: KernelMode
  loss: LossKind
  lr: number
  size: number
  epochs: number
  split: number
  seed: number
  batchSize: number
  baseFilters: number
  blocks?: number[]
  spacingMm?: number
  augment: boolean
  json?: boolean
}

function trainInput(opts: Omit<TrainOptions, 'mode' | 'loss' | 'lr' | 'split' | 'json'>, run: { mode: KernelMode; loss: LossKind; lr: number; split: number }, install: boolean): Record<string, unknown> {
  return {
    dataset: resolve(opts.dataset),
    mode: run.mode,
    loss: run.loss,
    lr: run.lr,
    size: opts.size,
    epochs: opts.epochs,
    split: run.split,
    seed: opts.seed,
    batchSize: opts.batchSize,
    baseFilters: opts.baseFilters,
    ...(opts.blocks ? { blocks: opts.blocks } : {}),
    ...(opts.spacingMm === undefined ? {} : { spacingMm: opts.spacingMm }),
    augment: opts.augment,
    install,
  }
}

/** Runs one mri.train job to its end, progress on stdout (stderr with --json); its report, or the job's error. */
async function runTrainJob(client: WorkspaceClient, input: Record<string, unknown>, say: (text: string) => void, what: string): Promise<TrainingReport> {
  const job = await client.call('jobs.start', { kind: MRI_TRAIN_KIND, input })
  say(`${what}: job ${job.id} (${client.where})\n`)
  const final = await follow(client, job.id, say)
  const detail = await client.call('jobs.get', { id: job.id })
  if (final.state !== 'done') throw new PerceptError(detail.error?.code ?? 'INTERNAL', `Training ${final.state}: ${detail.error?.message ?? final.stage}`)
  return detail.result as unknown as TrainingReport
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)}%`)

/** Options both commands share: the data, the grid, the channel plan, the schedule. */
function withTrainingOptions(command: Command): Command {
  return command
    .requiredOption('--dataset <dir-or-csv>', 'image/label pairs: a folder of <id>_t1 / <id>_labels NIfTI pairs (what `percept mri cohort` writes under train/), images/ + labels/, or a CSV with columns image,labels')
    .option('--size <n>', 'edge of the model cube in voxels, a multiple of 16 for the four levels (the paper: 128)', number('the cube edge', 8, 256, true), 64)
    .option('--epochs <n>', 'epochs (the paper: 300)', number('epochs', 1, 10_000, true), 50)
    .option('--seed <n>', 'seeds the split, initial weights, batch order, augmentation and dropout: the same seed repeats a run', number('the seed', 0, 2 ** 31 - 1, true), 1)
    .option('--batch-size <n>', 'images per step (the paper: 2)', number('the batch size', 1, 64, true), 1)
    .option('--base-filters <n>', 'channels of the finest level, a multiple of 4 (the paper: 24; ours: 8)', number('base channels', 4, 256, true), 8)
    .option('--blocks <list>', 'spatial convolutions per residual block, finest level first (default 2,3,3,3)', blocksList)
    .option('--spacing-mm <mm>', 'voxel size of the model grid (default 192 mm / size: the whole head in view)', number('the spacing', 0.1, 20))
    .option('--no-augment', 'train without the rotation/shift/scale augmentation')
}

/** `percept mri train` and `percept mri experiment`: paper 003's training, in the foreground, as jobs of the workspace. */
export function registerMriTrainCommands(mri: Command): void {
  withTrainingOptions(
    mri
      .command('train')
      .description('train the segmentation network of paper 003 on image/label pairs (a resumable job: Nadam, augmentation, 60/10/30 split, best epoch by validation Dice) and install the best model as an mri-segmentation package for `percept mri segment --model <id>`')
      .option('--mode <mode>', `kernel mode: ${KERNEL_MODES.join(' | ')}`, oneOf(KERNEL_MODES), 'mixed')
      .option('--loss <loss>', `loss: ${LOSS_KINDS.join(' | ')}`, oneOf(LOSS_KINDS), 'pcc')
      .option('--lr <rate>', "Nadam's learning rate (the paper: 1e-4 to 1e-2; 1e-3 suits every loss)", number('the learning rate', 1e-8, 1), 1e-3)
      .option('--split <k>', 'which of the five shuffled 60/10/30 splits', number('the split', 0, 4, true), 0),
  )
    .option('--json', 'print JSON')
    .action(async (opts: TrainOptions) => {
      const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
      await withWorkspace(resolveWorkspaceHome(), {}, async (client) => {
        const report = await runTrainJob(client, trainInput(opts, { mode: opts.mode, loss: opts.loss, lr: opts.lr, split: opts.split }, true), say, `${opts.mode} / ${opts.loss} / lr ${opts.lr}`)
        const best = report.history.find((h) => h.epoch === report.bestEpoch)
        const structures = report.labels.slice(1).map((name, i) => ({ label: i + 1, name, validation: best?.validationDice[i] ?? null, test: report.test.dice[i] ?? null }))
        if (opts.json) {
          return void process.stdout.write(
            JSON.stringify(
              {
                job: report.job,
                modelId: report.modelId,
                bestEpoch: report.bestEpoch,
                validationDice: report.validationMeanDice,
                testDice: report.test.meanDice,
                structures,
                split: report.split,
                parameters: report.parameters,
                secondsPerStep: report.secondsPerStep,
                backend: report.backend,
              },
              null,
              2,
            ) + '\n',
          )
        }
        process.stdout.write(table([['LABEL', 'STRUCTURE', 'VALIDATION DICE', 'TEST DICE'], ...structures.map((s) => [String(s.label), s.name, pct(s.validation), pct(s.test)])]))
        process.stdout.write(
          `\nBest epoch ${report.bestEpoch} of ${report.epochs}: validation ${pct(report.validationMeanDice)}, test ${pct(report.test.meanDice)} (${report.split.test.length} held-out subject(s)).\n` +
            `Installed as ${report.modelId}: percept mri segment <t1.nii.gz> --model ${report.modelId} --out labels.nii.gz\n`,
        )
      })
    })

  withTrainingOptions(
    mri
      .command('experiment')
      .description("paper 003's sweep: kernel modes x losses x learning rates (x splits), one mri.train job each, then Fig. 3 (validation Dice against the learning rate) and Table 1 (test Dice per structure at the best rate) as Markdown and JSON in the workspace's runs/mri-experiments/")
      .option('--modes <list>', `kernel modes (default all: ${KERNEL_MODES.join(',')})`, listOf(oneOf(KERNEL_MODES)), [...KERNEL_MODES])
      .option('--losses <list>', `losses (default all: ${LOSS_KINDS.join(',')})`, listOf(oneOf(LOSS_KINDS)), [...LOSS_KINDS])
      .option('--lrs <list>', "learning rates, e.g. 1e-3,1e-2, or 'paper' for 1e-4 .. 1e-2 in half decades (the default)", learningRates, [...PAPER_LEARNING_RATES])
      .option('--splits <list>', 'which of the five splits to run for every combination, e.g. 0,1,2,3,4 (the paper: all five; default 0)', listOf(number('a split', 0, 4, true)), [0]),
  )
    .option('--json', 'print JSON')
    .action(async (opts: Omit<TrainOptions, 'mode' | 'loss' | 'lr' | 'split'> & { modes: KernelMode[]; losses: LossKind[]; lrs: number[]; splits: number[] }) => {
      const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
      const plan = experimentPlan({ modes: opts.modes, losses: opts.losses, lrs: opts.lrs, splits: opts.splits })
      const home = resolveWorkspaceHome()
      const id = `mri-exp-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`
      await withWorkspace(home, {}, async (client) => {
        const reports: TrainingReport[] = []
        for (const [i, run] of plan.entries()) {
          say(`run ${i + 1} of ${plan.length}: `)
          reports.push(await runTrainJob(client, trainInput(opts, run, false), say, `${run.mode} / ${run.loss} / lr ${run.lr} / split ${run.split}`))
        }
        const report = experimentReport(id, reports)
        const files = await writeExperimentReport(join(home, 'runs', 'mri-experiments', id), report)
        if (opts.json) return void process.stdout.write(JSON.stringify({ ...report, files }, null, 2) + '\n')
        process.stdout.write(`${experimentMarkdown(report)}\nWritten to ${files.markdown} and ${files.json}\n`)
      })
    })
}
