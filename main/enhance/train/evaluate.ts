import type { ModelPackage } from '../../compute/model-package'
import { openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { PerceptError } from '../../core/errors'
import { CONTEXT_FRAMES } from '../audio-input'
import { loadCorpus } from '../corpus/dataset'
import { PAPER_SPLIT_COUNT, splitCorpus } from '../corpus/splits'
import { idealBinaryMask } from '../ideal-binary-mask'
import { siSdr } from '../metrics/si-sdr'
import { stoi } from '../metrics/stoi'
import { enhanceWithMask } from '../resynthesis'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from '../spectra'
import { MASK_OUTPUT, RATES_OUTPUT } from '../model/enhance-net'
import { AUDIO_SIZE, LIP_SIZE, MixtureReader, type MixtureExamples } from './examples'
import type { EnhancePreprocessing } from './install-model'
import { maskGain } from './mask-gain'
import { addCounts, countMask, emptyCounts, f1Score, maskAccuracy, meanOf, type MaskCounts } from './measures'

/*
 * `percept enhance eval`: a trained package on the test part of a corpus, through its ONNX model, as a
 * user would run it. The test part is the one the package was trained beside: the split index, seed and
 * SNRs recorded in its model.json, applied to the corpus given (the same corpus gives the same held-out
 * sentences and noise recording). Reported:
 *  - F1 and accuracy of the masks (frames t >= 7, threshold 0.5, every unit of the part: measures.ts);
 *  - the mean event rate of every layer over the test examples (the package's 'event_rates' output);
 *  - SI-SDR and STOI against the clean speech, averaged over the test mixtures, of the noisy mixture, of
 *    the mixture enhanced with the model's binary mask and with its soft (sigmoid) mask, both as gains with
 *    the package's floor (mask-gain.ts), and of the IBM oracle (resynthesis.ts' weighted overlap-add). Frames 0..6 have no estimate: the model's masks
 *    pass them unchanged (gain 1); the oracle masks them as the IBM says.
 */

export interface SignalScores {
  siSdr: number
  stoi: number
}

export interface EnhanceEvaluation {
  model: string
  kind: string
  dataset: string
  split: number
  mixtures: number
  examples: number
  f1: number
  accuracy: number
  counts: MaskCounts
  firingRates: Record<string, number>
  enhancement: { noisy: SignalScores; enhanced: SignalScores; enhancedSoft: SignalScores; oracle: SignalScores }
  notes: string[]
}

/** The package's preprocessing, checked: VALIDATION naming what is missing when it is no enhancement package of this trainer. */
export function readPreprocessing(pkg: ModelPackage): EnhancePreprocessing {
  const pre = pkg.meta.preprocessing as Partial<EnhancePreprocessing>
  const training = pre.training
  if (pkg.meta.task !== 'speech-enhancement' || !pre.model || !training || !Number.isInteger(training.seed) || !Number.isInteger(training.split) || !Array.isArray(training.snrsDb)) {
    throw new PerceptError(
      'VALIDATION',
      `${pkg.id} is not a mask model made by \`percept enhance train\` (task ${pkg.meta.task}; its model.json lacks the model kind or the training split). Give a package that enhance train installed or exported.`,
    )
  }
  if (pre.frameLength !== 1244 || pre.hopLength !== 311 || pre.contextFrames !== CONTEXT_FRAMES) {
    throw new PerceptError('VALIDATION', `${pkg.id} expects frames of ${pre.frameLength} samples, hop ${pre.hopLength}, ${pre.contextFrames} context frames; this evaluator uses 1244, 311 and 8.`)
  }
  return pre as EnhancePreprocessing
}

async function runMasks(session: OnnxModelSession, examples: MixtureExamples, withLips: boolean, layers: number): Promise<{ mask: Float32Array; rates: Float64Array }> {
  const mask = new Float32Array(examples.count * SPECTRUM_BINS)
  const rates = new Float64Array(layers)
  const chunk = 64
  for (let from = 0; from < examples.count; from += chunk) {
    const n = Math.min(chunk, examples.count - from)
    const feeds = {
      audio: { data: examples.audio.subarray(from * AUDIO_SIZE, (from + n) * AUDIO_SIZE), shape: [n, CONTEXT_FRAMES, AUDIO_SIZE / CONTEXT_FRAMES, 1] },
      ...(withLips ? { lips: { data: examples.lips!.subarray(from * LIP_SIZE, (from + n) * LIP_SIZE), shape: [n, 50, 92, 1] } } : {}),
    }
    const out = await session.run(feeds, [MASK_OUTPUT, RATES_OUTPUT])
    mask.set(out[MASK_OUTPUT]!.data as Float32Array, from * SPECTRUM_BINS)
    const r = out[RATES_OUTPUT]!.data as Float32Array
    for (let i = 0; i < n; i++) for (let l = 0; l < layers; l++) rates[l]! += r[i * layers + l]!
  }
  return { mask, rates }
}

/** Evaluates a package on the test part of the corpus at `datasetDir`; `onMixture` reports progress. */
export async function evaluateEnhanceModel(pkg: ModelPackage, datasetDir: string, onMixture: (done: number, total: number) => void = () => {}): Promise<EnhanceEvaluation> {
  const pre = readPreprocessing(pkg)
  const withLips = pre.lips !== null
  const floor = pre.gainFloor ?? 0
  const corpus = await loadCorpus(datasetDir)
  const split = splitCorpus(corpus.items, corpus.noises, { seed: pre.training.seed, splits: PAPER_SPLIT_COUNT, snrsDb: pre.training.snrsDb })[pre.training.split]!
  const mixtures = split.mixtures.test
  if (mixtures.length === 0) throw new PerceptError('VALIDATION', `Split ${pre.training.split} of ${datasetDir} holds no test utterance (${corpus.items.length} usable utterances); the corpus needs at least 3.`)
  const session = await openOnnxSession(pkg.onnxPath)
  const reader = new MixtureReader(withLips)
  const counts = emptyCounts()
  const rateSums = new Float64Array(pre.layers.length)
  const scores = { noisy: [] as SignalScores[], enhanced: [] as SignalScores[], enhancedSoft: [] as SignalScores[], oracle: [] as SignalScores[] }
  let examples = 0
  try {
    for (const [i, mixture] of mixtures.entries()) {
      const read = await reader.read(mixture)
      const { mask, rates } = await runMasks(session, read, withLips, pre.layers.length)
      addCounts(counts, countMask(mask, read.target))
      rates.forEach((r, l) => (rateSums[l]! += r))
      examples += read.count
      // Whole-clip masks: frames 0..6 pass unchanged.
      const frames = read.count + CONTEXT_FRAMES - 1
      const soft = new Float32Array(frames * SPECTRUM_BINS).fill(1)
      const binary = new Float32Array(frames * SPECTRUM_BINS).fill(1)
      const at = (CONTEXT_FRAMES - 1) * SPECTRUM_BINS
      for (let k = 0; k < mask.length; k++) {
        soft[at + k] = maskGain(mask[k]!, 'soft', floor)
        binary[at + k] = maskGain(mask[k]!, 'binary', floor)
      }
      const noise = read.noisy.map((v, k) => v - read.clean[k]!)
      const oracle = idealBinaryMask(powerSpectra(frameSpectra(read.clean)), powerSpectra(frameSpectra(noise)), pre.training.lcDb)
      const score = async (signal: ArrayLike<number>): Promise<SignalScores> => ({ siSdr: siSdr(read.clean, signal), stoi: await stoi(read.clean, Float32Array.from(signal), 16_000) })
      scores.noisy.push(await score(read.noisy))
      scores.enhanced.push(await score(enhanceWithMask(read.noisy, binary)))
      scores.enhancedSoft.push(await score(enhanceWithMask(read.noisy, soft)))
      scores.oracle.push(await score(enhanceWithMask(read.noisy, oracle)))
      onMixture(i + 1, mixtures.length)
    }
  } finally {
    await session.release()
  }
  const mean = (list: SignalScores[]): SignalScores => ({ siSdr: meanOf(list.map((s) => s.siSdr)), stoi: meanOf(list.map((s) => s.stoi)) })
  const firingRates: Record<string, number> = {}
  pre.layers.forEach((name, l) => (firingRates[name] = examples ? rateSums[l]! / examples : 0))
  firingRates.network = meanOf(pre.layers.map((name) => firingRates[name]!))
  return {
    model: pkg.id,
    kind: pre.model,
    dataset: corpus.root,
    split: pre.training.split,
    mixtures: mixtures.length,
    examples,
    f1: f1Score(counts),
    accuracy: maskAccuracy(counts),
    counts,
    firingRates,
    enhancement: { noisy: mean(scores.noisy), enhanced: mean(scores.enhanced), enhancedSoft: mean(scores.enhancedSoft), oracle: mean(scores.oracle) },
    notes: [...reader.notes],
  }
}
