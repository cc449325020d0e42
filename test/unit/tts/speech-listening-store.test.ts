import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { ListeningTests } from '../../../main/tts/listening/test-store'
import { listenerOrder } from '../../../main/tts/listening/randomise'
import type { TestFile } from '../../../main/tts/listening/test-files'
import { tempHome } from '../../helpers/temp-home'

// A listening test as tts.listening leaves it (test.json; the stimuli are not read here), then two
// listeners through the store: their random orders, ratings kept by condition behind the blind letters,
// the refusals, the summary with post-screening, and the CSV.
const { home, cleanup } = tempHome('percept-listening-')
afterAll(() => cleanup())

const test: TestFile = {
  formatVersion: 1,
  name: 'DNN vs MDNN',
  voice: 'tts-mdnn-x',
  createdAt: '2026-01-01T00:00:00.000Z',
  loudness: -26,
  hasReference: true,
  sentences: [
    { id: 'a0001', text: 'Author of the danger trail, Philip Steels, etc.' },
    { id: 'a0002', text: 'Not at this particular case, Tom.' },
    { id: 'a0003', text: 'For the twentieth time that evening the two men shook hands.' },
  ],
  conditions: [
    { id: 'mdnn', label: 'MDNN + post-filter', kind: 'system' },
    { id: 'dnn', label: 'DNN + post-filter', kind: 'system' },
    { id: 'reference', label: 'Hidden reference', kind: 'reference' },
    { id: 'anchor', label: 'Low anchor', kind: 'anchor' },
  ],
}
mkdirSync(join(home, 'job-1'), { recursive: true })
writeFileSync(join(home, 'job-1', 'test.json'), JSON.stringify(test))
const tests = new ListeningTests(home)

/** Each listener's scores per condition id, trial by trial (in the order of the sentences). */
const scores: Record<string, Record<string, number[]>> = {
  ada: { mdnn: [70, 60, 80], dnn: [50, 40, 60], reference: [100, 100, 95], anchor: [20, 10, 30] },
  // Rates the hidden reference below 90 in 2 of 3 trials: left out by post-screening.
  bob: { mdnn: [90, 90, 90], dnn: [90, 90, 90], reference: [60, 80, 100], anchor: [0, 0, 0] },
}

