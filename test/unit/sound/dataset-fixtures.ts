import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import type { ErrorCode } from '../../../main/api'
import { encodeWav } from '../../../main/dsp/io'

/** A valid 16-bit mono WAV of 8 silent samples: enough for the import's header sniff. */
export const wav = encodeWav({ sampleRate: 8000, channels: [new Float32Array(8)] }, 'pcm16')

/** Writes `files` (path relative to `root` -> content; Uint8Array for audio) creating folders. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'))
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
}

/** Makes the sound files for `names` under `folder` of the tree. */
export function wavs(folder: string, names: string[]): Record<string, Uint8Array> {
  return Object.fromEntries(names.map((name) => [`${folder}/${name}`, wav]))
}

export const urbanSound8KHeader = 'slice_file_name,fsID,start,end,salience,fold,classID,class'
export const esc50Header = 'filename,fold,target,category,esc10,src_file,take'

/** Asserts that `run` rejects with a PerceptError of `code` whose message matches every pattern. */
export async function expectError(run: () => Promise<unknown>, code: ErrorCode, ...patterns: RegExp[]): Promise<PerceptError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PerceptError)
  const typed = error as PerceptError
  expect(typed.code).toBe(code)
  for (const pattern of patterns) expect(typed.message).toMatch(pattern)
  return typed
}
