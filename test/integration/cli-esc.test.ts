import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept esc fixture|import|presets|train` as a user runs them, on the built app.
let home: string
let cleanup: () => void
let dataset: string

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  dataset = join(home, 'UrbanSound8K')
})
afterAll(() => cleanup())

describe('percept esc', () => {
  it('fixture writes an UrbanSound8K-shaped set that import reads back', async () => {
    const made = await runCli(['esc', 'fixture', dataset, '--seed', '5', '--clips-per-class-per-fold', '1', '--folds', '3'], { PERCEPT_HOME: home })
    expect(made.code, made.stderr).toBe(0)
    // the count and size first, then what was written
    expect(made.stdout).toMatch(/^Writing 30 clips \(10 classes x 3 folds x 1 per class per fold, 2 min of audio\), about \d+(\.\d)? MB, into .*\n.*30 clips in UrbanSound8K's layout/)
    expect(made.stderr).toBe('')
    const { code, stdout } = await runCli(['esc', 'import', dataset, '--json'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const summary = JSON.parse(stdout)
    expect(summary.layout).toBe('urbansound8k')
    expect(summary.clips).toBe(30)
    expect(summary.folds).toEqual([1, 2, 3])
    expect(summary.classes.map((c: { name: string }) => c.name)).toContain('street_music')
    expect(summary.problems).toEqual([])
  }, 60_000)

  it('fixture still takes --clips, with a note that it is the old name of --clips-per-class-per-fold', async () => {
    const { code, stdout, stderr } = await runCli(['esc', 'fixture', join(home, 'old-flag'), '--clips', '1', '--folds', '1'], { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    expect(stderr).toMatch(/--clips is deprecated.*use --clips-per-class-per-fold/)
    expect(stdout).toMatch(/^Writing 10 clips \(10 classes x 1 fold x 1 per class per fold/)
  })

  it('import explains what it looked for in a folder that holds no data set', async () => {
    const empty = join(home, 'empty')
    mkdirSync(empty)
    const { code, stderr } = await runCli(['esc', 'import', empty], { PERCEPT_HOME: home })
    expect(code).toBe(1)
    expect(stderr).toMatch(/UrbanSound8K|ESC-50|class/i)
  })

  it('presets lists the paper\'s structures, dilated and pooling first', async () => {
    const { stdout } = await runCli(['esc', 'presets', '--json'], { PERCEPT_HOME: home })
    const presets = JSON.parse(stdout) as { name: string; notation: string }[]
    expect(presets.slice(0, 2).map((p) => [p.name, p.notation])).toEqual([
      ['dilated', 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3'],
      ['pooling', 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4'],
    ])
  })

  it('train --json gives one object per held-out fold and the summary', async () => {
    const args = ['esc', 'train', '--dataset', dataset, '--folds', '2', '--epochs', '1', '--filters', '4,4,8,8', '--json', '--out', join(home, 'dilated.zip')]
    const { code, stdout, stderr } = await runCli(args, { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.folds).toEqual([{ fold: 2, trainClips: 20, testClips: 10, accuracy: expect.any(Number) }])
    expect(result.summary.accuracy.mean).toBe(result.folds[0].accuracy)
    expect(result.modelId).toMatch(/^esc-dilated-/)
    expect(stderr).toMatch(/done 100%/)
    expect(existsSync(join(home, 'dilated.zip'))).toBe(true)
  }, 180_000)

  it('predict gives segment probabilities over time and a clip label, and a folder as CSV', async () => {
    const one = join(dataset, 'audio', 'fold1')
    const file = join(one, readdirSync(one).sort()[0]!)
    const single = await runCli(['esc', 'predict', file, '--json'], { PERCEPT_HOME: home })
    expect(single.code, single.stderr).toBe(0)
    const result = JSON.parse(single.stdout)
    expect(result.file).toBe(file)
    expect(result.model).toMatch(/^esc-dilated-/)
    expect(result.classNames).toHaveLength(10)
    expect(result.classNames).toContain(result.label)
    expect(result.segments.length).toBeGreaterThan(0)
    for (const segment of result.segments) {
      expect(segment.end).toBeGreaterThan(segment.start)
      expect(segment.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4)
    }
    const csv = join(home, 'fold1.csv')
    const batch = await runCli(['esc', 'predict', one, '--csv', csv, '--json'], { PERCEPT_HOME: home })
    expect(batch.code, batch.stderr).toBe(0)
    expect(JSON.parse(batch.stdout)).toHaveLength(10)
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toBe(['path', 'label', 'probability', 'segments', 'error', ...result.classNames.map((c: string) => `p_${c}`)].join(','))
    expect(lines).toHaveLength(11)
  }, 120_000)
})

describe('percept esc experiment', () => {
  it("trains every preset of the paper's Table 2 on the same folds and keeps the table with the runs", async () => {
    const args = ['esc', 'experiment', '--dataset', dataset, '--table', '2', '--folds', '1', '--epochs', '1', '--filters', '2', '--json']
    const { code, stdout, stderr } = await runCli(args, { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    const experiment = JSON.parse(stdout)
    expect(experiment.rows.map((r: { preset: { group: number; test: number; name: string } }) => [r.preset.group, r.preset.test, r.preset.name])).toEqual([
      [1, 1, 't2-g1-rate2'],
      [1, 2, 't2-g1-rate3'],
      [2, 3, 't2-g2-rate2'],
      [2, 4, 't2-g2-rate3'],
      [3, 5, 't2-g3-rate2'],
      [3, 6, 't2-g3-rate3'],
    ])
    expect(experiment).toMatchObject({ state: 'done', table: 2, folds: [1], epochs: 1 })
    for (const row of experiment.rows) expect(row.folds).toBe(1)
    const markdown = readFileSync(join(home, 'runs', 'experiments', `${experiment.id}.md`), 'utf8')
    expect(markdown).toBe(experiment.markdown)
    expect(markdown).toMatch(/^Table 2: Dilated convolution with different dilation rate\./)
    expect(markdown).toContain('| Group1 | Test1 | Cov1 + Cov2 + Cov3 + DilaCov1(2) |')
    expect(markdown).toContain('| Group3 | Test6 | Cov1 + DilaCov1(3) + DilaCov2(3) + DilaCov3(3) |')
  }, 300_000)

  it('--presets compares named presets, and refuses --table with --presets', async () => {
    const args = ['esc', 'experiment', '--dataset', dataset, '--presets', 'dilated,pooling', '--folds', '2', '--epochs', '1', '--filters', '2', '--json']
    const { code, stdout, stderr } = await runCli(args, { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    const experiment = JSON.parse(stdout)
    expect(experiment.rows.map((r: { preset: { name: string } }) => r.preset.name)).toEqual(['dilated', 'pooling'])
    for (const row of experiment.rows) {
      const report = JSON.parse(readFileSync(join(home, 'runs', row.jobId, 'report.json'), 'utf8'))
      expect(report.folds.map((f: { fold: number }) => f.fold)).toEqual([2])
      expect(row.mean).toBe(report.summary.accuracy.mean)
    }
    const both = await runCli(['esc', 'experiment', '--dataset', dataset, '--table', '1', '--presets', 'dilated'], { PERCEPT_HOME: home })
    expect(both.code).not.toBe(0)
    expect(both.stderr).toMatch(/either --table/)
  }, 300_000)
})

describe('percept bench esc', () => {
  it('--quick --json prints the training step, the inference and the training features figures', async () => {
    const { code, stdout, stderr } = await runCli(['bench', 'esc', '--quick', '--json'], { PERCEPT_HOME: home })
    expect(code, stderr).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.train_step_batch32_ms).toBeGreaterThan(0)
    expect(result.infer_4s_clip_ms).toBeGreaterThan(0)
    expect(result.infer_realtime_x).toBeGreaterThan(1)
    // through the feature threads a training job starts, one per core
    expect(result.features_clips_per_s).toBeGreaterThan(0)
    expect(result.features_clips).toBe(8)
    expect(result.features_threads).toBe(result.machine.cores)
    expect(['tensorflow', 'wasm', 'cpu']).toContain(result.backend)
  }, 120_000)
})
