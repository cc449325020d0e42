import type { ModelPackageSummary } from '../../../main/api'

/** An installed package as models.list answers it; `extra` overrides parts of its model.json. */
export function modelSummary(id: string, extra: Partial<ModelPackageSummary['meta']> = {}): ModelPackageSummary {
  return {
    id,
    dir: `/ws/models/${id}`,
    meta: {
      formatVersion: 1,
      name: id,
      task: 'generic',
      inputs: [{ name: 'x', shape: ['N', 2], dtype: 'float32' }],
      outputs: [{ name: 'p', shape: ['N', 1], dtype: 'float32' }],
      preprocessing: {},
      labels: ['inside'],
      provenance: { createdAt: '2026-01-01T00:00:00Z', runId: 'job-1', metrics: { loss: 0.31, accuracy: 0.9 } },
      ...extra,
    },
  }
}
