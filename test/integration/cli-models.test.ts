import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ModelPackageSummary } from '../../main/api'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept models list` on the built CLI, in a fresh workspace: only the model bundled with the app.
let home: string
let cleanup: () => void
beforeAll(requireBuild)
beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(() => cleanup())

describe('percept models list', () => {
  it('--json includes the bundled model, marked bundled: true, with its test figures', async () => {
    const { code, stdout } = await runCli(['models', 'list', '--json'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const list = JSON.parse(stdout) as ModelPackageSummary[]
    expect(list.map((m) => [m.id, m.bundled])).toEqual([['bundled/dilated-fixture', true]])
    expect(list[0]!.meta.provenance).toMatchObject({ metrics: { accuracy: 0.9 }, testExamples: 30, heldOutFolds: 1, synthetic: true })
  })

  it('the table marks it bundled', async () => {
    const { code, stdout } = await runCli(['models', 'list'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const [head, row] = stdout.trim().split('\n')
    expect(head!.split(/\s{2,}/).slice(0, 3)).toEqual(['ID', 'SOURCE', 'TASK'])
    expect(row!.split(/\s{2,}/).slice(0, 3)).toEqual(['bundled/dilated-fixture', 'bundled', 'sound-classification'])
  })
})
