import { z } from 'zod'
import { jobSummarySchema } from './events'
import { jobErrorSchema } from './jobs'
import { modelProvenanceSchema } from './models'

export const soundClassifierSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Installed in the workspace's models/, or shipped with the app (models/sound/). */
  source: z.enum(['installed', 'bundled']),
  classNames: z.array(z.string()),
  /** Cross-validated clip accuracy from its provenance, when recorded. */
  accuracy: z.number().nullable(),
  createdAt: z.string(),
  /** Where it came from: the figures behind `accuracy` (how many held-out clips, synthetic or not). */
  provenance: modelProvenanceSchema,
  /** The one the Sound page and `percept esc predict` use unless told otherwise. */
  default: z.boolean(),
})
export type SoundClassifier = z.infer<typeof soundClassifierSchema>

export const soundClassificationSchema = z.object({
  model: z.object({ id: z.string(), name: z.string() }),
  classNames: z.array(z.string()),
  label: z.string(),
  probability: z.number(),
  /** Mean probability per class over the segments. */
  probabilities: z.array(z.number()),
  aggregation: z.enum(['mean', 'vote']),
  /** Seconds of the sound; ~0.93 s long, every ~0.46 s (50% overlap). */
  segments: z.array(z.object({ start: z.number(), end: z.number(), probabilities: z.array(z.number()) })),
})
export type SoundClassificationResult = z.infer<typeof soundClassificationSchema>

/** One of the paper's Tables 1-3. */
export const paperTableSchema = z.union([z.literal(1), z.literal(2), z.literal(3)])
export type PaperTable = z.infer<typeof paperTableSchema>

const int = z.number().int()
const aggregation = z.enum(['mean', 'vote'])

/** Where a preset sits in the paper: its table, group (1-3), test (1-6) and structure in the paper's notation. */
export const soundPresetRefSchema = z.object({
  name: z.string(),
  table: paperTableSchema,
  /** Groups 1-3 of each table (group g: 4 - g plain convolutions, then g dilated ones). */
  group: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  test: int,
  notation: z.string(),
})
export type SoundPresetRef = z.infer<typeof soundPresetRefSchema>

/** A model structure of Chen et al. (2019), as `percept esc presets` lists it. */
export const soundPresetSchema = soundPresetRefSchema.extend({
  description: z.string(),
  /** Filters of each convolution, in order. */
  filters: z.array(int),
  /** Trainable parameters with ten classes. */
  params: int,
  /** The table preset this one is another name for ('dilated' is t1-g3-dilated), else null. */
  aliasOf: z.string().nullable(),
})
export type SoundPreset = z.infer<typeof soundPresetSchema>

/** What a sound data set folder holds, before training on it. */
export const soundDatasetInfoSchema = z.object({
  root: z.string(),
  name: z.string(),
  layout: z.enum(['urbansound8k', 'esc50', 'folders']),
  clips: int,
  classes: z.array(z.object({ id: int, name: z.string(), clips: int })),
  folds: z.array(z.object({ fold: int, clips: int })),
  /** Rows and files left out, with the first few messages. */
  problems: z.object({ count: int, first: z.array(z.string()) }),
})
export type SoundDatasetInfo = z.infer<typeof soundDatasetInfoSchema>

const escLayerSchema = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('conv'), filters: int, dilation: z.union([int, z.tuple([int, int])]).optional() }),
  z.looseObject({ kind: z.literal('maxpool') }),
])

/** The model configuration a run trained (main/sound/model/config.ts); fields added there pass through. */
const escModelConfigSchema = z.looseObject({
  inputShape: z.tuple([int, int, int]),
  classes: int,
  layers: z.array(escLayerSchema),
  dropout: z.number(),
  padding: z.enum(['same', 'valid']),
  seed: int.optional(),
})

