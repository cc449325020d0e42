import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkpointsDir, loadCheckpoint, peekCheckpoint, saveCheckpoint } from '../../../main/core/jobs/checkpoint'
import { tempHome } from '../../helpers/temp-home'

let runDir: string
let cleanup: () => void
beforeEach(() => {
  let home: string
  ;({ home, cleanup } = tempHome())
  runDir = join(home, 'runs', 'job-1')
})
afterEach(() => cleanup())

const bytes = (...values: number[]) => new Uint8Array(values)

describe('checkpoints', () => {
  it('loads nothing before the first save, then the last saved state and files', async () => {
    expect(await loadCheckpoint(runDir)).toBeNull()
    expect(peekCheckpoint(runDir)).toBeNull()
    await saveCheckpoint(runDir, { epoch: 1, note: 'first' }, { 'w.bin': bytes(1, 2, 3) })
    await saveCheckpoint(runDir, { epoch: 2, note: 'second' }, { 'w.bin': bytes(4, 5), 'opt.bin': bytes(6) })
    expect(await loadCheckpoint(runDir)).toEqual({
      state: { epoch: 2, note: 'second' },
      files: { 'w.bin': bytes(4, 5), 'opt.bin': bytes(6) },
    })
    expect(peekCheckpoint(runDir)).toEqual({ epoch: 2, note: 'second' })
    // the previous checkpoint is gone once the new one is in place
    expect(readdirSync(checkpointsDir(runDir))).toEqual(['ckpt-000002'])
  })

  it('keeps the previous checkpoint when a save fails before it is complete', async () => {
    await saveCheckpoint(runDir, { epoch: 1 }, { 'w.bin': bytes(1) })
    await expect(
      saveCheckpoint(runDir, { epoch: 2 }, { 'w.bin': bytes(2) }, async () => {
        throw new Error('killed before the rename')
      }),
    ).rejects.toThrow('killed before the rename')
    expect(await loadCheckpoint(runDir)).toEqual({ state: { epoch: 1 }, files: { 'w.bin': bytes(1) } })
    expect(readdirSync(checkpointsDir(runDir))).toEqual(['ckpt-000001'])
  })

  it('ignores what a crash left: a half-written temporary folder, and an older folder not yet removed', async () => {
    await saveCheckpoint(runDir, { epoch: 3 }, { 'w.bin': bytes(3) })
    const dir = checkpointsDir(runDir)
    mkdirSync(join(dir, '.tmp-999-abcd'))
    writeFileSync(join(dir, '.tmp-999-abcd', 'w.bin'), bytes(9, 9)) // no state.json: never completed
    mkdirSync(join(dir, 'ckpt-000000'))
    writeFileSync(join(dir, 'ckpt-000000', 'state.json'), JSON.stringify({ state: { epoch: 2 }, files: [] }))
    expect(peekCheckpoint(runDir)).toEqual({ epoch: 3 })
    expect(await loadCheckpoint(runDir)).toEqual({ state: { epoch: 3 }, files: { 'w.bin': bytes(3) } })
    expect(readdirSync(dir).sort()).toEqual(['ckpt-000000', 'ckpt-000001']) // the temporary folder was cleared
    await saveCheckpoint(runDir, { epoch: 4 })
    expect(readdirSync(dir)).toEqual(['ckpt-000002'])
  })

  it('refuses unsafe file names and a state without a whole epoch', async () => {
    await expect(saveCheckpoint(runDir, { epoch: 1 }, { '../escape': bytes(1) })).rejects.toThrow(/cannot be a checkpoint file name/)
    await expect(saveCheckpoint(runDir, { epoch: 1 }, { 'state.json': bytes(1) })).rejects.toThrow(/cannot be a checkpoint file name/)
    await expect(saveCheckpoint(runDir, { epoch: 1.5 })).rejects.toThrow(/whole epoch number/)
    expect(peekCheckpoint(runDir)).toBeNull()
  })
})
