import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { alignLexicon, decodeAlignment, encodeAlignment, rulesFromAlignment, trainLetterToSound } from '../../../main/tts/frontend/letter-to-sound'
import { heldOutEntries } from '../../../main/tts/frontend/lexicon'

// The letter-to-sound alignment kept in a file (lexicon.ts caches it in the workspace): rules built from
// the bytes read back must predict exactly as rules learnt in the process.

const dir = mkdtempSync(join(tmpdir(), 'lts-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('letter-to-sound alignment file', () => {
  // A few thousand dictionary words: the same code path as the whole dictionary, in a fraction of the time.
  const entries = heldOutEntries().filter((_, i) => i % 3 === 0)
  const probe = heldOutEntries().filter((_, i) => i % 3 === 1).slice(0, 400).map(([w]) => w)

  it('reads back to rules that predict exactly as the learnt ones', () => {
    const alignment = alignLexicon(entries)
    const bytes = encodeAlignment(alignment)
    const back = decodeAlignment(bytes)
    expect(back.names).toEqual(alignment.names)
    expect(back.aligned).toEqual(alignment.aligned)
    const learnt = trainLetterToSound(entries)
    const read = rulesFromAlignment(back)
    expect(probe.map((w) => read.predict(w))).toEqual(probe.map((w) => learnt.predict(w)))
    expect(read.predict('zorblatt').length).toBeGreaterThan(4)
  }, 60_000)

  it('refuses damaged bytes instead of building wrong rules', () => {
    const bytes = encodeAlignment(alignLexicon(entries.slice(0, 200)))
    expect(() => decodeAlignment(bytes.subarray(0, bytes.length - 3))).toThrow(/alignment/)
    const foreign = bytes.slice()
    foreign[0] = 'X'.charCodeAt(0)
    expect(() => decodeAlignment(foreign)).toThrow(/alignment/)
    expect(() => decodeAlignment(new Uint8Array(0))).toThrow()
  })

  it('the lexicon writes the cache once and later processes read it (a damaged file is learnt again)', async () => {
    vi.resetModules()
    const first = await import('../../../main/tts/frontend/lexicon')
    first.cacheLetterToSoundIn(dir)
    const spoken = first.letterToSound().predict('flimbering')
    const files = readdirSync(dir).filter((f) => f.startsWith('letter-to-sound-'))
    expect(files).toHaveLength(1)
    // A new module instance stands for a new process: it reads the file and predicts the same.
    vi.resetModules()
    const second = await import('../../../main/tts/frontend/lexicon')
    second.cacheLetterToSoundIn(dir)
    const started = performance.now()
    expect(second.letterToSound().predict('flimbering')).toEqual(spoken)
    const readSeconds = (performance.now() - started) / 1000
    // Damaged: ignored, learnt again and rewritten.
    writeFileSync(join(dir, files[0]!), 'damaged')
    vi.resetModules()
    const third = await import('../../../main/tts/frontend/lexicon')
    third.cacheLetterToSoundIn(dir)
    const relearnStarted = performance.now()
    expect(third.letterToSound().predict('flimbering')).toEqual(spoken)
    const learnSeconds = (performance.now() - relearnStarted) / 1000
    expect(readSeconds).toBeLessThan(learnSeconds)
    expect(decodeAlignment(readFileSync(join(dir, files[0]!))).names.length).toBeGreaterThan(40)
  }, 120_000)
})
