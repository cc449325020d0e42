import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { storeUpload } from '../../../main/core/upload'
import { tempHome } from '../../helpers/temp-home'

let dir: string
let cleanup: () => void
beforeEach(() => {
  const temp = tempHome()
  dir = join(temp.home, 'uploads')
  cleanup = temp.cleanup
})
afterEach(() => cleanup())

async function* chunks(parts: Uint8Array[], failAfter?: Error): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
  if (failAfter) throw failAfter
}
const options = { name: 'clip.wav', maxBytes: 10, limitHint: 'the test allows' }

describe('storeUpload', () => {
  it('stores the bytes under their safe name, numbering a name already taken, and never replaces a file', async () => {
    const path = await storeUpload(chunks([Uint8Array.of(1, 2), Uint8Array.of(3)]), { ...options, dir })
    expect(path).toBe(join(dir, 'clip.wav'))
    expect([...readFileSync(path)]).toEqual([1, 2, 3])
    const again = await storeUpload(chunks([Uint8Array.of(4)]), { ...options, dir })
    expect(again).toBe(join(dir, 'clip (2).wav'))
    const scan = await storeUpload(chunks([Uint8Array.of(5)]), { ...options, name: '../a/scan.nii.gz', dir })
    const scan2 = await storeUpload(chunks([Uint8Array.of(6)]), { ...options, name: 'scan.nii.gz', dir })
    expect([scan, scan2]).toEqual([join(dir, 'scan.nii.gz'), join(dir, 'scan (2).nii.gz')])
    expect([...readFileSync(path)]).toEqual([1, 2, 3])
    expect(readdirSync(dir).sort()).toEqual(['clip (2).wav', 'clip.wav', 'scan (2).nii.gz', 'scan.nii.gz'])
  })

  it('refuses a body past the bound and keeps nothing of it', async () => {
    const upload = storeUpload(chunks([new Uint8Array(6), new Uint8Array(6)]), { ...options, dir })
    await expect(upload).rejects.toThrow(PerceptError)
    await expect(upload).rejects.toThrow(/clip\.wav is larger than/)
    expect(readdirSync(dir)).toEqual([])
  })

  it('removes the partial file when the body stream fails (the client went away)', async () => {
    await expect(storeUpload(chunks([new Uint8Array(4)], new Error('aborted')), { ...options, dir })).rejects.toThrow('aborted')
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses an upload without a usable name before creating anything', async () => {
    for (const name of ['', '.', '..']) {
      await expect(storeUpload(chunks([]), { ...options, name, dir })).rejects.toThrow(/needs a file name/)
    }
    expect(existsSync(dir)).toBe(false)
  })
})
