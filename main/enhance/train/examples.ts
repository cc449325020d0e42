import { seededRandom } from '../../compute/seeded-random'
import { CONTEXT_FRAMES, contextInput, INPUT_BINS } from '../audio-input'
import { lipFrameAt, readLipInput, type LipInput } from '../corpus/lips'
import { LIP_HEIGHT, LIP_WIDTH } from '../corpus/mouth-image'
import { mixtureAudio, type PlannedMixture } from '../corpus/splits'
import { idealBinaryMask } from '../ideal-binary-mask'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from '../spectra'

/*
 * Training examples from a split part's mixtures (corpus/splits.ts), streamed a few mixtures at a time so
 * memory stays bounded whatever the corpus' size. For every mixture and every
 * frame t >= 7 (the first with a full 8-frame context): the 8 x 500 audio input of the noisy spectra
 * (audio-input.ts), the lip image at frame t (lips.ts' mapping of video to STFT frames) and the IBM
 * row of frame t (eq. 9, LC 5 dB) as the target.
 * The audio features: 0.6 log10(power + 1e-8) + 0.75 per bin, fixed (no statistics to carry): about zero
 * mean and unit variance over the fixture's training mixtures (log10 power: mean -1.2, sd 1.6, measured),
 * as a sigmoid network learns fastest from (LeCun et al. 1998); the earlier log10 / 8 + 0.5 squeezed the
 * inputs to sd 0.2 around 0.35. The same mapping is written into the package.
 */

export const FEATURE = { kind: 'log10-power', floor: 1e-8, scale: 0.6, offset: 0.75 } as const
export const AUDIO_SIZE = CONTEXT_FRAMES * INPUT_BINS
export const LIP_SIZE = LIP_WIDTH * LIP_HEIGHT

/** The model's audio features of power spectra (frames, 622), in place of a copy. */
export function audioFeatures(power: Float64Array): Float32Array {
  return Float32Array.from(power, (p) => Math.log10(p + FEATURE.floor) * FEATURE.scale + FEATURE.offset)
}

/** The examples of one mixture: frames t = 7..frames-1, row-major. */
export interface MixtureExamples {
  count: number
  audio: Float32Array
  lips: Float32Array | null
  target: Float32Array
}

/** The noisy features, the IBM and the per-frame inputs of one mixture's frames t >= 7. */
export function examplesOf(noisy: ArrayLike<number>, clean: ArrayLike<number>, noise: ArrayLike<number>, lips: LipInput | null): MixtureExamples {
  const noisySpectra = frameSpectra(noisy)
  const frames = noisySpectra.frames
  const features = audioFeatures(powerSpectra(noisySpectra))
  const mask = idealBinaryMask(powerSpectra(frameSpectra(clean)), powerSpectra(frameSpectra(noise)))
  const count = Math.max(0, frames - (CONTEXT_FRAMES - 1))
  const audio = new Float32Array(count * AUDIO_SIZE)
  const lipData = lips ? new Float32Array(count * LIP_SIZE) : null
  const target = new Float32Array(count * SPECTRUM_BINS)
  for (let i = 0; i < count; i++) {
    const t = i + CONTEXT_FRAMES - 1
    contextInput(features, frames, t, audio.subarray(i * AUDIO_SIZE, (i + 1) * AUDIO_SIZE))
    if (lipData && lips) lipData.set(lipFrameAt(lips, t), i * LIP_SIZE)
    target.set(mask.subarray(t * SPECTRUM_BINS, (t + 1) * SPECTRUM_BINS), i * SPECTRUM_BINS)
  }
  return { count, audio, lips: lipData, target }
}

/** Reads a planned mixture and its lips (kept for the next mixture of the same utterance) into examples. */
export class MixtureReader {
  private lipsOf: { video: string; samples: number; input: LipInput } | null = null
  readonly notes = new Set<string>()

  constructor(readonly withLips: boolean) {}

  async read(mixture: PlannedMixture): Promise<MixtureExamples & { clean: Float32Array; noisy: Float64Array }> {
    const audio = await mixtureAudio(mixture)
    let lips: LipInput | null = null
    if (this.withLips) {
      if (this.lipsOf?.video !== mixture.video || this.lipsOf.samples !== audio.clean.length) {
        this.lipsOf = { video: mixture.video, samples: audio.clean.length, input: await readLipInput(mixture.video, audio.clean.length) }
        for (const note of this.lipsOf.input.notes) this.notes.add(note)
      }
      lips = this.lipsOf.input
    }
    return { ...examplesOf(audio.noisy, audio.clean, audio.noise, lips), clean: audio.clean, noisy: audio.noisy }
  }
}

