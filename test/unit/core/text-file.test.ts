import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { readTextFile } from '../../../main/core/text-file'

const labels = { what: 'an Audacity label track' }
let dir: string

async function rejection(promise: Promise<unknown>): Promise<PerceptError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(PerceptError)
  return error as PerceptError
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'percept-text-file-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('readTextFile', () => {
  it('reads a small UTF-8 file', async () => {
    writeFileSync(join(dir, 'a.txt'), '1.5\t2\tcafé\n')
    expect(await readTextFile(join(dir, 'a.txt'), labels)).toBe('1.5\t2\tcafé\n')
  })

  it('refuses binary data by its NUL byte, naming where and not what', async () => {
    writeFileSync(join(dir, 'key.txt'), Buffer.from([0x73, 0x65, 0x63, 0x00, 0x72, 0x65, 0x74]))
    const error = await rejection(readTextFile(join(dir, 'key.txt'), labels))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toBe('key.txt holds binary data (a NUL byte at byte 4), so it is not an Audacity label track: choose an Audacity label track.')
  })

  it('refuses a file past the bound, a folder, a device and a missing file', async () => {
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2049))
    expect((await rejection(readTextFile(join(dir, 'big.txt'), { ...labels, maxBytes: 2048 }))).message).toBe(
      'big.txt is larger than an Audacity label track can be (over 2 KiB): choose an Audacity label track.',
    )
    expect((await rejection(readTextFile(dir, labels))).message).toMatch(/is a folder: choose an Audacity label track in it/)
    expect((await rejection(readTextFile(join(dir, 'none.txt'), labels))).code).toBe('NOT_FOUND')
  })

  it.skipIf(process.platform === 'win32')('refuses a device such as /dev/zero instead of reading forever', async () => {
    const error = await rejection(readTextFile('/dev/zero', labels))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toBe('zero is not a regular file (a device or a pipe): choose an Audacity label track.')
  })
})
