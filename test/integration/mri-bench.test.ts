import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KERNEL_MODES } from '../../main/mri/segmentation/network'
import { formatMriBench, runMriBench, type MriBenchResult } from '../../main/mri/bench/mri-bench'
import { endToEndModel, STRUCTURE_LABELS } from '../../main/mri/bench/segmentation-bench'
import { locateTorchScript, pythonCandidates, TorchSegmentationReference } from '../../main/mri/bench/torch-reference'
import { writeBandModel } from '../fixtures/mri-seg/band-model'

// `percept bench mri --quick`: a smoke run of every figure (issue 13's segmentation ones included). Timings are
// not tested, only that each figure is there and sane; PyTorch's column where python3-torch is installed, else
// the note saying how to get it.
let result: MriBenchResult
const lines: string[] = []

const positive = (v: number) => expect(Number.isFinite(v) && v > 0, String(v)).toBe(true)

describe('percept bench mri --quick', () => {
  beforeAll(async () => {
    result = await runMriBench({ quick: true, bundledDir: null, log: (line) => lines.push(line) })
  }, 600_000)

  it('times a training step per kernel mode on the TF.js backend, with the PCC loss in range', () => {
    const { train_step, backend } = result.segmentation
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend)
    expect(train_step.size).toBe(16)
    expect(train_step.plan).toEqual({ baseFilters: 4, blocks: [2, 3, 3, 3], labels: 20, batch: 1, loss: 'pcc', optimizer: 'nadam' })
    for (const mode of KERNEL_MODES) {
      positive(train_step.ms[mode])
      positive(train_step.parameters[mode])
      expect(train_step.loss[mode]).toBeGreaterThan(0)
      expect(train_step.loss[mode]).toBeLessThan(1)
    }
    // Gabor kernels: 8 parameters a channel pair where conventional ones have 27.
    expect(train_step.parameters.gabor).toBeLessThan(train_step.parameters.mixed)
    expect(train_step.parameters.mixed).toBeLessThan(train_step.parameters.conventional)
  })

  it('runs the exported mixed network in onnxruntime on every core', () => {
    const { infer_onnx } = result.segmentation
    expect(infer_onnx).toMatchObject({ size: 32, mode: 'mixed' })
    expect(infer_onnx.threads).toBeGreaterThanOrEqual(1)
    positive(infer_onnx.ms)
    positive(infer_onnx.onnx_mb)
  })

  it('segments a head end to end with a model of the bundled shape made on the fly', () => {
    const e = result.segmentation.end_to_end
    expect(e.input).toMatch(/phantom head/)
    expect(e.model).toEqual({ id: 'bench-mixed-base4-16', made: true, patch: [16, 16, 16], labels: 20 })
    expect(e.dims).toEqual([64, 72, 64])
    expect(e.voxel_mm).toEqual([2, 2, 2])
    positive(e.first_s)
    positive(e.median_s)
    expect(e.labelled_structures).toBeGreaterThanOrEqual(0)
    expect(e.labelled_structures).toBeLessThanOrEqual(19)
  })

  it('reports the peak memory after each part, rising', () => {
    const p = result.peak_rss_mb
    const marks = [p.after_segment, p.after_viewer, p.after_inference, p.after_training]
    for (const m of marks) positive(m)
    expect([...marks].sort((a, b) => a - b)).toEqual(marks)
  })

  it("sets PyTorch's time for the same network beside ours, or says why not", () => {
    if (result.torch) {
      const t = result.torch
      expect(result.torch_note).toBeUndefined()
      // The same network: PyTorch's parameter count is TF.js's in every mode.
      expect(t.parameters).toEqual(result.segmentation.train_step.parameters)
      expect(t.parameters_match).toBe(true)
      for (const mode of KERNEL_MODES) {
        positive(t.train_step_ms[mode])
        positive(t.ratio.train_step[mode])
      }
      positive(t.infer_mixed_ms)
      positive(t.ratio.infer)
      positive(t.peak_rss_mb)
      expect(formatMriBench(result)).toMatch(/PyTorch .*x\)/)
    } else {
      expect(result.torch_note).toMatch(/python3-torch/)
      expect(formatMriBench(result)).toContain(result.torch_note)
    }
  })

  it('prints every figure in its table', () => {
    const text = formatMriBench(result)
    for (const mode of KERNEL_MODES) expect(text).toMatch(new RegExp(`training step 16\\^3, ${mode}`))
    expect(text).toMatch(/ONNX inference 32\^3, mixed/)
    expect(text).toMatch(/end to end, phantom head/)
    expect(text).toMatch(/peak RSS/)
    expect(lines.some((l) => l.startsWith('training step'))).toBe(true)
  })
})

describe('the end-to-end model', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'percept-mri-bench-test-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is the bundled segmentation model when the app ships one', async () => {
    const bundled = join(dir, 'bundled')
    await writeBandModel(join(bundled, 'mri', 'bands'), { centres: [0, 1, 2, 3, 4], patch: [8, 8, 8], spacingMm: [4, 4, 4] })
    expect(await endToEndModel({ quick: false, dir, bundledDir: bundled })).toEqual({ dir: join(bundled, 'mri', 'bands'), id: 'bundled/bands', made: false })
  })

  it('is made with the 19 structures when none is bundled', async () => {
    const made = await endToEndModel({ quick: true, dir, bundledDir: join(dir, 'empty') })
    expect(made).toMatchObject({ id: 'bench-mixed-base4-16', made: true })
    expect(existsSync(join(made.dir, 'model.onnx'))).toBe(true)
    expect(STRUCTURE_LABELS).toHaveLength(20)
    expect(STRUCTURE_LABELS.slice(0, 3)).toEqual(['Background', 'Frontal_L', 'Frontal_R'])
  }, 60_000)
})

describe('the PyTorch reference', () => {
  it('is found in the source checkout', () => {
    expect(locateTorchScript()).toMatch(/scripts\/reference\/mri_segmentation_bench\.py$/)
  })

  it('says why it cannot start: no script, no Python', async () => {
    await expect(TorchSegmentationReference.start(1, { script: null })).rejects.toThrow(/is not here/)
    await expect(TorchSegmentationReference.start(1, { pythons: ['/nonexistent/python3'] })).rejects.toThrow(/no Python with PyTorch here \(\/nonexistent\/python3: /)
  })

  it('tries PERCEPT_PYTHON alone when set, else python3 then Debian’s /usr/bin/python3', () => {
    expect(pythonCandidates({ PERCEPT_PYTHON: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python'])
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3'])
  })
})
