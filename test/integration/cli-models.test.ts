import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ModelPackageSummary } from '../../main/api'
import { requireBuild, runCli } from '../helpers/built-app'
import { bundledIdsOnDisk } from '../helpers/bundled-on-disk'
import { tempHome } from '../helpers/temp-home'

// `percept models list` on the built CLI, in a fresh workspace: only the models bundled with the app.
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
    expect(list.map((m) => m.id).sort()).toEqual(bundledIdsOnDisk())
    expect(list.every((m) => m.bundled)).toBe(true)
    expect(list.find((m) => m.id === 'bundled/dilated-fixture')!.meta.provenance).toMatchObject({ metrics: { accuracy: 0.9 }, testExamples: 30, heldOutFolds: 1, synthetic: true })
  })

  it('the table marks it bundled', async () => {
    const { code, stdout } = await runCli(['models', 'list'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const [head, ...rows] = stdout.trim().split('\n')
    expect(head!.split(/\s{2,}/).slice(0, 3)).toEqual(['ID', 'SOURCE', 'TASK'])
    expect(rows).toHaveLength(bundledIdsOnDisk().length)
    const row = rows.find((r) => r.startsWith('bundled/dilated-fixture '))
    expect(row!.split(/\s{2,}/).slice(0, 3)).toEqual(['bundled/dilated-fixture', 'bundled', 'sound-classification'])
  })
})
