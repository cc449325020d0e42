import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept tts corpus import|fixture` and `percept tts front-end` as a user runs them, on the built app.
let home: string
let cleanup: () => void
const hasFestival = (() => {
  try {
    execFileSync('festival', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
})
afterAll(() => cleanup())

const tts = (...args: string[]) => runCli(['tts', ...args], { PERCEPT_HOME: home })

describe('percept tts', () => {
  it('front-end --json: words with their source and reading, syllables with stress, breaks, notices', async () => {
    const { code, stdout } = await tts('front-end', 'Dr. Smith paid $3.50, zorblatt! 😀', '--json')
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    // One sentence (the emoji after "!" starts none): the comma makes a minor break, the "!" the major one.
    expect(result.sentences).toHaveLength(1)
    const [first] = result.sentences
    expect(first.phrases.map((p: { break: string }) => p.break)).toEqual(['minor', 'major'])
    const words = first.phrases[0].words
    expect(words.map((w: { word: string }) => w.word)).toEqual(['doctor', 'smith', 'paid', 'three', 'dollars', 'and', 'fifty', 'cents'])
    expect(words[0]).toMatchObject({ from: 'Dr.', reading: 'abbreviation', source: 'dictionary', pronunciation: 'D AA1 K T ER0' })
    expect(words[0].syllables).toEqual([{ phones: ['d', 'aa', 'k'], stress: 1 }, { phones: ['t', 'er'], stress: 0 }])
    expect(words[4]).toMatchObject({ from: '$3.50', reading: 'currency' })
    expect(first.phrases[1].words[0]).toMatchObject({ word: 'zorblatt', source: 'letter-to-sound' })
    expect(result.notices).toEqual([{ text: '😀', reason: expect.stringMatching(/emoji/) }])
  })

  it('front-end: empty text is refused with a message; other scripts alone give a notice, not a crash', async () => {
    const empty = await tts('front-end', '  ', '--json')
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/The text is empty.*\[VALIDATION\]/)
    const other = await tts('front-end', 'Привет', '--json')
    expect(other.code).toBe(0)
    expect(JSON.parse(other.stdout)).toEqual({ sentences: [], notices: [{ text: 'Привет', reason: expect.stringMatching(/Cyrillic/) }] })
  })

  it('corpus import --json: counts, duration, phones and the problem files by name', async () => {
    const dir = join(home, 'corpus')
    for (const sub of ['etc', 'wav', 'lab']) mkdirSync(join(dir, sub), { recursive: true })
    writeFileSync(join(dir, 'etc', 'txt.done.data'), '( a_0001 "Hi." )\n( a_0002 "Hi." )\n')
    writeFileSync(join(dir, 'wav', 'a_0002.wav'), 'not audio\n')
    writeFileSync(join(dir, 'lab', 'a_0001.lab'), '#\n0.1 125 pau\n0.2 125 hh\n0.3 125 ay\n0.4 125 pau\n')
    const { code, stdout } = await tts('corpus', 'import', dir, '--json')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ dir, layout: 'arctic', utterances: 0, duration: 0, phones: [] })
    expect(report.problems.map((p: { file: string }) => p.file)).toEqual(['wav/a_0001.wav', 'wav/a_0002.wav', 'lab/a_0002.lab'])
    const missing = await tts('corpus', 'import', join(home, 'nothing-here'), '--json')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/not a folder.*\[VALIDATION\]/)
  })

  it.skipIf(!hasFestival)('corpus fixture --sentences 2 --json synthesises with festival and imports cleanly', async () => {
    const dir = join(home, 'fixture')
    const { code, stdout, stderr } = await tts('corpus', 'fixture', dir, '--sentences', '2', '--seed', '4', '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ dir, sentences: 2, seed: 4, layout: 'arctic', utterances: 2, problems: [] })
    expect(report.duration).toBeGreaterThan(1)
    expect(report.phones.find((p: { phone: string }) => p.phone === 'pau').count).toBeGreaterThanOrEqual(4)
    const bad = await tts('corpus', 'fixture', dir, '--sentences', '100000')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--sentences takes a whole number from 1 to 800/)
  })
})
