import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudioFile } from '../../main/dsp/io'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// The chain a user walks, on the built app: a festival fixture corpus -> `tts train` (a tiny DNN voice, as a
// foreground job) -> `tts say --voice <the installed id>` -> `tts eval --voice <id>`; and the messages for a
// missing voice and bad input. Skipped where festival is absent.
const hasFestival = spawnSync('festival', ['--version']).error === undefined
let home: string
let cleanup: () => void

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-tts-train-'))
})
afterAll(() => cleanup())

const tts = (...args: string[]) => runCli(['tts', ...args], { PERCEPT_HOME: home, PERCEPT_BACKEND: 'cpu' })

describe('percept tts say without a voice', () => {
  it('says to pass --voice while no voice is bundled, and refuses a non-WAV output', async () => {
    const none = await tts('say', 'Hello.', '--out', join(home, 'x.wav'), '--json')
    expect(none.code).not.toBe(0)
    expect(none.stderr).toMatch(/--voice/)
    const bad = await tts('say', 'Hello.', '--voice', 'nothing-here', '--out', join(home, 'x.mp3'))
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/\.wav/)
  })
})

describe.skipIf(!hasFestival)('percept tts train -> say -> eval', () => {
  it('trains a voice, speaks with it by its id and scores it on the held-out sentence', async () => {
    const corpus = join(home, 'corpus')
    expect((await tts('corpus', 'fixture', corpus, '--sentences', '3', '--seed', '2')).code).toBe(0)
    const trained = await tts('train', '--corpus', corpus, '--system', 'dnn', '--epochs', '1', '--widths', 'duration=8,acoustic=16x16', '--batch-size', '64', '--json')
    expect(trained.code, trained.stderr).toBe(0)
    const report = JSON.parse(trained.stdout)
    expect(report.system).toBe('dnn')
    expect(report.modelId).toMatch(/^tts-dnn-/)
    expect(report.utterances).toEqual({ train: 2, validation: 1 })
    expect(Object.keys(report.stages)).toEqual(['duration', 'acoustic'])
    expect(Number.isFinite(report.stages.acoustic.loss)).toBe(true)
    expect(report.onnxMaxDifference).toBeLessThan(1e-4)

    const out = join(home, 'hello.wav')
    const said = await tts('say', 'Hello there, Mr. Smith.', '--voice', report.modelId, '--out', out, '--json')
    expect(said.code, said.stderr).toBe(0)
    const spoken = JSON.parse(said.stdout)
    expect(Object.keys(spoken)).toEqual(['voice', 'system', 'duration', 'seconds', 'realTimeFactor', 'phones'])
    expect(spoken).toMatchObject({ voice: report.modelId, system: 'dnn' })
    expect(spoken.realTimeFactor).toBeCloseTo(spoken.seconds / spoken.duration, 9)
    const audio = await readAudioFile(out)
    expect(audio.sampleRate).toBe(16000)
    expect(audio.channels).toHaveLength(1)
    expect(audio.channels[0]!.length / 16000).toBeCloseTo(spoken.duration, 3)
    // hh ax l ow dh eh r m ih s t er s m ih th with pauses: about 20 phones, between 0.3 s and 10 s of speech.
    expect(spoken.phones.length).toBeGreaterThan(15)
    expect(spoken.duration).toBeGreaterThan(0.3)
    expect(spoken.duration).toBeLessThan(10)
    for (const [i, p] of spoken.phones.entries()) {
      expect(p.end).toBeGreaterThan(p.start)
      if (i > 0) expect(p.start).toBeGreaterThanOrEqual(spoken.phones[i - 1].end - 1e-9)
    }
    // The dnn voice cannot speak as mdnn.
    const wrong = await tts('say', 'Hello.', '--voice', report.modelId, '--system', 'mdnn', '--out', out)
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/speaks with dnn/)

    const scored = await tts('eval', '--corpus', corpus, '--voice', report.modelId, '--json')
    expect(scored.code, scored.stderr).toBe(0)
    const table = JSON.parse(scored.stdout)
    expect(table).toMatchObject({ voice: report.modelId, heldOut: true, sentences: 1 })
    expect(table.systems.map((s: { system: string; postFilter: boolean }) => [s.system, s.postFilter])).toEqual([['dnn', true], ['dnn', false]])
    // The same sentence, the same graphs: eval repeats the training job's own held-out scores.
    expect(table.systems[0].mcd).toBeCloseTo(report.evaluation.systems[0].mcd, 6)
  }, 240_000)
})
