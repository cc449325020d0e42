import { seededRandom } from '../../compute/seeded-random'
import { PerceptError } from '../../core/errors'
import { readMono16k } from '../audio-source'
import { mixAtSnr, PAPER_SNRS_DB, planMixtures, specOffset, type Mixture } from '../mixture'
import type { CorpusItem, NoiseRecording } from './dataset'

/*
 * Train / test / proxy splits of a corpus and the noisy mixtures of each (paper Sec. III-C: "randomly
 * split into training (80%), testing (15%), and proxy (5%) sets", 4 runs on different splits; every
 * utterance mixed at -12, -6, 0 and 6 dB).
 *
 * - Split by utterance, grouped by sentence by default: GRID names an utterance by its sentence
 *   ("pbaf2n"), and all speakers' utterances of one sentence go to the same part, so test sentences are
 *   unseen in training (the "unseen sentences"). groupBy 'utterance' splits utterances freely.
 * - Sizes: test round(0.15 n), proxy round(0.05 n), train the rest, with test and proxy at least one
 *   utterance each once n >= 3 (a proxy of none would leave a small fixture without one). Groups are taken
 *   in shuffled order, test first, then proxy, then train, so with groups of one the sizes are exact.
 * - Held-out noise (default on): for every noise type with two or more recordings one recording, drawn
 *   per split, is kept for the test part alone; train and proxy mix only the others (proxy selects models,
 *   so it must not see the test's noise either). Test then measures an unseen noise recording.
 * - Each part's mixtures come from main/enhance/mixture.ts' planMixtures: every utterance at every SNR,
 *   a noise and a start in it drawn from the part's seed. Split k's seed is derived from the seed and k,
 *   so the same seed and corpus give the same splits on any machine.
 */

export const SPLIT_FRACTIONS = { train: 0.8, test: 0.15, proxy: 0.05 } as const
export const PAPER_SPLIT_COUNT = 4
export const SPLIT_PARTS = ['train', 'test', 'proxy'] as const
export type SplitPart = (typeof SPLIT_PARTS)[number]

export interface SplitOptions {
  seed: number
  splits?: number
  snrsDb?: readonly number[]
  groupBy?: 'sentence' | 'utterance'
  holdOutNoise?: boolean
}

export interface PlannedMixture {
  speaker: string
  id: string
  audio: string
  video: string
  noise: { type: string; name: string; path: string }
  snrDb: number
  /** Where the noise starts, as a fraction of its length (mixture.ts' specOffset turns it into a sample). */
  offsetFraction: number
}

export interface CorpusSplit {
  index: number
  seed: number
  /** "speaker/id" of the utterances in each part. */
  utterances: Record<SplitPart, string[]>
  mixtures: Record<SplitPart, PlannedMixture[]>
  /** Noise recordings ("type/name") only the test part mixes. */
  heldOutNoises: string[]
}

/** Utterance counts of the three parts for n utterances (see the header). */
export function partSizes(n: number): Record<SplitPart, number> {
  let test = Math.round(SPLIT_FRACTIONS.test * n)
  let proxy = Math.round(SPLIT_FRACTIONS.proxy * n)
  if (n >= 3) {
    test = Math.max(1, test)
    proxy = Math.max(1, proxy)
  }
  return { train: n - test - proxy, test, proxy }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const key = (item: CorpusItem) => `${item.speaker}/${item.id}`
const noiseKey = (noise: NoiseRecording) => `${noise.type}/${noise.name}`
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true })

