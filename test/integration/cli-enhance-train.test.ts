import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'
import { writeTinyCorpus } from '../unit/enhance/train/tiny-corpus'

// `percept enhance train` then `percept enhance eval` as a user runs them, on the built app: a tiny synthetic
// corpus (4 utterances of 0.5 s, the paper's 4 SNRs), a trial-sized MBURST network, one epoch.
let home: string
let cleanup: () => void
const cli = (args: string[]) => runCli(['enhance', ...args], { PERCEPT_HOME: join(home, 'workspace') })

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-enhance-train-'))
  writeTinyCorpus(join(home, 'corpus'), { utterances: 4, seconds: 0.5, seed: 9 })
})
afterAll(() => cleanup())

describe('percept enhance train / eval', () => {
  it('refuses a model it does not know and a split out of range', async () => {
    const bad = await cli(['train', '--dataset', join(home, 'corpus'), '--model', 'bimodal', '--json'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--model.*expected one of mburst, multimodal, unimodal/)
    const split = await cli(['train', '--dataset', join(home, 'corpus'), '--model', 'mburst', '--split', '4', '--json'])
    expect(split.code).toBe(1)
    expect(split.stderr).toMatch(/--split.*expected a whole number from 0 to 3/)
  })

  it('trains MBURST for an epoch, installs it, and evaluates it on the test part by its id', async () => {
    const trained = await cli(['train', '--dataset', join(home, 'corpus'), '--model', 'mburst', '--epochs', '1', '--seed', '2', '--conv-channels', '2', '--embedding', '4', '--json'])
    expect(trained.code, trained.stderr).toBe(0)
    const summary = JSON.parse(trained.stdout)
    expect(summary).toMatchObject({ model: 'mburst', epochs: 1, split: 0 })
    expect(summary.modelId).toMatch(/^enhance-mburst-/)
    expect(summary.train.f1).toBeGreaterThanOrEqual(0)
    expect(summary.train.accuracy).toBeGreaterThan(0)
    expect(Object.keys(summary.firingRates)).toEqual(['audio_conv1', 'audio_conv2', 'audio_embed', 'lips_conv1', 'lips_conv2', 'lips_embed', 'mask'])

    const evaluated = await cli(['eval', '--dataset', join(home, 'corpus'), '--model', summary.modelId, '--json'])
    expect(evaluated.code, evaluated.stderr).toBe(0)
    const result = JSON.parse(evaluated.stdout)
    // 1 test utterance at 4 SNRs, 15 frames with a full context each
    expect(result).toMatchObject({ model: summary.modelId, kind: 'mburst', split: 0, mixtures: 4, examples: 60 })
    expect(result.counts.tp + result.counts.fp + result.counts.fn + result.counts.tn).toBe(60 * 622)
    for (const v of [result.f1, result.accuracy, result.firingRates.network]) expect(Number.isFinite(v)).toBe(true)
    for (const k of ['noisy', 'enhanced', 'enhancedSoft', 'oracle']) {
      expect(Number.isFinite(result.enhancement[k].siSdr)).toBe(true)
      expect(Number.isFinite(result.enhancement[k].stoi)).toBe(true)
    }
    // the IBM oracle beats the noisy mixture: the reference the models are measured against
    expect(result.enhancement.oracle.siSdr).toBeGreaterThan(result.enhancement.noisy.siSdr)

    const missing = await cli(['eval', '--dataset', join(home, 'corpus'), '--model', 'no-such-model', '--json'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/No model "no-such-model"/)
  }, 120_000)
})