export interface ExampleBatch {
  size: number
  audio: Float32Array
  lips: Float32Array | null
  target: Float32Array
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** Mixtures whose frames are shuffled together when training: a batch mixes utterances, noises and SNRs. */
export const SHUFFLE_POOL = 16

/**
 * Batches of `batchSize` examples over the mixtures, the last one smaller. With a seed the mixtures come in
 * a shuffled order and the frames of every SHUFFLE_POOL mixtures are shuffled together (a resumed epoch
 * shuffles as the first run did); without, in order. Why a pool: a mixture holds about 90 frames, so
 * shuffling within each one made every batch of 64 one utterance at one SNR in one noise, correlated
 * gradients that trained markedly worse than batches drawn across the part (measured in PyTorch on the same
 * network). Memory stays that of SHUFFLE_POOL mixtures (about 50 MB with lips) and a batch.
 */
export async function* exampleBatches(mixtures: readonly PlannedMixture[], reader: MixtureReader, batchSize: number, seed?: number): AsyncGenerator<ExampleBatch> {
  const random = seed === undefined ? null : seededRandom(seed)
  const order = mixtures.map((_, i) => i)
  if (random) shuffle(order, random)
  const withLips = reader.withLips
  const pool = random ? SHUFFLE_POOL : 1
  let batch = newBatch(batchSize, withLips)
  for (let from = 0; from < order.length; from += pool) {
    const held: MixtureExamples[] = []
    for (const m of order.slice(from, from + pool)) held.push(await reader.read(mixtures[m]!))
    const frames = held.flatMap((examples, h) => Array.from({ length: examples.count }, (_, i) => [h, i] as const))
    if (random) shuffle(frames, random)
    for (const [h, i] of frames) {
      const examples = held[h]!
      const at = batch.size++
      batch.audio.set(examples.audio.subarray(i * AUDIO_SIZE, (i + 1) * AUDIO_SIZE), at * AUDIO_SIZE)
      if (batch.lips && examples.lips) batch.lips.set(examples.lips.subarray(i * LIP_SIZE, (i + 1) * LIP_SIZE), at * LIP_SIZE)
      batch.target.set(examples.target.subarray(i * SPECTRUM_BINS, (i + 1) * SPECTRUM_BINS), at * SPECTRUM_BINS)
      if (batch.size === batchSize) {
        yield batch
        batch = newBatch(batchSize, withLips)
      }
    }
  }
  if (batch.size > 0) yield { size: batch.size, audio: batch.audio.subarray(0, batch.size * AUDIO_SIZE), lips: batch.lips?.subarray(0, batch.size * LIP_SIZE) ?? null, target: batch.target.subarray(0, batch.size * SPECTRUM_BINS) }
}

function newBatch(size: number, withLips: boolean): ExampleBatch {
  return { size: 0, audio: new Float32Array(size * AUDIO_SIZE), lips: withLips ? new Float32Array(size * LIP_SIZE) : null, target: new Float32Array(size * SPECTRUM_BINS) }
}

/** Ones and zeros of the IBM targets (frames t >= 7) over the mixtures: the weighted BCE's counts. */
export async function countTargets(mixtures: readonly PlannedMixture[], onMixture?: (done: number) => void): Promise<{ positives: number; negatives: number; examples: number }> {
  let positives = 0
  let units = 0
  let examples = 0
  for (const [i, mixture] of mixtures.entries()) {
    const audio = await mixtureAudio(mixture)
    const mask = idealBinaryMask(powerSpectra(frameSpectra(audio.clean)), powerSpectra(frameSpectra(audio.noise)))
    const from = (CONTEXT_FRAMES - 1) * SPECTRUM_BINS
    for (let k = from; k < mask.length; k++) positives += mask[k]!
    units += Math.max(0, mask.length - from)
    examples += Math.max(0, mask.length / SPECTRUM_BINS - (CONTEXT_FRAMES - 1))
    onMixture?.(i + 1)
  }
  return { positives, negatives: units - positives, examples }
}
