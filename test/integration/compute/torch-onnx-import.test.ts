import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PerceptApp } from '../../../main/app/compose'
import { OnnxSessionCache, type OnnxOutput } from '../../../main/compute/onnx'
import { decodeNpy } from '../../../main/dsp/features'
import { routerCalls } from '../../helpers/router-calls'
import { tempApp } from '../../helpers/temp-app'

/*
 * A model made outside this project: a small CNN built and exported by PyTorch itself
 * (scripts/reference/export_torch_cnn.py wrote the fixture, with PyTorch's outputs for a fixed
 * input). It is imported the way `percept models import` does it (models.import through the router,
 * which validates it against model.json in onnxruntime) and run by the session cache inference
 * uses; onnxruntime must reproduce PyTorch's outputs within 1e-5. No Python at test time.
 */

const fixture = fileURLToPath(new URL('../../fixtures/onnx/torch-cnn/', import.meta.url))
const readNpy = (name: string): { data: Float32Array; shape: number[] } => decodeNpy(readFileSync(join(fixture, name)))

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

let app: PerceptApp
let close: () => void
const { call } = routerCalls(() => app)
const sessions = new OnnxSessionCache()
let modelPath: string

beforeAll(() => {
  ;({ app, close } = tempApp())
})
afterAll(async () => {
  await sessions.releaseAll()
  close()
})

describe('a PyTorch-exported ONNX model, imported and run', () => {
  const input = readNpy('input.npy')
  const expected = { logits: readNpy('logits.npy'), probabilities: readNpy('probabilities.npy') }

  it('imports through models.import as a package', async () => {
    const installed = await call<{ id: string; dir: string; meta: { task: string; provenance: { framework?: string } } }>('models.import', {
      path: join(fixture, 'package'),
    })
    expect(installed.id).toBe('torch-cnn-fixture')
    expect(installed.meta.provenance.framework).toMatch(/^pytorch /)
    modelPath = join(installed.dir, 'model.onnx')
    expect(readFileSync(modelPath).equals(readFileSync(join(fixture, 'package', 'model.onnx')))).toBe(true)
    // The workspace's own packages; models bundled with the app are listed after them, marked bundled.
    const listed = await call<{ id: string; bundled?: boolean }[]>('models.list', {})
    expect(listed.filter((m) => !m.bundled).map((m) => m.id)).toEqual(['torch-cnn-fixture'])
  })

  it("reproduces PyTorch's outputs for the whole batch within 1e-5", async () => {
    expect(input.shape).toEqual([3, 64, 41, 2])
    const session = await sessions.get(modelPath)
    expect(session.inputNames).toEqual(['segments'])
    expect(session.outputNames).toEqual(['logits', 'probabilities'])
    const out: Record<string, OnnxOutput> = await sessions.run(modelPath, { segments: input })
    for (const name of ['logits', 'probabilities'] as const) {
      expect(out[name]!.dtype).toBe('float32')
      expect(out[name]!.shape).toEqual(expected[name].shape)
      expect(maxAbsDiff(out[name]!.data as Float32Array, expected[name].data), name).toBeLessThan(1e-5)
    }
    // Not a vacuous match: the logits spread over units and the rows differ.
    const logits = expected.logits.data
    expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(1)
    expect(maxAbsDiff(logits.subarray(0, 10), logits.subarray(10, 20))).toBeGreaterThan(0.1)
  })

  it('takes any batch size (the exported batch axis is dynamic): each example alone gives its row', async () => {
    const perExample = input.data.length / 3
    for (let n = 0; n < 3; n++) {
      const one = { data: input.data.slice(n * perExample, (n + 1) * perExample), shape: [1, 64, 41, 2] }
      const out = await sessions.run(modelPath, { segments: one })
      expect(out.logits!.shape).toEqual([1, 10])
      expect(maxAbsDiff(out.logits!.data as Float32Array, expected.logits.data.subarray(n * 10, (n + 1) * 10))).toBeLessThan(1e-5)
      expect(maxAbsDiff(out.probabilities!.data as Float32Array, expected.probabilities.data.subarray(n * 10, (n + 1) * 10))).toBeLessThan(1e-5)
    }
  })
})