function splitSeed(seed: number, k: number): number {
  return Math.floor(seededRandom((seed ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0)() * 2 ** 32)
}

function plan(items: readonly CorpusItem[], noises: readonly NoiseRecording[], snrs: readonly number[], seed: number): PlannedMixture[] {
  if (items.length === 0) return []
  return planMixtures(items.length, noises.length, snrs, seed).map((spec) => {
    const item = items[spec.utterance]!
    const noise = noises[spec.noise]!
    return { speaker: item.speaker, id: item.id, audio: item.audio, video: item.video, noise: { type: noise.type, name: noise.name, path: noise.path }, snrDb: spec.snrDb, offsetFraction: spec.offsetFraction }
  })
}

/** `splits` (4) reproducible splits of the corpus' items, each with its mixtures at the SNRs asked. */
export function splitCorpus(items: readonly CorpusItem[], noises: readonly NoiseRecording[], options: SplitOptions): CorpusSplit[] {
  const count = options.splits ?? PAPER_SPLIT_COUNT
  const snrs = options.snrsDb ?? PAPER_SNRS_DB
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed >= 2 ** 32) throw new PerceptError('VALIDATION', `The seed must be a whole number from 0 to 4294967295, got ${options.seed}.`)
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new PerceptError('VALIDATION', `The number of splits must be a whole number from 1 to 100, got ${count}.`)
  if (items.length === 0) throw new PerceptError('VALIDATION', 'The corpus has no usable utterances to split; run the corpus check and fix the problems it lists.')
  if (noises.length === 0) throw new PerceptError('VALIDATION', 'The corpus has no noise recordings to mix; add noise/<type>/*.wav.')
  const sortedItems = [...items].sort((a, b) => byName(key(a), key(b)))
  const sortedNoises = [...noises].sort((a, b) => byName(noiseKey(a), noiseKey(b)))
  const groupOf = (item: CorpusItem) => (options.groupBy === 'utterance' ? key(item) : item.id)
  const groups = new Map<string, CorpusItem[]>()
  for (const item of sortedItems) groups.set(groupOf(item), [...(groups.get(groupOf(item)) ?? []), item])
  const sizes = partSizes(sortedItems.length)

  const out: CorpusSplit[] = []
  for (let k = 0; k < count; k++) {
    const seed = splitSeed(options.seed, k)
    const random = seededRandom(seed)
    const parts: Record<SplitPart, CorpusItem[]> = { train: [], test: [], proxy: [] }
    for (const group of shuffled([...groups.keys()], random)) {
      const part: SplitPart = parts.test.length < sizes.test ? 'test' : parts.proxy.length < sizes.proxy ? 'proxy' : 'train'
      parts[part].push(...groups.get(group)!)
    }
    const heldOut: NoiseRecording[] = []
    if (options.holdOutNoise ?? true) {
      for (const type of [...new Set(sortedNoises.map((n) => n.type))]) {
        const ofType = sortedNoises.filter((n) => n.type === type)
        if (ofType.length >= 2) heldOut.push(ofType[Math.floor(random() * ofType.length)]!)
      }
    }
    const seen = sortedNoises.filter((n) => !heldOut.includes(n))
    const testNoises = heldOut.length > 0 ? heldOut : sortedNoises
    for (const part of SPLIT_PARTS) parts[part].sort((a, b) => byName(key(a), key(b)))
    out.push({
      index: k,
      seed,
      utterances: { train: parts.train.map(key), test: parts.test.map(key), proxy: parts.proxy.map(key) },
      mixtures: {
        train: plan(parts.train, seen, snrs, seed ^ 1),
        test: plan(parts.test, testNoises, snrs, seed ^ 2),
        proxy: plan(parts.proxy, seen, snrs, seed ^ 3),
      },
      heldOutNoises: heldOut.map(noiseKey),
    })
  }
  return out
}

/** The clean speech of a planned mixture and the mixture itself, both 16 kHz mono (the noise cut or repeated, scaled to the SNR). */
export async function mixtureAudio(mixture: PlannedMixture): Promise<Mixture & { clean: Float32Array }> {
  const [clean, noise] = await Promise.all([readMono16k(mixture.audio), readMono16k(mixture.noise.path)])
  const offset = specOffset({ utterance: 0, noise: 0, snrDb: mixture.snrDb, offsetFraction: mixture.offsetFraction }, noise.samples.length)
  return { clean: clean.samples, ...mixAtSnr(clean.samples, noise.samples, mixture.snrDb, offset) }
}
