import { resolve } from 'node:path'
import type { JobSummary, MethodInput, MethodOutput, SoundPresetRef } from '../../api'
import { soundStartExperimentInputSchema } from '../../api'
import { PerceptError } from '../../core/errors'
import { loadSoundDataset } from '../dataset'
import { listPresets, type EscPreset } from '../model/presets'
import { soundTrainInput } from './cross-validate'
import { newExperimentId, writeManifest, type ExperimentManifest } from './experiment-manifest'
import { soundTrainKind, type TrainingContext } from './runs-index'

export const presetRef = (p: EscPreset): SoundPresetRef => ({ name: p.name, table: p.table, group: p.group, test: p.test, notation: p.notation })

/** The presets asked for, in the order `listPresets` gives ('dilated', 'pooling', then the tables in the paper's order). */
function choosePresets(names: readonly string[] | undefined, table: 1 | 2 | 3 | undefined): EscPreset[] {
  const all = listPresets()
  if (table !== undefined) {
    // experiment.ts tablePresets: the table's own presets (not the aliases), by group then test.
    return all.filter((p) => p.table === table && p.name.startsWith(`t${table}-`)).sort((a, b) => a.group - b.group || a.test - b.test)
  }
  const wanted = new Set(names)
  const unknown = [...wanted].filter((name) => !all.some((p) => p.name === name))
  if (unknown.length) {
    throw new PerceptError('VALIDATION', `Unknown preset${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Presets: ${all.map((p) => p.name).join(', ')}.`)
  }
  return all.filter((p) => wanted.has(p.name))
}

/** The table every preset belongs to, or null for presets of several tables. */
function commonTable(presets: readonly EscPreset[]): 1 | 2 | 3 | null {
  const tables = new Set(presets.map((p) => p.table))
  return tables.size === 1 ? [...tables][0]! : null
}

/**
 * Queues one sound.train job per preset on the same data set, held-out folds and settings, then keeps
 * the experiment's manifest under runs/experiments/ (atomically). The data set is read first, so a
 * wrong folder or fold is refused before anything is queued; every job's input is checked before the
 * first one starts. The jobs run one at a time in the training queue.
 */
export async function startExperiment(context: TrainingContext, raw: MethodInput<'sound.startExperiment'>): Promise<MethodOutput<'sound.startExperiment'>> {
  const input = soundStartExperimentInputSchema.parse(raw)
  const presets = choosePresets(input.presets, input.table)
  const datasetPath = resolve(input.dataset)
  const dataset = await loadSoundDataset(datasetPath)
  if (dataset.clips.length === 0) {
    throw new PerceptError('VALIDATION', `${dataset.root} holds no usable clips${dataset.problems.length ? ` (${dataset.problems.length} problems, e.g. ${dataset.problems[0]!.message})` : ''}.`)
  }
  const needed = input.validation ? 3 : 2
  if (dataset.folds.length < needed) {
    throw new PerceptError(
      'VALIDATION',
      `${dataset.name} has ${dataset.folds.length} fold${dataset.folds.length === 1 ? '' : 's'} with clips (${dataset.folds.join(', ')}); cross-validation${input.validation ? ' with a validation fold' : ''} needs at least ${needed}.`,
    )
  }
  const folds = input.folds ? [...new Set(input.folds)].sort((a, b) => a - b) : dataset.folds
  const missing = folds.filter((f) => !dataset.folds.includes(f))
  if (missing.length) {
    throw new PerceptError('VALIDATION', `Fold${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${dataset.name} hold${missing.length > 1 ? '' : 's'} no clips; its folds are ${dataset.folds.join(', ')}.`)
  }
  const settings = {
    dataset: datasetPath,
    folds,
    epochs: input.epochs,
    learningRate: input.learningRate,
    validation: input.validation,
    aggregation: input.aggregation,
    standardize: input.standardize,
    exportModel: input.exportModel,
    ...(input.filters ? { filters: input.filters } : {}),
    ...(input.batchSize !== undefined ? { batchSize: input.batchSize } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
  }
  const jobInputs = presets.map((preset) => {
    const parsed = soundTrainInput.safeParse({ ...settings, preset: preset.name })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new PerceptError('VALIDATION', `Invalid training settings: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}.`)
    }
    return parsed.data
  })

  const started: JobSummary[] = []
  const undo = async () => {
    for (const job of started) await context.jobs.cancel(job.id).catch(() => undefined)
  }
  try {
    for (const jobInput of jobInputs) started.push(context.jobs.start(soundTrainKind, jobInput))
    const manifest: ExperimentManifest = {
      format: 'percept.sound-experiment',
      version: 1,
      id: newExperimentId(),
      table: commonTable(presets),
      dataset: { path: datasetPath, name: dataset.name },
      folds,
      epochs: input.epochs,
      settings,
      createdAt: new Date().toISOString(),
      jobs: presets.map((preset, i) => ({ preset: presetRef(preset), jobId: started[i]!.id })),
    }
    await writeManifest(context.runsDir, manifest)
    return { id: manifest.id, jobIds: started.map((j) => j.id), jobs: started }
  } catch (error) {
    await undo()
    if (error instanceof PerceptError) throw error
    throw new PerceptError('INTERNAL', `Could not keep the experiment under runs/experiments/: ${(error as Error).message}. Its runs were cancelled.`)
  }
}
