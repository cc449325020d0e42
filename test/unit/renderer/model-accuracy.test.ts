import { describe, expect, it } from 'vitest'
import { describeAccuracy } from '../../../renderer/src/lib/model-accuracy'

const createdAt = '2026-01-01T00:00:00.000Z'

describe('a model accuracy says what it was measured on', () => {
  it('the bundled model: percent, held-out clips, synthetic, folds', () => {
    const provenance = { createdAt, metrics: { accuracy: 0.9, accuracy_std: 0 }, testExamples: 30, heldOutFolds: 1, synthetic: true }
    expect(describeAccuracy(provenance, 'sound-classification')).toBe('90% on 30 synthetic clips (1 held-out fold)')
  })

  it('recorded data, several folds, a fraction kept to one decimal', () => {
    const provenance = { createdAt, metrics: { accuracy: 0.8734 }, testExamples: 873, heldOutFolds: 10, synthetic: false }
    expect(describeAccuracy(provenance, 'sound-classification')).toBe('87.3% on 873 clips (10 held-out folds)')
    expect(describeAccuracy({ ...provenance, testExamples: 1, heldOutFolds: undefined }, 'generic')).toBe('87.3% on 1 example')
  })

  it('an older package: synthetic from its data set name, and no claim about what it was measured on', () => {
    const provenance = { createdAt, dataset: 'Synthetic fixture in UrbanSound8K layout (urbansound8k)', metrics: { accuracy: 0.9 } }
    expect(describeAccuracy(provenance, 'sound-classification')).toBe('90% on synthetic data (what it was measured on is not recorded)')
    expect(describeAccuracy({ createdAt, metrics: { accuracy: 0.5 } }, 'generic')).toBe('50% (what it was measured on is not recorded)')
  })

  it('no accuracy, no text', () => {
    expect(describeAccuracy({ createdAt, metrics: { dice: 0.8 } }, 'mri-segmentation')).toBeNull()
  })
})