describe('a listening test on disk', () => {
  it('gives every listener their own random order, the same again when they come back', async () => {
    const first = await tests.begin('job-1', 'ada')
    expect(first.trials).toHaveLength(3)
    expect(first.trials[0]!.conditions.map((c) => c.letter)).toEqual(['A', 'B', 'C', 'D'])
    expect(first.trials[0]!.reference).toBe('res/speech/listening/job-1/ada/0/reference')
    expect(first.trials.every((t) => t.ratings === null)).toBe(true)
    expect(await tests.begin('job-1', 'ada')).toEqual(first)
    // The order is a permutation, seeded by test and listener: others differ.
    const orders = ['ada', 'bob', 'cy', 'dee'].map((l) => JSON.stringify(listenerOrder('job-1', l, 3, ['mdnn', 'dnn', 'reference', 'anchor'])))
    expect(new Set(orders).size).toBeGreaterThan(1)
    for (const o of listenerOrder('job-1', 'ada', 3, ['mdnn', 'dnn', 'reference', 'anchor'])) expect([...o.order].sort()).toEqual(['anchor', 'dnn', 'mdnn', 'reference'])
    const stimulus = await tests.stimulus('job-1', 'ada', 0, 'reference')
    expect(stimulus).toBe(join(home, 'job-1', 'stimuli', String(listenerOrder('job-1', 'ada', 3, [])[0]!.sentence), 'reference.wav'))
  })

  it('keeps ratings by condition behind the letters, and refuses incomplete or foreign ones', async () => {
    for (const listener of ['ada', 'bob']) {
      await tests.begin('job-1', listener)
      const order = listenerOrder('job-1', listener, 3, test.conditions.map((c) => c.id))
      for (const [trial, { sentence, order: ids }] of order.entries()) {
        const ratings = Object.fromEntries(ids.map((id, k) => ['ABCD'[k]!, scores[listener]![id]![sentence]!]))
        const saved = await tests.rate('job-1', listener, trial, ratings)
        expect(saved).toEqual({ rated: trial + 1, total: 3 })
      }
    }
    const again = await tests.begin('job-1', 'ada')
    const order = listenerOrder('job-1', 'ada', 3, test.conditions.map((c) => c.id))
    expect(again.trials[1]!.ratings).toEqual(Object.fromEntries(order[1]!.order.map((id, k) => ['ABCD'[k]!, scores.ada![id]![order[1]!.sentence]!])))
    await expect(tests.rate('job-1', 'ada', 0, { A: 1, B: 2, C: 3 })).rejects.toThrow(/rate D too/)
    await expect(tests.rate('job-1', 'ada', 0, { A: 1, B: 2, C: 3, D: 4, E: 5 })).rejects.toThrow(/no E/)
    await expect(tests.rate('job-1', 'ada', 7, { A: 1 })).rejects.toThrow(/trials 0 to 2/)
    await expect(tests.rate('job-1', 'nobody', 0, { A: 1 })).rejects.toThrow(/has not begun/)
    await expect(tests.begin('../etc', 'ada')).rejects.toBeInstanceOf(PerceptError)
    await expect(tests.begin('job-2', 'ada')).rejects.toThrow(/no listening test job-2/)
    // One file per listener, written whole (no temporary file left beside).
    expect(readdirSync(join(home, 'job-1', 'listeners')).sort()).toHaveLength(2)
  })

  it('summarises per condition with 95% intervals, leaving out who fails post-screening', async () => {
    const screened = await tests.summary('job-1', true)
    expect(screened.screenedOut).toEqual(['bob'])
    expect(screened.listeners).toEqual(['ada'])
    const mdnn = screened.conditions.find((c) => c.id === 'mdnn')!
    // 70 60 80: mean 70, s = 10, t(0.975, 2) = 4.3027 -> 70 ± 24.841.
    expect(mdnn.n).toBe(3)
    expect(mdnn.mean).toBe(70)
    expect(mdnn.sd).toBeCloseTo(10, 9)
    expect(mdnn.low).toBeCloseTo(45.159, 3)
    expect(mdnn.high).toBeCloseTo(94.841, 3)
    const all = await tests.summary('job-1', false)
    expect(all.screenedOut).toEqual([])
    // dnn over both: 50 40 60 90 90 90 -> mean 70, squared deviations 400 900 100 400 400 400 -> s = sqrt(2600 / 5)
    // = 22.804, s / sqrt(6) = 9.3095, t(0.975, 5) = 2.5706 -> ± 23.931.
    const dnn = all.conditions.find((c) => c.id === 'dnn')!
    expect(dnn.mean).toBe(70)
    expect(dnn.high! - dnn.mean!).toBeCloseTo(23.931, 3)
  })

  it('writes every rating as CSV, one row each', async () => {
    const out = join(home, 'ratings.csv')
    const { rows } = await tests.exportCsv('job-1', out)
    expect(rows).toBe(2 * 3 * 4)
    const lines = readFileSync(out, 'utf8').trimEnd().split('\r\n')
    expect(lines[0]).toBe('listener,trial,sentence_id,sentence,condition,condition_label,kind,letter,score,rated_at')
    expect(lines).toHaveLength(25)
    // Sentences with commas are quoted.
    const row = lines.find((l) => l.startsWith('ada,') && l.includes('a0001') && l.includes(',mdnn,'))!
    expect(row).toContain('"Author of the danger trail, Philip Steels, etc."')
    expect(row.split(',').at(-2)).toBe('70')
  })
})
