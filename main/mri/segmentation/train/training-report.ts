/** What one mri.train run reports (the job's result, and what the card and the experiment report read). */
import type { KernelMode } from '../network'
import type { LossKind } from '../losses'

export interface EpochRecord {
  epoch: number
  loss: number
  /** Validation Dice per structure (label 1 ...), null where no validation subject had the structure. */
  validationDice: (number | null)[]
  validationMeanDice: number | null
  seconds: number
}

export interface TrainingReport {
  job: string
  mode: KernelMode
  loss: LossKind
  learningRate: number
  size: number
  spacingMm: [number, number, number]
  baseFilters: number
  blocks: number[]
  parameters: number
  batchSize: number
  epochs: number
  seed: number
  split: { index: number; train: string[]; validation: string[]; test: string[] }
  dataset: { root: string; layout: string; subjects: number; leftOut: number; synthetic: boolean }
  /** Output order, index 0 the background. */
  labels: string[]
  history: EpochRecord[]
  bestEpoch: number
  validationMeanDice: number | null
  /** The best epoch's model on the test part: per structure (label 1 ...) and mean. */
  test: { dice: (number | null)[]; meanDice: number | null; subjects: number }
  /** Mean wall time of one optimizer step (one batch), seconds. */
  secondsPerStep: number
  backend: string
  /** The installed package's id; null when the run was told not to install. */
  modelId: string | null
}
