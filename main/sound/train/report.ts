import { z } from 'zod'
import type { EscModelConfig } from '../model'
import { meanStd } from './evaluate'

export const aggregationSchema = z.enum(['mean', 'vote'])

/** A run's report, in its runs/<job>/ folder once every held-out fold is done. */
export const reportFileName = 'report.json'
/** The report of the folds done so far, rewritten after each one while the run goes on (removed at the end). */
export const partialReportFileName = 'report.partial.json'

export interface FoldResult {
  fold: number
  /** The folds it was trained on (never `fold`). */
  trainFolds: number[]
  trainClips: number
  validationClips: number
  testClips: number
  /** Clip accuracy on the held-out fold. */
  accuracy: number
  perClass: (number | null)[]
  /** confusion[truth][predicted], classes in `classNames` order. */
  confusion: number[][]
  finalLoss: number | null
  validationAccuracy: number | null
  /** The input statistics of this fold's training clips, when the run standardised its inputs. */
  standardize?: { mean: number[]; std: number[] }
}

/** What a cross-validation run reports (and keeps as runs/<job>/report.json). */
export interface CrossValidationReport {
  preset: string
  config: EscModelConfig
  dataset: { root: string; name: string; layout: string; clips: number }
  classNames: string[]
  epochs: number
  batchSize: number
  learningRate: number
  aggregation: 'mean' | 'vote'
  seed: number
  backend: string
  folds: FoldResult[]
  summary: {
    /** Mean and sample std of the per-fold accuracies. */
    accuracy: { mean: number; std: number }
    /** Per class, the mean over folds that had clips of it. */
    perClass: (number | null)[]
    /** Summed over folds. */
    confusion: number[][]
  }
  /** Clips whose features could not be computed (left out). */
  featureProblems: number
  modelId?: string | null
  /** Only in a partial report: every held-out fold the run will test (those in `folds` are done). */
  partial?: { folds: number[] }
}

export function summarise(args: {
  input: { preset: string; epochs: number; batchSize: number; learningRate: number; aggregation: 'mean' | 'vote'; seed: number }
  dataset: CrossValidationReport['dataset']
  classNames: string[]
  config: EscModelConfig
  results: FoldResult[]
  featureProblems: number
  backend: string
}): CrossValidationReport {
  const { input, results, classNames } = args
  const k = classNames.length
  const confusion = Array.from({ length: k }, (_, t) => Array.from({ length: k }, (_, p) => results.reduce((s, r) => s + (r.confusion[t]?.[p] ?? 0), 0)))
  const perClass = classNames.map((_, c) => {
    const values = results.map((r) => r.perClass[c]).filter((v): v is number => typeof v === 'number')
    return values.length ? meanStd(values).mean : null
  })
  return {
    preset: input.preset,
    config: args.config,
    dataset: args.dataset,
    classNames,
    epochs: input.epochs,
    batchSize: input.batchSize,
    learningRate: input.learningRate,
    aggregation: input.aggregation,
    seed: input.seed,
    backend: args.backend,
    folds: [...results].sort((a, b) => a.fold - b.fold),
    summary: { accuracy: meanStd(results.map((r) => r.accuracy)), perClass, confusion },
    featureProblems: args.featureProblems,
  }
}
