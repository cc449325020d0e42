/**
 * `percept bench tts --quick --json`: every path of the text-to-speech benchmark once, on tiny networks:
 * synthesis per system and precision with its stages, the vocoder both ways, a training step per network
 * beside PyTorch's where a Python with torch is found (else a note saying why).
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonCandidates } from '../../main/compute/bench/pytorch-reference'
import type { TtsBenchResult } from '../../main/tts/bench/tts-bench'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

const torchHere = pythonCandidates().some((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0)
let home: string
let cleanup: () => void
beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-bench-tts-'))
})
afterAll(() => cleanup())

describe('percept bench tts --quick --json', () => {
  it('times synthesis, the vocoder and a training step per network', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'tts', '--quick', '--json'], { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    const r = JSON.parse(stdout) as TtsBenchResult
    expect(r.widths.acoustic).toEqual([16, 16]) // --quick: tiny networks
    expect(r.speech_seconds).toBeGreaterThan(0.3)
    expect(r.synthesis.map((s) => `${s.system}/${s.precision}`)).toEqual(['dnn/float32', 'mdnn/float32', 'dnn/int8', 'mdnn/int8'])
    for (const s of r.synthesis) {
      expect(s.real_time_factor).toBeGreaterThan(0)
      expect(s.cpu_real_time_factor).toBeGreaterThan(0)
      expect(Object.keys(s.stages_ms_per_s)).toEqual(expect.arrayContaining(['frontEnd', 'durations', 'acoustic', 'generation', 'vocoder']))
      if (s.system === 'mdnn') expect(Object.keys(s.stages_ms_per_s)).toEqual(expect.arrayContaining(['spectral', 'postFilter']))
    }
    expect(r.vocoder.analysis_realtime_x).toBeGreaterThan(0)
    expect(r.vocoder.synthesis_realtime_x).toBeGreaterThan(0)
    expect(r.load_average).toHaveLength(2)
    const t = r.training
    expect(t.batch).toBe(16)
    expect(Object.keys(t.networks)).toEqual(['acoustic', 'autoencoder', 'stacked', 'postFilter', 'duration'])
    // The tied auto-encoder 1025-32-8-32-1025 and the post-filter on 3 frames of 1025 bins.
    expect(t.networks.autoencoder.sizes).toEqual([1025, 32, 8, 32, 1025])
    expect(t.networks.postFilter.sizes).toEqual([3075, 32, 3075])
    for (const n of Object.values(t.networks)) expect(n.tfjs_ms).toBeGreaterThan(0)
    if (torchHere) {
      expect(t.torch, t.torch_note ?? '').not.toBeNull()
      for (const n of Object.values(t.networks)) {
        expect(n.torch_ms).toBeGreaterThan(0)
        expect(n.ratio).toBeCloseTo(n.tfjs_ms / n.torch_ms!, 1)
      }
    } else {
      expect(t.torch).toBeNull()
      expect(t.torch_note).toMatch(/python3-torch/)
    }
  }, 300_000)
})