/** One held-out fold's result (main/sound/train/report.ts FoldResult). */
export const soundFoldResultSchema = z.object({
  fold: int,
  /** The folds it was trained on (never `fold`). */
  trainFolds: z.array(int),
  trainClips: int,
  validationClips: int,
  testClips: int,
  /** Clip accuracy on the held-out fold. */
  accuracy: z.number(),
  perClass: z.array(z.number().nullable()),
  /** confusion[truth][predicted], classes in `classNames` order. */
  confusion: z.array(z.array(int)),
  finalLoss: z.number().nullable(),
  validationAccuracy: z.number().nullable(),
  /** The input statistics of this fold's training clips, when the run standardised its inputs. */
  standardize: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
})
export type SoundFoldResult = z.infer<typeof soundFoldResultSchema>

const meanStdSchema = z.object({ mean: z.number(), std: z.number() })

/** What a cross-validation run reports, kept as runs/<job>/report.json (main/sound/train/report.ts). */
export const crossValidationReportSchema = z.object({
  preset: z.string(),
  config: escModelConfigSchema,
  dataset: z.object({ root: z.string(), name: z.string(), layout: z.string(), clips: int }),
  classNames: z.array(z.string()),
  epochs: int,
  batchSize: int,
  learningRate: z.number(),
  aggregation,
  seed: int,
  backend: z.string(),
  folds: z.array(soundFoldResultSchema),
  summary: z.object({
    /** Mean and sample std of the per-fold accuracies. */
    accuracy: meanStdSchema,
    /** Per class, the mean over folds that had clips of it. */
    perClass: z.array(z.number().nullable()),
    /** Summed over folds. */
    confusion: z.array(z.array(int)),
  }),
  /** Clips whose features could not be computed (left out). */
  featureProblems: int,
  modelId: z.string().nullable().optional(),
  /** Only while the run goes on: every held-out fold it will test (those in `folds` are done). */
  partial: z.object({ folds: z.array(int) }).optional(),
})
export type CrossValidationReportData = z.infer<typeof crossValidationReportSchema>

/** A sound.train job as the Training view lists it: the job's summary plus what it trains and how it did. */
export const soundTrainingRunSchema = jobSummarySchema.extend({
  preset: z.string(),
  /** The folder (or CSV) given, and the data set's name (from the report; the folder's name before). */
  dataset: z.object({ path: z.string(), name: z.string() }),
  folds: z.object({
    /** Held-out folds finished so far. */
    done: int,
    /** Folds it will run; null when it runs every fold of a data set not yet read. */
    total: int.nullable(),
    /** The held-out folds asked for; null for every fold. */
    list: z.array(int).nullable(),
  }),
  epochs: int,
  /** Mean and std of the folds' clip accuracy, once the report is written. */
  accuracy: meanStdSchema.nullable(),
  /** The model package it installed, if any. */
  modelId: z.string().nullable(),
  error: jobErrorSchema.nullable(),
  /** The experiment (sound.startExperiment) it belongs to, if any. */
  experimentId: z.string().nullable(),
})
export type SoundTrainingRun = z.infer<typeof soundTrainingRunSchema>

/** One row of a comparison table: a preset, its run, the mean and std of its folds' clip accuracy. */
export const soundExperimentRowSchema = z.object({
  preset: soundPresetRefSchema,
  jobId: z.string(),
  mean: z.number(),
  std: z.number(),
  /** Held-out folds the mean is over. */
  folds: int,
})
export type SoundExperimentRow = z.infer<typeof soundExperimentRowSchema>

/** Experiments kept under runs/experiments/: `percept esc experiment` tables and those started from the app. */
export const soundExperimentSchema = z.object({
  /** The file's name without .json. */
  id: z.string(),
  /** 'cli': a finished table written by `percept esc experiment`; 'app': sound.startExperiment's manifest. */
  source: z.enum(['cli', 'app']),
  /** The paper's table when every preset is of one table, else null. */
  table: paperTableSchema.nullable(),
  dataset: z.string(),
  folds: z.array(int),
  epochs: int,
  createdAt: z.string(),
  /** done: every run finished; running: some still queued or running; stopped: some failed, cancelled or interrupted. */
  state: z.enum(['running', 'done', 'stopped']),
  jobs: z.array(z.object({ preset: soundPresetRefSchema, jobId: z.string(), state: jobSummarySchema.shape.state.nullable() })),
  /** Rows of the runs that are done, in the table's order. */
  rows: z.array(soundExperimentRowSchema),
  /** The table in the paper's shape (as `percept esc experiment` prints it) once done, else null. */
  markdown: z.string().nullable(),
})
export type SoundExperiment = z.infer<typeof soundExperimentSchema>

