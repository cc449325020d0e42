import { describe, expect, it } from 'vitest'
import { fuzzTargets, runFuzzTarget } from '../fuzz/runner'

// The short, fixed-seed fuzz run of `npm test`: every kept regression input, then fresh mutations.
// `npm run fuzz -- --seconds N` runs the same targets for longer.
const runsPerTarget = 150

describe('fuzz targets (short fixed-seed run)', () => {
  it('finds the targets', () => {
    expect(fuzzTargets().length).toBeGreaterThan(0)
  })
  for (const target of fuzzTargets()) {
    it(`${target.name}: every input is accepted or refused with a clear error`, { timeout: 240_000 }, async () => {
      const report = await runFuzzTarget(target, { seed: 20261206, numRuns: runsPerTarget })
      expect(report.failures).toEqual([])
      expect(report.inputs).toBe(report.regressions + runsPerTarget)
    })
  }
})
