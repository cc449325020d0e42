import type { MethodInput, SoundDatasetInfo } from '../../../../../../main/api'

/**
 * The "New cross-validation" form: what to train (presets, data set, held-out folds) and how (epochs,
 * filters, learning rate, validation fold, clip aggregation, input standardisation). The renderer keeps
 * the limits of sound.startExperiment's schema (main/api/sound.ts) to say what is wrong before sending;
 * the core checks again.
 */
export interface CrossValidationForm {
  /** The data set folder (or metadata CSV) chosen in the file browser. */
  dataset: string
  /** Presets to compare, by name. */
  presets: string[]
  /** A number input's model: '' while empty. */
  epochs: number | ''
  /** Filters of each convolution, e.g. "32,32,64,64"; empty keeps the presets' own. */
  filters: string
  learningRate: number | ''
  /** Held-out folds; null for every fold of the data set. */
  folds: number[] | null
  validation: boolean
  aggregation: 'mean' | 'vote'
  standardize: boolean
  exportModel: boolean
}

export const formLimits = {
  epochs: { min: 1, max: 10_000 },
  learningRate: { min: 0, max: 1 },
  filter: { min: 1, max: 2048 },
} as const

export function defaultForm(): CrossValidationForm {
  return {
    dataset: '',
    presets: ['dilated', 'pooling'],
    epochs: 50,
    filters: '',
    learningRate: 0.001,
    folds: null,
    validation: false,
    aggregation: 'mean',
    standardize: true,
    exportModel: false,
  }
}

/** "32, 32,64 ,64" -> [32, 32, 64, 64]; empty -> null (the presets' filters); a problem names what to write. */
export function parseFilters(text: string): { filters: number[] | null; problem: string | null } {
  const trimmed = text.trim()
  if (trimmed === '') return { filters: null, problem: null }
  const parts = trimmed.split(/[\s,]+/).filter((part) => part !== '')
  const values = parts.map(Number)
  const { min, max } = formLimits.filter
  if (values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
    return { filters: null, problem: `Filters: write whole numbers from ${min} to ${max} separated by commas, e.g. 32,32,64,64 (or leave it empty for the presets' own).` }
  }
  return { filters: values, problem: null }
}

/** The held-out folds the form would run: those ticked, or every fold of the data set. */
export function chosenFolds(form: Pick<CrossValidationForm, 'folds'>, dataset: SoundDatasetInfo | null): number[] {
  const all = dataset?.folds.map((f) => f.fold) ?? []
  return form.folds ?? all
}

/** One sentence per problem, in the form's order; empty when the form can be sent. */
export function formProblems(form: CrossValidationForm, dataset: SoundDatasetInfo | null): string[] {
  const problems: string[] = []
  if (form.dataset.trim() === '') problems.push('Choose a data set folder (UrbanSound8K, ESC-50 or one folder per class).')
  else if (dataset) {
    const folds = dataset.folds.length
    if (folds < 2) problems.push(`${dataset.name} has ${folds} fold with clips; cross-validation needs at least 2.`)
    else if (form.validation && folds < 3) problems.push(`A validation fold needs at least 3 folds; ${dataset.name} has ${folds}. Turn validation off.`)
    if (form.folds !== null && form.folds.length === 0) problems.push('Tick at least one held-out fold.')
  }
  if (form.presets.length === 0) problems.push('Tick at least one preset to train.')
  const { epochs, learningRate } = form
  if (epochs === '' || !Number.isInteger(epochs) || epochs < formLimits.epochs.min || epochs > formLimits.epochs.max) {
    problems.push(`Epochs: a whole number from ${formLimits.epochs.min} to ${formLimits.epochs.max} (the paper trains 500).`)
  }
  if (learningRate === '' || !Number.isFinite(learningRate) || learningRate <= formLimits.learningRate.min || learningRate > formLimits.learningRate.max) {
    problems.push('Learning rate: a number above 0 and at most 1 (the paper: 0.001).')
  }
  const filters = parseFilters(form.filters)
  if (filters.problem) problems.push(filters.problem)
  return problems
}

/** How many models the form would train: one per preset and held-out fold. */
export function modelCount(form: CrossValidationForm, dataset: SoundDatasetInfo | null): number {
  return form.presets.length * chosenFolds(form, dataset).length
}

/** The sound.startExperiment input for a form without problems; presets keep the order given. */
export function experimentInput(form: CrossValidationForm): MethodInput<'sound.startExperiment'> {
  const filters = parseFilters(form.filters).filters
  return {
    dataset: form.dataset.trim(),
    presets: [...form.presets],
    epochs: Number(form.epochs),
    learningRate: Number(form.learningRate),
    validation: form.validation,
    aggregation: form.aggregation,
    standardize: form.standardize,
    exportModel: form.exportModel,
    ...(filters ? { filters } : {}),
    ...(form.folds ? { folds: [...form.folds].sort((a, b) => a - b) } : {}),
  }
}

/** Ticks or unticks one held-out fold; ticking every fold goes back to "all folds" (null). */
export function toggleFold(folds: number[] | null, fold: number, all: readonly number[]): number[] | null {
  const current = folds ?? [...all]
  const next = current.includes(fold) ? current.filter((f) => f !== fold) : [...current, fold].sort((a, b) => a - b)
  return next.length === all.length && all.every((f) => next.includes(f)) ? null : next
}
