import { type Command, InvalidArgumentError } from 'commander'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file'
import { placesFor, WriteTargets } from '../core/write-target'
import { checkPackageFolderTarget } from '../compute/model-package'
import { openOnnxSession } from '../compute/onnx/onnx-session'
import { readAudioFile } from '../dsp/io'
import { formatBytes } from '../dsp/io/invalid-file'
import { classifySound, type SoundClassification } from '../sound/infer/classify'
import { resolveSoundModel, soundFilesUnder } from '../sound/infer/model-choice'
import { bundledModelsDir } from './bundled-models'
import { predictionsCsv } from '../sound/infer/predictions-csv'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { loadSoundDataset } from '../sound/dataset'
import { generateUrbanSoundFixture, urbanSoundFixtureSize } from '../sound/fixtures/urbansound-synth'
import { listPresets } from '../sound/model'
import type { CrossValidationReport } from '../sound/train/report'
import { table, withWorkspace, type WorkspaceClient } from './cli-connection'
import { follow } from './cli-jobs'
import { positiveNumber, wholeNumber, wholeNumberList } from './cli-options'

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`

/**
 * What `esc train --out` will write: a .zip when the name ends in .zip, else a package folder; checked
 * where the user's shell runs (the same machine as the workspace) with the rules the export applies.
 */
async function checkPackageOut(path: string, home: string): Promise<{ path: string; as: 'zip' | 'folder' }> {
  const targets = new WriteTargets(placesFor(home))
  if (path.toLowerCase().endsWith('.zip')) return { path: targets.file(path, 'model package zips', ['.zip']), as: 'zip' }
  const folder = targets.folder(path, 'model packages')
  await checkPackageFolderTarget(folder)
  return { path: folder, as: 'folder' }
}

/** Runs one sound.train job to its end, progress on stdout (stderr with --json); its report, or the job's error. */
async function trainJob(client: WorkspaceClient, input: Record<string, unknown>, json: boolean | undefined, what: string): Promise<{ id: string; report: CrossValidationReport }> {
  const job = await client.call('jobs.start', { kind: 'sound.train', input })
  const say = (text: string): void => void (json ? process.stderr : process.stdout).write(text)
  say(`${what}: job ${job.id} (${client.where})\n`)
  const final = await follow(client, job.id, say)
  const detail = await client.call('jobs.get', { id: job.id })
  if (final.state !== 'done') throw new PerceptError(detail.error?.code ?? 'INTERNAL', `Training ${final.state}: ${detail.error?.message ?? final.stage}`)
  return { id: job.id, report: detail.result as unknown as CrossValidationReport }
}

/** `percept esc ...`: environmental sound classification (Chen et al. 2019). */
export function registerEscCommands(program: Command): Command {
  const esc = program.command('esc').description('environmental sound classification with dilated CNNs: data sets, training, presets')
  esc
    .command('import <dir>')
    .description('read a data set (UrbanSound8K, ESC-50 or a folder per class): classes, folds, clips and problems')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const dataset = await loadSoundDataset(resolve(dir))
      if (opts.json) {
        const { clips, ...rest } = dataset
        return void process.stdout.write(JSON.stringify({ ...rest, clips: clips.length }, null, 2) + '\n')
      }
      process.stdout.write(`${dataset.name} (${dataset.layout}) at ${dataset.root}: ${dataset.clips.length} clips, ${dataset.classes.length} classes, folds ${dataset.folds.join(', ')}\n\n`)
      process.stdout.write(table([['ID', 'CLASS', 'CLIPS'], ...dataset.summary.perClass.map((c) => [String(c.classId), c.name, String(c.clips)])]))
      if (dataset.problems.length) {
        process.stdout.write(`\n${dataset.problems.length} problem(s), left out:\n`)
        for (const p of dataset.problems.slice(0, 20)) process.stdout.write(`  ${p.path ?? ''}${p.line ? `:${p.line}` : ''} ${p.message}\n`)
      }
    })
  esc
    .command('presets')
    .description("the model structures of the paper's Tables 1-3")
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const presets = listPresets()
      if (opts.json) return void process.stdout.write(JSON.stringify(presets, null, 2) + '\n')
      process.stdout.write(table([['NAME', 'STRUCTURE'], ...presets.map((p) => [p.name, p.notation])]))
    })
  esc
    .command('experiment')
    .description("train several presets on the same folds and settings (every preset of one of the paper's Tables 1-3, or a list) and print the comparison table; kept in the workspace's runs/experiments/ and shown in the Sound workspace")
    .requiredOption('--dataset <dir>', 'the data set folder (or its metadata CSV)')
    .option('--table <n>', "the paper's table: 1, 2 or 3", (v) => {
      if (!['1', '2', '3'].includes(v)) throw new InvalidArgumentError('the paper has Tables 1, 2 and 3.')
      return Number(v) as 1 | 2 | 3
    })
    .option('--presets <list>', 'presets to compare instead of a table, e.g. dilated,pooling', (v) => v.split(',').map((p) => p.trim()).filter(Boolean))
    .option('--folds <list>', 'held-out folds to run, e.g. 1,2 (default: every fold)', wholeNumberList('1,2,3'))
    .option('--epochs <n>', 'epochs per fold (the paper: 500)', wholeNumber(1), 50)
    .option('--filters <list>', 'filters of each convolution, e.g. 32,32,64,64', wholeNumberList('1,2,3'))
    .option('--learning-rate <lr>', 'SGD learning rate (the paper: 0.001)', positiveNumber, 0.001)
    .option('--no-standardize', "feed the raw log-mel and delta values (the paper's way) instead of standardising each channel with the training folds' statistics")
    .option('--seed <n>', 'seeds the initial weights, batch order and dropout masks: the same seed repeats a run', wholeNumber(1), 1)
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; table?: 1 | 2 | 3; presets?: string[]; folds?: number[]; epochs: number; filters?: number[]; learningRate: number; standardize: boolean; seed: number; json?: boolean }) => {
      if ((opts.table === undefined) === (opts.presets === undefined)) throw new PerceptError('VALIDATION', 'Give either --table 1|2|3 or --presets a,b (not both).')
      const say = (text: string): void => void (opts.json ? process.stderr : process.stdout).write(text)
      await withWorkspace(resolveWorkspaceHome(), {}, async (client) => {
        const started = await client.call('sound.startExperiment', {
          dataset: resolve(opts.dataset),
          ...(opts.table ? { table: opts.table } : { presets: opts.presets! }),
          epochs: opts.epochs,
          learningRate: opts.learningRate,
          standardize: opts.standardize,
          seed: opts.seed,
          ...(opts.folds ? { folds: opts.folds } : {}),
          ...(opts.filters ? { filters: opts.filters } : {}),
        })
        say(`experiment ${started.id}: ${started.jobIds.length} runs (${client.where})\n`)
        for (const [i, id] of started.jobIds.entries()) {
          say(`run ${i + 1} of ${started.jobIds.length}: job ${id}\n`)
          const final = await follow(client, id, say)
          if (final.state !== 'done') {
            const detail = await client.call('jobs.get', { id })
            throw new PerceptError(detail.error?.code ?? 'INTERNAL', `Run ${id} ${final.state}: ${detail.error?.message ?? final.stage}`)
          }
        }
        const experiment = (await client.call('sound.experiments', {})).find((e) => e.id === started.id)
        if (!experiment) throw new PerceptError('INTERNAL', `The experiment ${started.id} was not found after its runs.`)
        process.stdout.write(opts.json ? JSON.stringify(experiment, null, 2) + '\n' : `${experiment.markdown ?? ''}\nKept in runs/experiments/${experiment.id}.md\n`)
      })
    })
  esc
    .command('train')
    .description('cross-validate a preset: one model per held-out fold, trained on the other folds (a job)')
    .requiredOption('--dataset <dir>', 'the data set folder (or its metadata CSV)')
    .option('--preset <name>', "model structure (see 'percept esc presets')", 'dilated')
    .option('--folds <list>', 'held-out folds to run, e.g. 1,2 (default: every fold)', wholeNumberList('1,2,3'))
    .option('--epochs <n>', 'epochs per fold (the paper: 500)', wholeNumber(1), 50)
    .option('--filters <list>', 'filters of each convolution, e.g. 32,32,64,64', wholeNumberList('1,2,3'))
    .option('--learning-rate <lr>', 'SGD learning rate (the paper: 0.001)', positiveNumber, 0.001)
    .option('--validation', 'also validate on the fold after the held-out one (left out of training)')
    .option('--vote', 'clip label by majority vote of its segments instead of their mean probability')
    .option('--no-standardize', "feed the raw log-mel and delta values (the paper's way) instead of standardising each channel with the training folds' statistics")
    .option('--seed <n>', 'seeds the initial weights, batch order and dropout masks: the same seed repeats a run', wholeNumber(1), 1)
    .option('--out <dir-or-zip>', 'also write the model package there: a package folder (model.onnx, model.json, card.md), or a .zip when the name ends in .zip')
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; preset: string; folds?: number[]; epochs: number; filters?: number[]; learningRate: number; validation?: boolean; vote?: boolean; standardize: boolean; seed: number; out?: string; json?: boolean }) => {
      const input = {
        dataset: resolve(opts.dataset),
        preset: opts.preset,
        epochs: opts.epochs,
        learningRate: opts.learningRate,
        validation: Boolean(opts.validation),
        standardize: opts.standardize,
        seed: opts.seed,
        aggregation: opts.vote ? ('vote' as const) : ('mean' as const),
        ...(opts.folds ? { folds: opts.folds } : {}),
        ...(opts.filters ? { filters: opts.filters } : {}),
      }
      const home = resolveWorkspaceHome()
      // Refused before training, not after it: a bad --out should not cost a run.
      const out = opts.out === undefined ? undefined : await checkPackageOut(resolve(opts.out), home)
      await withWorkspace(home, {}, async (client) => {
        const { id, report } = await trainJob(client, input, opts.json, input.preset)
        if (out && !report.modelId) throw new PerceptError('INTERNAL', `The run ${id} exported no model, so nothing was written to ${out.path}.`)
        if (out && report.modelId) await client.call('models.export', { id: report.modelId, path: out.path, as: out.as })
        if (opts.json) {
          const folds = report.folds.map((f) => ({ fold: f.fold, trainClips: f.trainClips, testClips: f.testClips, accuracy: f.accuracy }))
          return void process.stdout.write(JSON.stringify({ job: id, preset: report.preset, folds, summary: report.summary, classNames: report.classNames, modelId: report.modelId ?? null }, null, 2) + '\n')
        }
        process.stdout.write(table([['HELD-OUT FOLD', 'TRAIN CLIPS', 'TEST CLIPS', 'ACCURACY'], ...report.folds.map((f) => [String(f.fold), String(f.trainClips), String(f.testClips), pct(f.accuracy)])]))
        process.stdout.write(`\n${report.preset}: ${pct(report.summary.accuracy.mean)} +- ${pct(report.summary.accuracy.std)}; model ${report.modelId ?? 'not exported'}\n`)
      })
    })
  esc
    .command('predict <path>')
    .description('classify a sound file (segment probabilities over time and a clip label) or every sound in a folder')
    .option('--model <dir-zip-or-id>', 'a model package folder, its .zip (as esc train --out writes them), or the id of an installed one (default: the newest installed one trained on the bundled model\'s classes, else the bundled one)')
    .option('--csv <file>', 'for a folder: also write one row per file as CSV')
    .option('--vote', 'clip label by majority vote instead of mean probability')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { model?: string; csv?: string; vote?: boolean; json?: boolean }) => {
      const home = resolveWorkspaceHome()
      const csv = opts.csv === undefined ? undefined : new WriteTargets(placesFor(home)).file(resolve(opts.csv), 'predictions', ['.csv'])
      const files = await soundFilesUnder(resolve(target))
      // By default, a model trained on the classes of the data set the sounds lie in, where there is one.
      const chosen = await resolveSoundModel(opts.model, join(home, 'models'), bundledModelsDir(), files[0])
      const pkg = chosen.pkg
      // The session holds the model in memory: a .zip's unpacked copy is not needed past this point.
      const session = await openOnnxSession(pkg.onnxPath).finally(() => chosen.release())
      try {
        const rows: { path: string; result: SoundClassification | { error: string } }[] = []
        for (const file of files) {
          try {
            rows.push({ path: file, result: await classifySound(await readAudioFile(file), session, pkg.meta, opts.vote ? { aggregation: 'vote' } : {}) })
          } catch (error) {
            rows.push({ path: file, result: { error: (error as Error).message } })
          }
        }
        if (csv) await writeFileAtomic(csv, predictionsCsv(rows, pkg.meta.labels ?? []))
        const single = files.length === 1 && files[0] === resolve(target)
        if (opts.json) {
          const out = rows.map(({ path, result }) => ({ file: path, model: pkg.id, ...result }))
          return void process.stdout.write(JSON.stringify(single ? out[0] : out, null, 2) + '\n')
        }
        for (const { path, result } of rows) {
          process.stdout.write('error' in result ? `${path}: ${result.error}\n` : `${path}: ${result.label} (${pct(result.probability)}, ${result.segments.length} segments)\n`)
        }
      } finally {
        await session.release()
      }
    })
  esc
    .command('fixture <dir>')
    .description('write a synthetic, seeded data set in UrbanSound8K\'s layout (for trying things out and for tests)')
    .option('--seed <n>', 'seed', wholeNumber(1), 1)
    .option('--clips-per-class-per-fold <n>', 'clips of each of the 10 classes in each fold (default 2): the set holds 10 x folds x n clips', wholeNumber(1))
    .option('--clips <n>', 'deprecated: the old name of --clips-per-class-per-fold', wholeNumber(1))
    .option('--folds <n>', 'folds (at most 10)', wholeNumber(1), 10)
    .action(async (dir: string, opts: { seed: number; clipsPerClassPerFold?: number; clips?: number; folds: number }) => {
      if (opts.clips !== undefined) {
        process.stderr.write(`Note: --clips is deprecated; it counts clips per class per fold (10 x folds x n in all): use --clips-per-class-per-fold.\n`)
      }
      const perClassPerFold = opts.clipsPerClassPerFold ?? opts.clips ?? 2
      const options = { seed: opts.seed, clipsPerClassPerFold: perClassPerFold, folds: opts.folds }
      // Said before anything is written: 60 per class per fold over 10 folds is 6000 clips and about 3.5 GB.
      const size = urbanSoundFixtureSize(options)
      process.stdout.write(
        `Writing ${size.clips} clips (10 classes x ${opts.folds} fold${opts.folds === 1 ? '' : 's'} x ${perClassPerFold} per class per fold, ` +
          `${size.seconds >= 3600 ? `${(size.seconds / 3600).toFixed(1)} h` : `${Math.ceil(size.seconds / 60)} min`} of audio), about ${formatBytes(size.bytes)}, into ${resolve(dir)}\n`,
      )
      const fixture = await generateUrbanSoundFixture(resolve(dir), options)
      process.stdout.write(`${resolve(dir)}: ${fixture.clips.length} clips in UrbanSound8K's layout (metadata/UrbanSound8K.csv, audio/fold1..)\n`)
    })
  return program
}
