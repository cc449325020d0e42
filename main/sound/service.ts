import { join } from 'node:path'
import type { MethodInput, MethodOutput, ModelPackageSummary, SoundClassifier, SoundDatasetInfo, SoundPreset } from '../api'
import type { AudioService } from '../audio/service'
import { bundledIdPrefix, listBundledPackages, listModelPackages, readModelPackage } from '../compute/model-package'
import type { OnnxSessionCache } from '../compute/onnx/onnx-session'
import { PerceptError } from '../core/errors'
import { loadSoundDataset } from './dataset'
import { datasetClassesOf } from './dataset/dataset-classes'
import { inThreadClassifier, type ClassifyRunner } from './infer/classify-thread'
import { defaultSoundClassifier, newestFirst } from './infer/default-classifier'
import { describeEscModel } from './model/describe'
import { listPresets } from './model/presets'
import { readExperimentFiles, experimentIndex } from './train/experiment-manifest'
import { presetRef, startExperiment } from './train/experiment-start'
import { listExperiments } from './train/experiments-index'
import { listTrainingRuns, trainingReport, type TrainingContext } from './train/runs-index'
import { floatData } from '../dsp/samples'

/** Longer sounds are classified by `percept esc predict`: the editor's request runs in a thread, but should still answer in seconds. */
const maxSeconds = 600

export interface SoundServiceOptions {
  audio: AudioService
  /** The workspace's models/ folder. */
  modelsDir: string
  /** The app's bundled models (models/ beside the app); its sound/ folder holds classifiers. */
  bundledDir: string | null
  sessions: OnnxSessionCache
  /** Where sound.classify runs: the app passes a worker thread (threadClassifier); default this thread, with `sessions`. */
  classify?: ClassifyRunner
  /** The app's job runner and the workspace's runs/ folder, for training from the app. */
  training: TrainingContext
}

function toClassifier(p: ModelPackageSummary, isDefault: boolean): SoundClassifier {
  return {
    id: p.id,
    name: p.meta.name,
    source: p.bundled ? 'bundled' : 'installed',
    classNames: p.meta.labels ?? [],
    accuracy: p.meta.provenance.metrics?.accuracy ?? null,
    createdAt: p.meta.provenance.createdAt,
    provenance: p.meta.provenance,
    default: isDefault,
  }
}

/** Problems of a data set shown before training on it. */
const datasetProblemsShown = 5

/** Training from the app: the cross-validation runs, their reports, and experiments comparing presets. */
export class SoundTraining {
  constructor(private readonly context: TrainingContext) {}

  async runs(): Promise<MethodOutput<'sound.trainingRuns'>> {
    return listTrainingRuns(this.context, experimentIndex(await readExperimentFiles(this.context.runsDir)))
  }

  report(id: string): Promise<MethodOutput<'sound.trainingReport'>> {
    return trainingReport(this.context, id)
  }

  experiments(): Promise<MethodOutput<'sound.experiments'>> {
    return listExperiments(this.context)
  }

  start(input: MethodInput<'sound.startExperiment'>): Promise<MethodOutput<'sound.startExperiment'>> {
    return startExperiment(this.context, input)
  }
}

/** The Sound domain's API: classifiers and classifying an open sound; presets, data sets and training runs. */
export class SoundService {
  /** The training side: cross-validation runs, their reports, experiments. */
  readonly training: SoundTraining

  constructor(private readonly options: SoundServiceOptions) {
    this.training = new SoundTraining(options.training)
  }

  /** Every preset with its place in the paper, filters and parameter count (with ten classes). */
  presets(): SoundPreset[] {
    const presets = listPresets()
    return presets.map((p) => {
      const description = describeEscModel(p.config)
      const isTable = (name: string) => /^t[123]-/.test(name)
      const twin = isTable(p.name) ? undefined : presets.find((q) => isTable(q.name) && q.table === p.table && q.group === p.group && q.test === p.test)
      return { ...presetRef(p), description: p.description, filters: description.filters, params: description.params, aliasOf: twin?.name ?? null }
    })
  }

  /** A data set folder read as training would read it: classes, folds, clips and the first problems. */
  async dataset(path: string): Promise<SoundDatasetInfo> {
    const dataset = await loadSoundDataset(path)
    return {
      root: dataset.root,
      name: dataset.name,
      layout: dataset.layout,
      clips: dataset.clips.length,
      classes: dataset.summary.perClass.map((c) => ({ id: c.classId, name: c.name, clips: c.clips })),
      folds: dataset.summary.perFold.map((f) => ({ fold: f.fold, clips: f.clips })),
      problems: {
        count: dataset.problems.length,
        first: dataset.problems.slice(0, datasetProblemsShown).map((p) => `${p.path ?? ''}${p.line ? `:${p.line}` : ''} ${p.message}`.trim()),
      },
    }
  }

  /** `id`: an open sound; the default is then a model trained on the classes of the data set it lies in, if any. */
  async classifiers(id?: string): Promise<SoundClassifier[]> {
    const sound = (list: ModelPackageSummary[]) => list.filter((p) => p.meta.task === 'sound-classification')
    const installed = newestFirst(sound(await listModelPackages(this.options.modelsDir)))
    const bundled = sound(await listBundledPackages(this.options.bundledDir, 'sound'))
    const path = id ? this.options.audio.sounds.find(id)?.path : undefined
    const chosen = defaultSoundClassifier(installed, bundled, path ? await datasetClassesOf(path) : null)
    return [...installed, ...bundled].map((p) => toClassifier(p, p === chosen))
  }

  async classify(input: MethodInput<'sound.classify'>): Promise<MethodOutput<'sound.classify'>> {
    const sound = this.options.audio.sounds.get(input.id)
    if (sound.info.duration > maxSeconds) {
      throw new PerceptError(
        'VALIDATION',
        `${sound.name} is ${Math.round(sound.info.duration / 60)} minutes long; the editor classifies up to ${maxSeconds / 60} minutes. ` +
          `Classify it from the command line: percept esc predict "${sound.path}" --json`,
      )
    }
    const id = input.model ?? (await this.classifiers(input.id)).find((c) => c.default)?.id
    if (!id) throw new PerceptError('NOT_FOUND', 'No sound classifier is installed: train one (Sound > Train, or percept esc train) or import a package in Models.')
    const dir = id.startsWith(bundledIdPrefix) && this.options.bundledDir ? join(this.options.bundledDir, 'sound', id.slice(bundledIdPrefix.length)) : join(this.options.modelsDir, id)
    const pkg = await readModelPackage(dir)
    const classify = this.options.classify ?? inThreadClassifier(this.options.sessions)
    const result = await classify({ audio: floatData(sound.audio), onnxPath: pkg.onnxPath, meta: pkg.meta })
    return { model: { id, name: pkg.meta.name }, ...result }
  }
}
