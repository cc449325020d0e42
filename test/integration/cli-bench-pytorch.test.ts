/**
 * `percept bench compute --json` and `percept bench esc --json` (--quick) print PyTorch's figure beside ours
 * and the ratio where a Python with torch is found (Debian's python3-torch), else a note saying why.
 */
import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { pythonCandidates } from '../../main/compute/bench/pytorch-reference'
import { requireBuild, runCli } from '../helpers/built-app'

beforeAll(requireBuild)

const torchHere = pythonCandidates().some((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0)

interface Figure {
  label: string
  ours_ms: number
  pytorch_ms: number
  ratio: number
}

type Comparison =
  | { available: true; torch: string; threads: number; rounds: number; reps_per_round: number; figures: Record<string, Figure>; skipped?: Record<string, string> }
  | { available: false; note: string }

/** One round of one repetition (--quick): the ratio is the two times' quotient, rounded to 0.01. */
function expectFigure(figure: Figure | undefined): void {
  expect(figure).toBeDefined()
  expect(figure!.ours_ms).toBeGreaterThan(0)
  expect(figure!.pytorch_ms).toBeGreaterThan(0)
  expect(figure!.ratio).toBeCloseTo(figure!.ours_ms / figure!.pytorch_ms, 1)
}

/** `keys` compared; `optional` ones compared or, where this PyTorch cannot run them, skipped with a reason. */
function expectComparison(comparison: Comparison, keys: string[], optional: string[] = []): void {
  if (!torchHere) {
    expect(comparison.available).toBe(false)
    if (!comparison.available) expect(comparison.note).toMatch(/^PyTorch comparison skipped: .*python3-torch/)
    return
  }
  expect(comparison.available, comparison.available ? '' : comparison.note).toBe(true)
  if (!comparison.available) return
  expect(comparison.rounds).toBe(1)
  expect(comparison.reps_per_round).toBe(1)
  expect(comparison.threads).toBeGreaterThanOrEqual(1)
  const skipped = comparison.skipped ?? {}
  for (const key of optional) {
    if (key in comparison.figures) keys = [...keys, key]
    else expect(skipped[key], `${key} neither compared nor skipped`).toMatch(/\w/)
  }
  expect(Object.keys(comparison.figures).sort()).toEqual([...keys].sort())
  for (const key of keys) expectFigure(comparison.figures[key])
}

describe('bench --json beside PyTorch', () => {
  it("esc: the 'dilated' preset's training step at batch 32", async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'esc', '--quick', '--json'])
    expect(code, stderr).toBe(0)
    const result = JSON.parse(stdout) as { train_step_batch32_ms: number; pytorch: Comparison }
    expect(result.train_step_batch32_ms).toBeGreaterThan(0)
    expectComparison(result.pytorch, ['esc_dilated_preset_train_step'])
    if (result.pytorch.available) expect(result.pytorch.figures.esc_dilated_preset_train_step!.label).toMatch(/^ESC 'dilated' preset train step, batch 32 \(/)
  }, 240_000)

  it('compute (PERCEPT_BACKEND=wasm): the reference CNN training step and its ONNX inference', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'compute', '--quick', '--json'], { PERCEPT_BACKEND: 'wasm' })
    expect(code, stderr).toBe(0)
    const result = JSON.parse(stdout) as {
      backends: Record<string, unknown>
      onnxruntime: {
        cnn_batch32_ms: number | null
        forward_gflop: number
        gflop_per_s: number
        int8: { cnn_batch32_ms: number; max_probability_difference: number; top1_agreement: number }
      }
      pytorch: Comparison
    }
    expect(Object.keys(result.backends)).toEqual(['wasm'])
    const onnx = result.onnxruntime
    expect(onnx.cnn_batch32_ms).toBeGreaterThan(0)
    // One pass at batch 32: four 3x3 convolutions at 64 x 41 positions (2 -> 32, three 32 -> 32), then 32 -> 10.
    expect(onnx.forward_gflop).toBeCloseTo((2 * 32 * (64 * 41 * 9 * (2 * 32 + 3 * 32 * 32) + 32 * 10)) / 1e9, 3)
    expect(Math.abs(onnx.gflop_per_s - onnx.forward_gflop / (onnx.cnn_batch32_ms! / 1000))).toBeLessThan(1)
    // The int8 graph: timed, and its class probabilities close to the float32 graph's on the timed batch.
    expect(onnx.int8.cnn_batch32_ms).toBeGreaterThan(0)
    expect(onnx.int8.max_probability_difference).toBeGreaterThan(0)
    expect(onnx.int8.max_probability_difference).toBeLessThan(0.01)
    expect(onnx.int8.top1_agreement).toBeGreaterThanOrEqual(0.9)
    expectComparison(result.pytorch, ['reference_cnn_train_step', 'reference_cnn_onnx_inference'], ['reference_cnn_onnx_int8_inference', 'reference_cnn_onnx_inference_vs_optimised'])
  }, 240_000)
})
