import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept enhance corpus fixture|check` as a user runs them, on the built app. The fixture needs Debian's
// festival; without it those cases are skipped and the message naming the packages is still checked.
const hasFestival = !spawnSync('festival', ['--version']).error
let home: string
let cleanup: () => void
const corpus = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['enhance', 'corpus', ...args], { PERCEPT_HOME: home, ...env })

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
})
afterAll(() => cleanup())

describe('percept enhance corpus', () => {
  it('explains bad arguments, a missing festival and a folder that is not a corpus', async () => {
    const zero = await corpus(['fixture', join(home, 'x'), '--speakers', '0'])
    expect(zero.code).toBe(1)
    expect(zero.stderr).toMatch(/--speakers.*expected a whole number from 1 to 34/)
    // no festival on PATH (node itself is started by its full path)
    const noFestival = await corpus(['fixture', join(home, 'y'), '--utterances', '1', '--json'], { PATH: join(home, 'empty-path') })
    expect(noFestival.code).toBe(1)
    expect(noFestival.stderr).toMatch(/festival is not installed .* sudo apt-get install festival festvox-us-slt-hts festvox-kallpc16k.*\[UNAVAILABLE\]/)
    const notThere = await corpus(['check', join(home, 'nothing'), '--json'])
    expect(notThere.code).toBe(1)
    expect(notThere.stderr).toMatch(/nothing is not a folder.*\[NOT_FOUND\]/)
  })

  it.skipIf(!hasFestival)('generates a fixture, checks it clean, then reports a broken utterance by name', async () => {
    const dir = join(home, 'fixture')
    const made = await corpus(['fixture', dir, '--speakers', '2', '--utterances', '1', '--seed', '4', '--json'])
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    const summary = JSON.parse(made.stdout)
    expect(summary).toMatchObject({ dir, synthetic: true, seed: 4, speakers: 2, utterances: 2, noiseRecordings: 10, noiseTypes: ['babble', 'bus', 'cafe', 'street', 'pedestrian'], unknownPhones: [] })
    expect(summary.bytesPerUtterance).toBeGreaterThan(20_000)

    const checked = await corpus(['check', dir, '--json'])
    expect(checked.code).toBe(0)
    const report = JSON.parse(checked.stdout)
    expect(report).toMatchObject({ layout: 'speakers', synthetic: true, seed: 4, ok: true, utterances: 2, noiseRecordings: 10, problems: [] })
    expect(report.noiseTypes).toEqual({ babble: 2, bus: 2, cafe: 2, pedestrian: 2, street: 2 })
    expect(report.speakers).toEqual([
      { id: 's1', utterances: 1 },
      { id: 's2', utterances: 1 },
    ])

    const again = await corpus(['fixture', dir, '--json'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/is not empty/)

    const s1 = 's1'
    const utt = readdirSync(join(dir, 'speakers', s1, 'video'))[0]!
    rmSync(join(dir, 'speakers', s1, 'video', utt), { recursive: true })
    const broken = await corpus(['check', dir])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toMatch(/1 usable utterances of 2 speakers/)
    expect(broken.stdout).toContain(`error: speakers/${s1}/audio/${utt}.wav: missing video: no frames folder ${utt}/`)
  }, 60_000)
})
