import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CorpusItem, NoiseRecording } from '../../../../main/enhance/corpus/dataset'
import { mixtureAudio, partSizes, splitCorpus, SPLIT_PARTS, type CorpusSplit } from '../../../../main/enhance/corpus/splits'
import { encodeWav } from '../../../../main/dsp/io'
import { tempHome } from '../../../helpers/temp-home'
import { speechLike, uniformNoise } from '../signals'

// 40 utterances: s1 says sentences a00..a19, s2 says a00..a09 too (shared sentences) and b10..b19.
const item = (speaker: string, id: string): CorpusItem => ({
  speaker,
  id,
  audio: `/corpus/${speaker}/audio/${id}.wav`,
  video: `/corpus/${speaker}/video/${id}`,
  videoFrames: 75,
  seconds: 3,
  sampleRate: 16_000,
  align: null,
  words: null,
})
const ids = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${String(from + i).padStart(2, '0')}`)
const items = [...ids('a', 0, 20).map((id) => item('s1', id)), ...ids('a', 0, 10).map((id) => item('s2', id)), ...ids('b', 10, 20).map((id) => item('s2', id))]
const noise = (type: string, name: string): NoiseRecording => ({ type, name, path: `/noise/${type}/${name}.wav`, seconds: 6 })
const noises = [noise('bus', 'bus-1'), noise('bus', 'bus-2'), noise('cafe', 'cafe-1'), noise('cafe', 'cafe-2'), noise('street', 'street-1')]
const keyOf = (m: { type: string; name: string }) => `${m.type}/${m.name}`

function expectPartition(split: CorpusSplit): void {
  const all = SPLIT_PARTS.flatMap((p) => split.utterances[p])
  expect(new Set(all).size).toBe(all.length) // disjoint
  expect([...all].sort()).toEqual(items.map((i) => `${i.speaker}/${i.id}`).sort()) // and complete
}

describe('part sizes', () => {
  it('are 80 / 15 / 5 %, test and proxy at least one utterance from 3 utterances on', () => {
    expect(partSizes(100)).toEqual({ train: 80, test: 15, proxy: 5 })
    expect(partSizes(40)).toEqual({ train: 32, test: 6, proxy: 2 })
    expect(partSizes(20)).toEqual({ train: 16, test: 3, proxy: 1 })
    expect(partSizes(4)).toEqual({ train: 2, test: 1, proxy: 1 })
    expect(partSizes(2)).toEqual({ train: 2, test: 0, proxy: 0 })
  })
})

describe('splitCorpus', () => {
  it('by utterance: 4 disjoint splits of exactly 32 / 6 / 2, reproducible from the seed, different from each other', () => {
    const splits = splitCorpus(items, noises, { seed: 5, groupBy: 'utterance' })
    expect(splits).toHaveLength(4)
    for (const split of splits) {
      expectPartition(split)
      expect({ train: split.utterances.train.length, test: split.utterances.test.length, proxy: split.utterances.proxy.length }).toEqual({ train: 32, test: 6, proxy: 2 })
    }
    expect(new Set(splits.map((s) => s.utterances.test.join())).size).toBe(4)
    expect(splitCorpus(items, noises, { seed: 5, groupBy: 'utterance' })).toEqual(splits)
    expect(splitCorpus(items, noises, { seed: 6, groupBy: 'utterance' })[0]!.utterances.test).not.toEqual(splits[0]!.utterances.test)
  })

  it('by sentence (the default): no sentence is in two parts, so test sentences are unseen in training', () => {
    for (const split of splitCorpus(items, noises, { seed: 9 })) {
      expectPartition(split)
      const sentences = (part: 'train' | 'test' | 'proxy') => new Set(split.utterances[part].map((k) => k.split('/')[1]))
      const train = sentences('train')
      for (const s of sentences('test')) expect(train.has(s)).toBe(false)
      for (const s of sentences('proxy')) expect(train.has(s)).toBe(false)
      // a shared sentence holds 2 utterances, so a part may pass its size by one
      expect(split.utterances.test.length).toBeGreaterThanOrEqual(6)
      expect(split.utterances.test.length).toBeLessThanOrEqual(7)
    }
  })

  it('mixes every utterance at -12, -6, 0 and 6 dB; the test part alone hears one held-out recording per type with two', () => {
    for (const split of splitCorpus(items, noises, { seed: 3 })) {
      // bus and cafe have two recordings each: one of each is held out; street has one and is never held out
      expect(split.heldOutNoises).toHaveLength(2)
      expect(split.heldOutNoises.map((n) => n.split('/')[0])).toEqual(['bus', 'cafe'])
      for (const part of SPLIT_PARTS) {
        const mixtures = split.mixtures[part]
        expect(mixtures).toHaveLength(4 * split.utterances[part].length)
        for (const key of split.utterances[part]) {
          expect(mixtures.filter((m) => `${m.speaker}/${m.id}` === key).map((m) => m.snrDb)).toEqual([-12, -6, 0, 6])
        }
        for (const m of mixtures) {
          expect(m.offsetFraction).toBeGreaterThanOrEqual(0)
          expect(m.offsetFraction).toBeLessThan(1)
          expect(split.heldOutNoises.includes(keyOf(m.noise))).toBe(part === 'test')
        }
      }
    }
    const open = splitCorpus(items, noises, { seed: 3, holdOutNoise: false, splits: 1, snrsDb: [0] })[0]!
    expect(open.heldOutNoises).toEqual([])
    expect(open.mixtures.train).toHaveLength(open.utterances.train.length)
  })

  it('explains what it cannot split', () => {
    expect(() => splitCorpus([], noises, { seed: 1 })).toThrow(/no usable utterances to split/)
    expect(() => splitCorpus(items, [], { seed: 1 })).toThrow(/no noise recordings to mix/)
    expect(() => splitCorpus(items, noises, { seed: -1 })).toThrow(/seed must be a whole number/)
    expect(() => splitCorpus(items, noises, { seed: 1, splits: 0 })).toThrow(/number of splits/)
  })
})

describe('mixtureAudio', () => {
  it('reads a planned mixture and mixes the noise from its offset at the SNR asked', async () => {
    const { home, cleanup } = tempHome('percept-splits-')
    try {
      const clean = Float32Array.from(speechLike(16_000, 16_000))
      const noiseSamples = Float32Array.from(uniformNoise(8000, 4))
      const cleanPath = join(home, 'clean.wav')
      const noisePath = join(home, 'noise.wav')
      writeFileSync(cleanPath, encodeWav({ sampleRate: 16_000, channels: [clean] }, 'float32'))
      writeFileSync(noisePath, encodeWav({ sampleRate: 16_000, channels: [noiseSamples] }, 'float32'))
      const m = await mixtureAudio({ speaker: 's1', id: 'x', audio: cleanPath, video: '', noise: { type: 'bus', name: 'noise', path: noisePath }, snrDb: 6, offsetFraction: 0.5 })
      // offset floor(0.5 x 8000) = 4000; the 8000-sample noise repeats to cover 16000 samples
      expect(m.offset).toBe(4000)
      expect(m.noise[0]).toBeCloseTo(m.gain * noiseSamples[4000]!, 6)
      expect(m.noise[4000]).toBeCloseTo(m.gain * noiseSamples[0]!, 6)
      const energy = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v * v, 0)
      expect(10 * Math.log10(energy(m.clean) / energy(m.noise))).toBeCloseTo(6, 6)
      expect(m.noisy[100]).toBeCloseTo(clean[100]! + m.noise[100]!, 6)
    } finally {
      cleanup()
    }
  })
})
