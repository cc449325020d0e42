/**
 * The PyTorch yardstick's plumbing: the TF.js models read into the spec torch_bench.py builds, where the
 * script and Python are looked for, and the note when no Python with torch is found.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { existsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { compareWithPyTorch, formatPyTorchComparison, missingTorchAdvice } from '../../../main/compute/bench/pytorch-comparison'
import { locateTorchScript, pythonCandidates, torchSpecOf } from '../../../main/compute/bench/pytorch-reference'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'
import { buildEscModel, presetConfig } from '../../../main/sound/model'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const conv = (filters: number, dilation: number) =>
  ({ kind: 'conv', filters, kernel: [3, 3], dilation: [dilation, dilation], padding: 'same', activation: 'relu' }) as const

describe('torchSpecOf', () => {
  it('reads the reference CNN layer by layer, with its SGD settings', () => {
    const model = buildReferenceCnn({ seed: 1 })
    expect(torchSpecOf(model)).toEqual({
      input: [64, 41, 2],
      layers: [conv(32, 1), conv(32, 2), conv(32, 2), conv(32, 2), { kind: 'gap' }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', units: 10, activation: 'softmax' }],
      optimizer: { lr: 0.001, momentum: 0.9, nesterov: true },
    })
    model.dispose()
  })

  it("reads the ESC 'dilated' preset: 32/32/64/64 filters, the last three dilated by 2", () => {
    const model = buildEscModel(presetConfig('dilated', 10))
    const spec = torchSpecOf(model)
    expect(spec.input).toEqual([64, 41, 2])
    expect(spec.layers.slice(0, 4)).toEqual([conv(32, 1), conv(32, 2), conv(64, 2), conv(64, 2)])
    expect(spec.layers.slice(4)).toEqual([{ kind: 'gap' }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', units: 10, activation: 'softmax' }])
    model.dispose()
  })

  it('refuses a layer or an optimizer the script does not build, naming it', () => {
    const odd = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 }), tfl.layers.batchNormalization({ name: 'bn' })] })
    odd.compile({ optimizer: 'sgd', loss: 'meanSquaredError' })
    expect(() => torchSpecOf(odd)).toThrow("layer 'bn' (BatchNormalization) is not in the PyTorch reference")
    const adam = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })] })
    adam.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' })
    expect(() => torchSpecOf(adam)).toThrow('optimizer Adam is not in the PyTorch reference')
  })
})

describe('finding PyTorch', () => {
  it('finds torch_bench.py in the source checkout', () => {
    const script = locateTorchScript()
    expect(script).not.toBeNull()
    expect(script!.endsWith('scripts/reference/torch_bench.py')).toBe(true)
    expect(existsSync(script!)).toBe(true)
  })

  it("tries PERCEPT_PYTHON alone when set, else python3 and then Debian's system interpreter", () => {
    expect(pythonCandidates({ PERCEPT_PYTHON: ' /opt/py/bin/python ' })).toEqual(['/opt/py/bin/python'])
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3'])
  })

  it('without a Python with torch, the comparison is a note saying why and what to install', async () => {
    const comparison = await compareWithPyTorch([], { threads: 1, pythons: ['percept-no-such-python'] })
    expect(comparison.available).toBe(false)
    if (comparison.available) return
    expect(comparison.note).toBe(
      `PyTorch comparison skipped: no Python with PyTorch here (percept-no-such-python: spawn percept-no-such-python ENOENT); ${missingTorchAdvice}`,
    )
    expect(formatPyTorchComparison(comparison)).toBe(comparison.note + '\n')
  })

  it('tries the next Python when one exits without answering (no torch, or not Python at all)', async () => {
    const comparison = await compareWithPyTorch([], { threads: 1, pythons: [process.execPath, 'percept-no-such-python'] })
    expect(comparison.available).toBe(false)
    if (comparison.available) return
    expect(comparison.note).toContain(`no Python with PyTorch here (${process.execPath}: the script exited (code 1): `)
    expect(comparison.note).toMatch(/exited \(code 1\): \w*Error\b/) // the line naming the error, not Node's version footer
    expect(comparison.note).toContain('; percept-no-such-python: spawn percept-no-such-python ENOENT)')
  })

  it('formats the figures with the ratio', () => {
    const text = formatPyTorchComparison({
      available: true,
      torch: '1.13.1',
      python: 'python3',
      threads: 2,
      rounds: 5,
      reps_per_round: 2,
      figures: { step: { label: 'reference CNN train step', ours_ms: 900, pytorch_ms: 300, ratio: 3 } },
    })
    expect(text.split('\n')[0]).toBe('Beside PyTorch 1.13.1 (2 threads), interleaved, 5 rounds of 2:')
    expect(text).toMatch(/reference CNN train step\s+ours\s+900 ms\s+PyTorch\s+300 ms\s+ratio 3x/)
  })
})
