import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// The bundled enhancement models' claim, checked as a user would: the corpus their script trained on is made
// again with the same command and seed (scripts/train-bundled-enhance-models.sh), and `percept enhance eval`
// scores each bundled package on its held-out test part (unseen sentences and unseen noise recordings).
// The soft mask must beat the noisy mixtures on SI-SDR and STOI, and the figures must be the card's.
const hasFestival = (() => {
  try {
    execFileSync('festival', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const repo = new URL('../../', import.meta.url).pathname

let home: string
let cleanup: () => void
const cli = (args: string[]) => runCli(['enhance', ...args], { PERCEPT_HOME: join(home, 'workspace') })

beforeAll(async () => {
  if (!hasFestival) return
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-enhance-heldout-'))
  const made = await cli(['corpus', 'fixture', join(home, 'corpus'), '--speakers', '2', '--utterances', '24', '--seed', '1', '--json'])
  expect(made.code, made.stderr).toBe(0)
}, 600_000)
afterAll(() => cleanup?.())

describe.skipIf(!hasFestival)('the bundled enhancement models on held-out mixtures', () => {
  for (const model of ['unimodal', 'multimodal', 'mburst']) {
    it(`${model}: the soft mask beats noisy on SI-SDR and STOI, as its card says`, async () => {
      const dir = join(repo, 'models', 'enhance', model)
      const evaluated = await cli(['eval', '--dataset', join(home, 'corpus'), '--model', dir, '--json'])
      expect(evaluated.code, evaluated.stderr).toBe(0)
      const { enhancement: e, mixtures } = JSON.parse(evaluated.stdout)
      expect(mixtures).toBeGreaterThanOrEqual(20)
      expect(e.enhancedSoft.siSdr).toBeGreaterThan(e.noisy.siSdr + 0.5)
      expect(e.enhancedSoft.stoi).toBeGreaterThan(e.noisy.stoi)
      // The oracle bounds what a mask can do, far above both.
      expect(e.oracle.siSdr).toBeGreaterThan(e.enhancedSoft.siSdr + 5)
      const metrics = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).provenance.metrics
      expect(e.noisy.siSdr).toBeCloseTo(metrics.test_si_sdr_noisy, 2)
      expect(e.noisy.stoi).toBeCloseTo(metrics.test_stoi_noisy, 3)
    }, 600_000)
  }
})
