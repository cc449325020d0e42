import { describe, expect, it } from 'vitest'
import { dilatedNetwork } from '../../../main/app/benchmarks'
import { formatComputeBench, runComputeBench } from '../../../main/compute/bench/compute-bench'
import { runCli } from '../../helpers/built-app'

// `percept bench compute --profile`: a training step of the reference CNN and of the ESC 'dilated'
// preset profiled kernel by kernel on the wasm backend, in the JSON and the table.
describe('the compute benchmark with --profile', () => {
  it('profiles both networks on wasm: phases and kernels in the JSON, tables in the text', async () => {
    const result = await runComputeBench({ backends: ['wasm'], quick: true, profile: true, profileNetworks: [dilatedNetwork] })
    const profiles = result.profile?.wasm
    expect(profiles?.map((p) => p.network)).toEqual(['reference CNN', "ESC 'dilated' preset"])
    for (const p of profiles!) {
      expect(p).toMatchObject({ backend: 'wasm', batch: 32, steps: 1 })
      expect(p.kernels[0]!.ms).toBeGreaterThan(0)
      // Training on wasm runs each conv layer forward as one fused conv + bias + relu kernel; its gradients are convolutions.
      expect(p.kernels.find((k) => k.kernel === 'FusedConv2D')?.by_phase.forward).toBeGreaterThan(0)
      expect(p.kernels.find((k) => k.kernel === 'Conv2D')?.by_phase.backward).toBeGreaterThan(0)
      expect(p.phases.backward.kernels).toBeGreaterThan(p.phases.forward.kernels / 2)
      expect(p.phases.optimizer.kernels).toBeGreaterThan(0)
      expect(p.step_ms).toBeGreaterThan(p.phases.backward.ms)
    }
    expect(JSON.parse(JSON.stringify(result)).profile.wasm).toHaveLength(2)
    const text = formatComputeBench(result)
    expect(text).toMatch(/^reference CNN, batch 32, wasm: [\d.]+ ms a step/m)
    expect(text).toMatch(/^ESC 'dilated' preset, batch 32, wasm: [\d.]+ ms a step/m)
    expect(text).toMatch(/^ {2}Conv2D +\d+ +[\d.]+ +[\d.]+%/m)
  }, 300_000)

  it('offers --profile on `percept bench compute` only', async () => {
    const compute = await runCli(['bench', 'compute', '--help'])
    expect(compute.code).toBe(0)
    expect(compute.stdout).toMatch(/--profile +also a kernel-by-kernel profile of one training step/)
    expect((await runCli(['bench', 'audio', '--help'])).stdout).not.toMatch(/--profile/)
  })
})
