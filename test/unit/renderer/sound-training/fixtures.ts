import type { CrossValidationReportData, SoundExperiment, SoundPreset, SoundTrainingRun } from '../../../../main/api'

/** A two-fold, three-class report with counts chosen so every figure can be worked out by hand. */
export function report(overrides: Partial<CrossValidationReportData> = {}): CrossValidationReportData {
  return {
    preset: 'dilated',
    config: { inputShape: [64, 41, 2], classes: 3, layers: [{ kind: 'conv', filters: 2 }], dropout: 0.5, padding: 'same' },
    dataset: { root: '/data/UrbanSound8K', name: 'UrbanSound8K', layout: 'urbansound8k', clips: 30 },
    classNames: ['dog_bark', 'siren', 'drilling'],
    epochs: 2,
    batchSize: 32,
    learningRate: 0.01,
    aggregation: 'mean',
    seed: 1,
    backend: 'cpu',
    folds: [
      // fold 1: 4 dog_bark (3 right), 4 siren (2 right), 2 drilling (2 right): 7/10
      { fold: 1, trainFolds: [2, 3], trainClips: 20, validationClips: 0, testClips: 10, accuracy: 0.7, perClass: [0.75, 0.5, 1], confusion: [[3, 1, 0], [2, 2, 0], [0, 0, 2]], finalLoss: 1.2, validationAccuracy: null },
      // fold 2: 5/10
      { fold: 2, trainFolds: [1, 3], trainClips: 20, validationClips: 0, testClips: 10, accuracy: 0.5, perClass: [0.5, 0.5, null], confusion: [[2, 2, 0], [3, 3, 0], [0, 0, 0]], finalLoss: 1.4, validationAccuracy: null },
    ],
    summary: { accuracy: { mean: 0.6, std: Math.SQRT2 / 10 }, perClass: [0.625, 0.5, 1], confusion: [[5, 3, 0], [5, 5, 0], [0, 0, 2]] },
    featureProblems: 0,
    modelId: null,
    ...overrides,
  }
}

export function run(id: string, overrides: Partial<SoundTrainingRun> = {}): SoundTrainingRun {
  return {
    id,
    kind: 'sound.train',
    title: 'dilated cross-validation',
    state: 'queued',
    fraction: 0,
    stage: 'queued',
    etaSeconds: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    preset: 'dilated',
    dataset: { path: '/data/UrbanSound8K', name: 'UrbanSound8K' },
    folds: { done: 0, total: 2, list: [1, 2] },
    epochs: 2,
    accuracy: null,
    modelId: null,
    error: null,
    experimentId: null,
    ...overrides,
  }
}

const ref = (name: string, table: 1 | 2 | 3, group: 1 | 2 | 3, test: number, notation: string) => ({ name, table, group, test, notation })

export const presets: SoundPreset[] = [
  { ...ref('dilated', 1, 3, 5, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'), description: '', filters: [32, 32, 64, 64], params: 65930, aliasOf: 't1-g3-dilated' },
  { ...ref('pooling', 1, 3, 6, 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4'), description: '', filters: [32, 32, 64, 64], params: 65930, aliasOf: 't1-g3-pooling' },
  { ...ref('t1-g1-dilated', 1, 1, 1, 'Cov1 + Cov2 + Cov3 + DilaCov1'), description: '', filters: [32, 32, 64, 64], params: 65930, aliasOf: null },
  { ...ref('t2-g1-rate2', 2, 1, 1, 'Cov1 + Cov2 + Cov3 + DilaCov1(2)'), description: '', filters: [32, 32, 64, 64], params: 65930, aliasOf: null },
]

export function experiment(overrides: Partial<SoundExperiment> = {}): SoundExperiment {
  return {
    id: 'experiment-1',
    source: 'app',
    table: 1,
    dataset: 'UrbanSound8K',
    folds: [1, 2],
    epochs: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    state: 'running',
    jobs: [
      { preset: ref('dilated', 1, 3, 5, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'), jobId: 'job-a', state: 'done' },
      { preset: ref('pooling', 1, 3, 6, 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4'), jobId: 'job-b', state: 'running' },
    ],
    rows: [{ preset: ref('dilated', 1, 3, 5, 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'), jobId: 'job-a', mean: 0.6, std: 0.1, folds: 2 }],
    markdown: null,
    ...overrides,
  }
}
