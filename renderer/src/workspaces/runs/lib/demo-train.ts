/**
 * The input of a `demo.train` job (main/core/jobs/demo-train.ts): a tiny dense network on a seeded
 * synthetic 2-class problem. The renderer keeps its own copy of the fields it offers, since it imports
 * main/ as types only; the job runner validates the input again.
 */
export interface DemoTrainNumbers {
  epochs: number
  samples: number
  batchSize: number
  hidden: number
  learningRate: number
  seed: number
  /** A pause before each epoch, so there is time to watch the charts move and to cancel. */
  epochDelayMs: number
}

export interface DemoTrainForm extends DemoTrainNumbers {
  /** Install the trained network as an ONNX model package (shown on the Models page) when done. */
  exportModel: boolean
}

export const demoTrainKind = 'demo.train'

/** Defaults chosen to run for about ten seconds: long enough to watch, short enough to wait for. */
export const demoTrainDefaults: DemoTrainForm = {
  epochs: 20,
  samples: 256,
  batchSize: 32,
  hidden: 16,
  learningRate: 0.02,
  seed: 42,
  epochDelayMs: 400,
  exportModel: true,
}

/** The limits of the job's schema, for the form's min/max and the check below. */
export const demoTrainLimits: Record<keyof DemoTrainNumbers, { min: number; max: number; integer: boolean }> = {
  epochs: { min: 1, max: 1000, integer: true },
  samples: { min: 8, max: 100_000, integer: true },
  batchSize: { min: 1, max: 4096, integer: true },
  hidden: { min: 1, max: 512, integer: true },
  learningRate: { min: 0.000001, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  epochDelayMs: { min: 0, max: 60_000, integer: true },
}

export const demoTrainLabels: Record<keyof DemoTrainNumbers, string> = {
  epochs: 'Epochs',
  samples: 'Samples',
  batchSize: 'Batch size',
  hidden: 'Hidden units',
  learningRate: 'Learning rate',
  seed: 'Seed',
  epochDelayMs: 'Pause per epoch (ms)',
}

/** One line per field outside its limits; empty when the form can be sent. */
export function demoTrainProblems(form: DemoTrainForm): string[] {
  const problems: string[] = []
  for (const key of Object.keys(demoTrainLimits) as Array<keyof DemoTrainNumbers>) {
    const { min, max, integer } = demoTrainLimits[key]
    const value = form[key]
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${demoTrainLabels[key]} must be a number.`)
    else if (integer && !Number.isInteger(value)) problems.push(`${demoTrainLabels[key]} must be a whole number.`)
    else if (value < min || value > max) problems.push(`${demoTrainLabels[key]} must be between ${min} and ${max}.`)
  }
  return problems
}
