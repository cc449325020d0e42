/**
 * `percept bench enhance --quick --json`: every path of the speech-enhancement benchmark once, on a
 * trial-sized network: the real-time factor per model (bundled and the trial-sized export), streaming
 * latency and time per frame, a training step per model beside PyTorch's where a Python with torch is
 * found (else a note saying why); and with no Python at all, the note.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { pythonCandidates } from '../../main/compute/bench/pytorch-reference'
import type { EnhanceBenchResult } from '../../main/enhance/bench/enhance-bench'
import { repoRoot, requireBuild, runCli } from '../helpers/built-app'

const torchHere = pythonCandidates().some((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0)
beforeAll(() => requireBuild())

describe('percept bench enhance --quick --json', () => {
  it('times enhancement, streaming and a training step per model', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'enhance', '--quick', '--json'])
    expect(code, stderr).toBe(0)
    const r = JSON.parse(stdout) as EnhanceBenchResult
    expect(r.quick).toBe(true)
    expect(r.sizes).toEqual({ conv_channels: 2, embedding: 4, batch: 16 })
    expect(r.streaming_latency).toEqual({ samples: 1244, ms: 77.75, hop_samples: 311, hop_ms: 19.4375 })
    expect(Object.keys(r.models)).toEqual(['unimodal', 'multimodal', 'mburst'])
    for (const [kind, m] of Object.entries(r.models)) {
      expect(m.real_time_factor.paper_size).toBeGreaterThan(0)
      // the trial-sized network exports to ONNX (the paper's 32.8 M-weight embedding may fall back to TF.js)
      expect(m.paper_size_runtime).toBe('onnxruntime')
      // the bundled models ship with the sources (models/enhance)
      expect(m.real_time_factor.bundled).toBeGreaterThan(0)
      expect(m.real_time_factor.bundled_streaming).toBeGreaterThan(0)
      // the sizes its model.json records (the bundled models are retrained as the fixture grows)
      const { architecture } = JSON.parse(readFileSync(join(repoRoot, 'models', 'enhance', kind, 'model.json'), 'utf8')).preprocessing
      expect(m.bundled_sizes).toEqual({ conv_channels: architecture.convChannels, embedding: architecture.embedding })
      expect(m.streaming.per_frame_ms).toBeGreaterThan(0)
      expect(m.streaming.real_time_factor).toBeCloseTo(m.streaming.per_frame_ms / 19.4375, 3)
      expect(m.train_step_ms.ours).toBeGreaterThan(0)
      if (torchHere) {
        expect(m.train_step_ms.pytorch).toBeGreaterThan(0)
        expect(m.train_step_ms.ratio).toBeCloseTo(m.train_step_ms.ours / m.train_step_ms.pytorch!, 1)
      }
    }
    if (torchHere) expect(r.pytorch).toMatchObject({ threads: expect.any(Number), torch: expect.any(String) })
    else expect((r.pytorch as { note: string }).note).toMatch(/python3-torch/)
  }, 300_000)

  it('says why the PyTorch column is empty when no Python has torch', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'enhance', '--quick', '--json'], { PERCEPT_PYTHON: 'no-such-python' })
    expect(code, stderr).toBe(0)
    const r = JSON.parse(stdout) as EnhanceBenchResult
    expect((r.pytorch as { note: string }).note).toMatch(/^PyTorch step skipped \(no-such-python: .*\); install Debian's python3-torch/)
    for (const m of Object.values(r.models)) expect(m.train_step_ms).toMatchObject({ pytorch: null, ratio: null })
  }, 300_000)
})
