import { PerceptError } from '../../core/errors'
import type { SoundClip, SoundDataset } from './types'

/*
 * The predefined-fold protocol (UrbanSound8K's ten folds, ESC-50's five): hold one fold out for
 * testing, train on the others. A validation fold, when asked for, is one of the training folds,
 * never the test fold. Splitting by whole folds keeps together what the data's folds keep
 * together (the slices of one recording), so no test clip or its siblings reach training.
 */

export interface FoldSplitOptions {
  /** A training fold to validate on, or 'next': the fold after the held-out one, cyclically. */
  validationFold?: number | 'next'
}

export interface FoldSplit {
  testFold: number
  validationFold?: number
  trainFolds: number[]
  train: SoundClip[]
  validation: SoundClip[]
  test: SoundClip[]
  /**
   * Sources with clips both in the test fold and in train or validation: folds that do not keep
   * a recording together (none in the published folds; possible in hashed or hand-made ones).
   */
  sharedSources: string[]
}

export function foldSplit(
  dataset: Pick<SoundDataset, 'name' | 'folds' | 'clips'>,
  heldOutFold: number,
  options: FoldSplitOptions = {},
): FoldSplit {
  const { folds } = dataset
  const listed = `${dataset.name}'s folds are ${folds.join(', ')}`
  const at = folds.indexOf(heldOutFold)
  if (at < 0) throw new PerceptError('VALIDATION', `Fold ${heldOutFold} holds no clips: ${listed}.`)
  const needed = options.validationFold === undefined ? 2 : 3
  if (folds.length < needed) {
    throw new PerceptError('VALIDATION', `Training on held-out folds needs at least ${needed} folds with clips: ${listed}.`)
  }
  const validationFold = options.validationFold === 'next' ? folds[(at + 1) % folds.length] : options.validationFold
  if (validationFold === heldOutFold) {
    throw new PerceptError('VALIDATION', `The validation fold must be a training fold, not the held-out test fold ${heldOutFold}.`)
  }
  if (validationFold !== undefined && !folds.includes(validationFold)) {
    throw new PerceptError('VALIDATION', `Validation fold ${validationFold} holds no clips: ${listed}.`)
  }
  const train: SoundClip[] = []
  const validation: SoundClip[] = []
  const test: SoundClip[] = []
  for (const clip of dataset.clips) {
    if (clip.fold === heldOutFold) test.push(clip)
    else if (clip.fold === validationFold) validation.push(clip)
    else train.push(clip)
  }
  const testSources = new Set(test.map((clip) => clip.source))
  const shared = new Set([...train, ...validation].map((clip) => clip.source).filter((source) => testSources.has(source)))
  return {
    testFold: heldOutFold,
    ...(validationFold !== undefined && { validationFold }),
    trainFolds: folds.filter((fold) => fold !== heldOutFold && fold !== validationFold),
    train,
    validation,
    test,
    sharedSources: [...shared].filter((source) => source !== undefined),
  }
}
