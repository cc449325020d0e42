import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readAudioFile, writeWavFile } from '../../../main/dsp/io'
import { chooseSentences, makeFixtureCorpus } from '../../../main/tts/corpus/fixture'
import { importCorpus } from '../../../main/tts/corpus/import-corpus'
import { formatLab, parseLab } from '../../../main/tts/corpus/lab-file'
import { formatPrompts, parsePrompts } from '../../../main/tts/corpus/prompts-file'

const root = mkdtempSync(join(tmpdir(), 'percept-tts-corpus-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const hasFestival = (() => {
  try {
    execFileSync('festival', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** A 16 kHz tone of `seconds`. */
const tone = (seconds: number) => ({ sampleRate: 16000, channels: [Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => 0.3 * Math.sin(i / 5))] })
// "Hi, Bob." as the front end says it: pau hh ay pau b aa b pau, ending at 0.8 s.
const hiBob = formatLab([['pau', 0.1], ['hh', 0.18], ['ay', 0.32], ['pau', 0.42], ['b', 0.5], ['aa', 0.64], ['b', 0.7], ['pau', 0.8]].map(([phone, end], i, all) => ({ phone: phone as string, start: i ? (all[i - 1]![1] as number) : 0, end: end as number })))

describe('label and prompt files', () => {
  it('reads festvox xlabel (with and without header), HTK and Audacity forms', () => {
    const festvox = parseLab('separator ;\nnfields 1\n#\n    0.1 125 pau\n    0.25 125 hh\n')
    expect(festvox).toEqual([{ phone: 'pau', start: 0, end: 0.1 }, { phone: 'hh', start: 0.1, end: 0.25 }])
    expect(parseLab('0.100000 26 pau\n0.250000 26 hh\n')).toEqual(festvox)
    expect(parseLab('0 1000000 pau\n1000000 2500000 hh\n').map((p) => [p.phone, +p.start.toFixed(6), +p.end.toFixed(6)])).toEqual([['pau', 0, 0.1], ['hh', 0.1, 0.25]])
    expect(parseLab('0\t0.1\tpau\n0.1\t0.25\thh\n')).toEqual(festvox)
    expect(() => parseLab('#\nnot a label\n')).toThrow(/line 2/)
  })

  it('writes and reads etc/txt.done.data with quotes escaped', () => {
    const prompts = [{ id: 'a_0001', text: 'She said "hi" \\ left.' }]
    expect(formatPrompts(prompts)).toBe('( a_0001 "She said \\"hi\\" \\\\ left." )\n')
    expect(parsePrompts(formatPrompts(prompts) + 'junk\n')).toEqual({ prompts, bad: [2] })
  })
})

describe('corpus import', () => {
  it('ARCTIC layout: counts the good utterances and reports every broken file by name', async () => {
    const dir = join(root, 'arctic')
    for (const sub of ['etc', 'wav', 'lab']) mkdirSync(join(dir, sub), { recursive: true })
    const texts: Record<string, string> = { good_1: 'Hi, Bob.', good_2: 'Hi, Bob.', noisy: 'Hi, Bob.', nolab: 'Hi, Bob.', nowav: 'Hi, Bob.', wrong: 'Seventeen zebras wandered northward yesterday.' }
    writeFileSync(join(dir, 'etc', 'txt.done.data'), formatPrompts(Object.entries(texts).map(([id, text]) => ({ id, text }))))
    for (const id of ['good_1', 'good_2', 'nolab', 'wrong', 'stray']) await writeWavFile(join(dir, 'wav', `${id}.wav`), tone(0.8), 'pcm16')
    writeFileSync(join(dir, 'wav', 'noisy.wav'), 'this is not a sound file\n')
    for (const id of ['good_1', 'good_2', 'noisy', 'nowav', 'wrong']) writeFileSync(join(dir, 'lab', `${id}.lab`), hiBob)
    const { report, utterances } = await importCorpus(dir)
    expect(report.layout).toBe('arctic')
    expect(utterances.map((u) => u.id)).toEqual(['good_1', 'good_2'])
    expect(report.utterances).toBe(2)
    expect(report.duration).toBeCloseTo(1.6, 6)
    expect(report.phones).toEqual([{ phone: 'aa', count: 2 }, { phone: 'ay', count: 2 }, { phone: 'b', count: 4 }, { phone: 'hh', count: 2 }, { phone: 'pau', count: 6 }])
    const byFile = Object.fromEntries(report.problems.map((p) => [p.file, p.problem]))
    expect(Object.keys(byFile).sort()).toEqual(['lab/nolab.lab', 'lab/wrong.lab', 'wav/noisy.wav', 'wav/nowav.wav', 'wav/stray.wav'])
    expect(byFile['wav/noisy.wav']).toMatch(/unreadable: .*text file/)
    expect(byFile['lab/nolab.lab']).toMatch(/missing/)
    expect(byFile['wav/nowav.wav']).toMatch(/missing/)
    expect(byFile['wav/stray.wav']).toMatch(/no transcript/)
    expect(byFile['lab/wrong.lab']).toMatch(/does not match the transcript/)
  })

  it('a plain folder: WAV + .txt + .lab side by side; alignment running past the sound is reported', async () => {
    const dir = join(root, 'folder')
    mkdirSync(dir, { recursive: true })
    await writeWavFile(join(dir, 'one.wav'), tone(0.8), 'pcm16')
    await writeWavFile(join(dir, 'short.wav'), tone(0.5), 'pcm16')
    for (const id of ['one', 'short']) writeFileSync(join(dir, `${id}.txt`), 'Hi, Bob.\n')
    for (const id of ['one', 'short']) writeFileSync(join(dir, `${id}.lab`), hiBob)
    const { report } = await importCorpus(dir)
    expect(report).toMatchObject({ layout: 'folder', utterances: 1 })
    expect(report.problems).toEqual([{ file: 'short.lab', problem: 'the alignment ends at 0.800 s but short.wav lasts 0.500 s' }])
  })

  it('a missing folder is a validation error with what to give', async () => {
    await expect(importCorpus(join(root, 'nope'))).rejects.toThrow(/not a folder/)
  })
})

describe('festival fixture corpus', () => {
  it('the seeded choice of sentences is fixed and without repeats', () => {
    const a = chooseSentences(20, 7)
    expect(chooseSentences(20, 7)).toEqual(a)
    expect(new Set(a).size).toBe(20)
    expect(chooseSentences(20, 8)).not.toEqual(a)
  })

  it.skipIf(!hasFestival)('festival speaks 3 sentences: 16 kHz WAVs, increasing .lab times ending at the wave\'s end', async () => {
    const dir = join(root, 'fixture')
    const prompts = await makeFixtureCorpus(dir, { sentences: 3, seed: 2 })
    expect(prompts.map((p) => p.id)).toEqual(['fixture_0001', 'fixture_0002', 'fixture_0003'])
    for (const { id } of prompts) {
      const audio = await readAudioFile(join(dir, 'wav', `${id}.wav`))
      expect(audio.sampleRate).toBe(16000)
      expect(audio.channels).toHaveLength(1)
      const phones = parseLab(readFileSync(join(dir, 'lab', `${id}.lab`), 'utf8'))
      expect(phones[0]!.phone).toBe('pau')
      expect(phones[phones.length - 1]!.phone).toBe('pau')
      phones.forEach((p) => expect(p.end).toBeGreaterThan(p.start))
      const duration = audio.channels[0]!.length / 16000
      expect(Math.abs(phones[phones.length - 1]!.end - duration)).toBeLessThan(0.02)
    }
    const { report } = await importCorpus(dir)
    expect(report).toMatchObject({ layout: 'arctic', utterances: 3, problems: [] })
  }, 30_000)
})
