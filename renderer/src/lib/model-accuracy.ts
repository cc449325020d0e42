import type { ModelProvenance, ModelTask } from '../../../main/api'

/** What one held-out example of a task is called. */
const exampleNouns: Partial<Record<ModelTask, string>> = { 'sound-classification': 'clip', 'mri-segmentation': 'scan' }

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

/** 0.9 -> "90%", 0.8734 -> "87.3%". */
function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1).replace(/\.0$/, '')}%`
}

/**
 * A model's accuracy with what it was measured on, e.g. "90% on 30 synthetic clips (1 held-out fold)":
 * a bare percentage reads as a promise about the user's data. Older packages without the test figures
 * say that this is not recorded. Null when no accuracy was recorded.
 */
export function describeAccuracy(provenance: ModelProvenance, task: ModelTask): string | null {
  const accuracy = provenance.metrics?.accuracy
  if (accuracy === undefined) return null
  // Packages written before `synthetic` was recorded still name their synthetic data set.
  const synthetic = provenance.synthetic ?? /^synthetic/i.test(provenance.dataset ?? '')
  const noun = `${synthetic ? 'synthetic ' : ''}${exampleNouns[task] ?? 'example'}`
  // Without the test figures it may even be training accuracy: claim nothing about what it was measured on.
  if (provenance.testExamples === undefined) return `${percent(accuracy)}${synthetic ? ' on synthetic data' : ''} (what it was measured on is not recorded)`
  const folds = provenance.heldOutFolds === undefined ? '' : ` (${plural(provenance.heldOutFolds, 'held-out fold')})`
  return `${percent(accuracy)} on ${plural(provenance.testExamples, noun)}${folds}`
}