const epochs = z.number().int().min(1).max(10_000)

export const soundStartExperimentInputSchema = z
  .object({
    /** A data set folder (UrbanSound8K, ESC-50, folder per class) or its metadata CSV. */
    dataset: z.string().min(1),
    /** Presets to compare (see sound.presets); or `table`. */
    presets: z.array(z.string().min(1)).min(1).max(32).optional(),
    /** Every preset of one of the paper's tables; or `presets`. */
    table: paperTableSchema.optional(),
    epochs: epochs.default(50),
    /** Filters of each convolution in order, replacing the presets' (the last count repeats). */
    filters: z.array(z.number().int().min(1).max(2048)).min(1).max(64).optional(),
    learningRate: z.number().positive().max(1).default(0.001),
    /** Held-out folds (one model each); default every fold of the data set. */
    folds: z.array(z.number().int().min(0)).min(1).max(100).optional(),
    batchSize: z.number().int().min(1).max(4096).optional(),
    /** Also validate on the fold after the held-out one (left out of training). */
    validation: z.boolean().default(false),
    aggregation: aggregation.default('mean'),
    /** Standardise each input channel with the training folds' mean and std (not in the paper; converges in far fewer epochs). */
    standardize: z.boolean().default(true),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** Install each run's last model as a package (Models page). */
    exportModel: z.boolean().default(false),
  })
  .strict()
  .refine((input) => (input.presets === undefined) !== (input.table === undefined), {
    message: 'Give either presets (a list of preset names) or table (1, 2 or 3), not both.',
  })
export type SoundStartExperimentInput = z.input<typeof soundStartExperimentInputSchema>

export const soundMethods = {
  'sound.classifiers': {
    description:
      'Sound classifiers that can run: installed packages (newest first), then the bundled ones; `default` marks the one used unless told otherwise ' +
      '(for the open sound `id`: one trained on the classes of the data set it lies in, where there is one).',
    input: z.object({ id: z.string().min(1).optional() }).strict(),
    output: z.array(soundClassifierSchema),
  },
  'sound.classify': {
    description: 'Classify an open sound (audio.open) with a classifier: segment probabilities over time and a clip label.',
    input: z.object({ id: z.string().min(1), model: z.string().min(1).optional() }).strict(),
    output: soundClassificationSchema,
  },
  'sound.presets': {
    description: "The model structures of the paper's Tables 1-3 ('dilated' and 'pooling' first), as `percept esc presets` lists them.",
    input: z.object({}).strict(),
    output: z.array(soundPresetSchema),
  },
  'sound.dataset': {
    description: 'Read a sound data set folder (or its metadata CSV): layout, classes, folds and problems.',
    input: z.object({ path: z.string().min(1) }).strict(),
    output: soundDatasetInfoSchema,
  },
  'sound.trainingRuns': {
    description: 'The sound.train jobs (cross-validations), newest first, with their preset, data set, folds and accuracy.',
    input: z.object({}).strict(),
    output: z.array(soundTrainingRunSchema),
  },
  'sound.trainingReport': {
    description: "A cross-validation run's report (runs/<job>/report.json): per-fold results, per-class accuracy, confusion matrices.",
    input: z.object({ id: z.string().min(1) }).strict(),
    output: crossValidationReportSchema,
  },
  'sound.experiments': {
    description: 'Experiments kept under runs/experiments/, newest first, with the comparison table of their finished runs.',
    input: z.object({}).strict(),
    output: z.array(soundExperimentSchema),
  },
  'sound.startExperiment': {
    description: 'Start one sound.train job per preset on the same data set, folds and settings, and keep the experiment under runs/experiments/.',
    input: soundStartExperimentInputSchema,
    output: z.object({ id: z.string(), jobIds: z.array(z.string()), jobs: z.array(jobSummarySchema) }),
  },
} as const
