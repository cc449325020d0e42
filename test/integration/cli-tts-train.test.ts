import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudioFile } from '../../main/dsp/io'
import { repoRoot, requireBuild, runCli } from '../helpers/built-app'
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

// The bundled voice (scripts/train-bundled-voice.sh writes models/tts/slt-fixture).
const bundled = existsSync(join(repoRoot, 'models', 'tts', 'slt-fixture', 'model.json'))

describe('percept tts say without --voice', () => {
  it.skipIf(!bundled)('speaks with the bundled voice, in both of its systems, and says what it skipped', async () => {
    const out = join(home, 'bundled.wav')
    for (const system of ['mdnn', 'dnn']) {
      const said = await tts('say', 'Hello there 🎉, it is 10:30 on the 3rd of May.', '--system', system, '--out', out, '--json')
      expect(said.code, said.stderr).toBe(0)
      const spoken = JSON.parse(said.stdout)
      expect(spoken).toMatchObject({ voice: 'slt-fixture', system })
      // hello there it is ten thirty on the third of may: about 30 phones, a second or more of speech.
      expect(spoken.phones.length).toBeGreaterThan(25)
      expect(spoken.duration).toBeGreaterThan(1)
      expect(Number.isFinite(spoken.realTimeFactor)).toBe(true)
      expect(said.stderr).toMatch(/notice: "🎉": emoji/)
      const audio = await readAudioFile(out)
      expect(audio.channels[0]!.length / 16000).toBeCloseTo(spoken.duration, 3)
    }
    const nothing = await tts('say', '🎉🎉', '--out', out)
    expect(nothing.code).not.toBe(0)
    expect(nothing.stderr).toMatch(/Nothing to say/)
  }, 120_000)

  it('refuses a non-WAV output and an unknown precision', async () => {
    const bad = await tts('say', 'Hello.', '--voice', 'nothing-here', '--out', join(home, 'x.mp3'))
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/\.wav/)
    const precision = await tts('say', 'Hello.', '--precision', 'int4', '--out', join(home, 'x.wav'))
    expect(precision.code).not.toBe(0)
    expect(precision.stderr).toMatch(/expected one of float32, int8/)
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
