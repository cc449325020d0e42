import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { ModelMeta } from '../../api/models'
import { PerceptError } from '../../core/errors'
import { openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { readModelPackage } from '../../compute/model-package'
import { spectrumBins } from '../vocoder/defaults'
import type { VocoderFeatures } from '../vocoder/defaults'
import { CepstrumSpectra } from './cepstrum-graph'
import { postFilterBeta } from './cepstral-post-filter'
import { generateTrajectories, vocoderFeatures, type BaselineTrajectories } from './generate'
import { overlapAdd, segmentRows } from './post-filter'
import { quantiseDenseGraph } from './quantised-graph'
import { ScaledSpectra } from './scaled-spectrum-graph'
import { lap, mark, type StageTimes } from './stage-times'
import { frameInputSize, mcDims, phoneInputSize, postFilterContext, voiceSessionOptions, voiceSystems, voiceWidthsSchema, type VoiceSystem } from './voice-config'
import { voiceStatsSchema, type VoiceStats } from './voice-stats'

/*
 * A voice package: the model-package folder (model.onnx, model.json, card.md) plus the voice's other graphs
 * beside model.onnx, each named in model.json's preprocessing.graphs, and its normalisation in stats.json:
 *   model.onnx      the baseline acoustic DNN (frame features -> z-scored mc/lf0/bap with dynamics + vuv)
 *   duration.onnx   phone features -> z-scored duration in frames
 *   spectral.onnx   (mdnn) the stacked bottleneck DNN + tied decoder: frame features -> spectra 0..1
 *   postfilter.onnx (mdnn) 3 consecutive spectra -> 3 enhanced ones
 * model.json's inputs and outputs describe model.onnx, as every package's do; the rest is in preprocessing.
 */

export const voiceGraphFiles = { acoustic: 'model.onnx', duration: 'duration.onnx', spectral: 'spectral.onnx', postFilter: 'postfilter.onnx' } as const
export type VoiceGraph = keyof typeof voiceGraphFiles
export const statsFile = 'stats.json'

const graphSchema = z.object({ file: z.string().regex(/^[a-z]+\.onnx$/), input: z.string(), output: z.string() }).strict()

/** What a voice writes into model.json's preprocessing (task speech-synthesis). */
export const voicePreprocessingSchema = z
  .object({
    sampleRate: z.literal(16000),
    symbols: z.literal('phonemes'),
    vocoder: z.string(),
    system: z.enum(voiceSystems),
    framePeriodMs: z.number().positive(),
    graphs: z.object({ acoustic: graphSchema, duration: graphSchema, spectral: graphSchema.optional(), postFilter: graphSchema.optional() }).strict(),
    stats: z.literal(statsFile),
    widths: voiceWidthsSchema,
    /** The corpus utterances left out of training, for `tts eval`. */
    heldOut: z.array(z.string()),
    corpus: z.string(),
    /**
     * Whether MDNNs2 speaks through its post-filter DNN unless asked otherwise: set at training, true only where
     * the post-filter lowered the held-out MCD (a small one trained briefly smears the spectra instead). Absent
     * in older voices: true.
     */
    postFilterNetwork: z.boolean().optional(),
    /**
     * Whether the DNN speaks through its cepstral post-filter unless asked otherwise: set at training by the same
     * rule (true only where it lowered the held-out MCD; a voice learnt from speech already sharpened, such as an
     * HTS voice's, is over-sharpened by it). Absent in older voices: true.
     */
    cepstralPostFilter: z.boolean().optional(),
  })
  .passthrough()
export type VoicePreprocessing = z.infer<typeof voicePreprocessingSchema>

/** Whether a voice's `system` speaks through its post-filter unless asked otherwise (as training decided). */
export function postFilterByDefault(p: Pick<VoicePreprocessing, 'postFilterNetwork' | 'cepstralPostFilter'>, system: VoiceSystem): boolean {
  return (system === 'dnn' ? p.cepstralPostFilter : p.postFilterNetwork) !== false
}

export interface VoiceSource {
  id: string
  meta: ModelMeta
  preprocessing: VoicePreprocessing
  stats: VoiceStats
  /** The bytes of each graph, or its path. */
  graphs: Partial<Record<VoiceGraph, Uint8Array | string>>
}

/** Reads a voice package folder and checks it is one. */
export async function readVoicePackage(dir: string): Promise<VoiceSource> {
  const pkg = await readModelPackage(dir)
  if (pkg.meta.task !== 'speech-synthesis') throw new PerceptError('VALIDATION', `${dir} holds a ${pkg.meta.task} model, not a voice: give a package that \`percept tts train\` installed.`)
  const parsed = voicePreprocessingSchema.safeParse(pkg.meta.preprocessing)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new PerceptError('VALIDATION', `${dir}/model.json is not a voice of this version (preprocessing.${issue.path.join('.')}: ${issue.message}); train the voice again with \`percept tts train\`.`)
  }
  let stats: VoiceStats
  try {
    stats = voiceStatsSchema.parse(JSON.parse(await readFile(join(dir, statsFile), 'utf8')))
  } catch (error) {
    throw new PerceptError('VALIDATION', `${dir}/${statsFile} is missing or damaged (${(error as Error).message.split('\n')[0]}); train the voice again.`)
  }
  const graphs: VoiceSource['graphs'] = {}
  for (const [name, graph] of Object.entries(parsed.data.graphs)) if (graph) graphs[name as VoiceGraph] = join(dir, graph.file)
  return { id: pkg.id, meta: pkg.meta, preprocessing: parsed.data, stats, graphs }
}

/**
 * How a voice's graphs run: 'float32' as the package stores them (training's checks and `tts eval` use
 * this), or 'int8' (quantised-graph.ts: the acoustic, spectral and post-filter graphs in 8 bits, for speed).
 */
/** How a voice's graphs run: float32 as stored, or int8 with the large graphs quantised as the voice opens. */
export const voicePrecisions = ['float32', 'int8'] as const
export type VoicePrecision = (typeof voicePrecisions)[number]
const quantisedGraphs: readonly VoiceGraph[] = ['acoustic', 'spectral', 'postFilter']

/** What a sentence's frame features gave the networks that every system of the voice shares. */
interface SentenceOutputs {
  frames: number
  trajectories?: BaselineTrajectories
  /** The spectral network's output, before the post-filter. */
  scaled?: Float32Array
}

/**
 * A voice with its ONNX sessions open. Frame features are taken as read-only: what the acoustic and spectral
 * networks made of an array is kept while the caller holds it (a WeakMap), so the systems and post-filter
 * variants of one sentence (the Speech page speaks each sentence four ways; `tts eval` scores four) run
 * those networks once.
 */
export class Voice {
  private readonly shared = new WeakMap<Float32Array, SentenceOutputs>()

  private constructor(
    readonly source: VoiceSource,
    private readonly sessions: Partial<Record<VoiceGraph, OnnxModelSession>>,
    private readonly cepstra: CepstrumSpectra,
    /** The MDNN's 0..1 spectra back to power (per bin, log power = 2 min + scaled 2 (max - min)). */
    private readonly scaledSpectra: ScaledSpectra,
    readonly precision: VoicePrecision,
  ) {}

  static async open(source: VoiceSource, options: { precision?: VoicePrecision } = {}): Promise<Voice> {
    const precision = options.precision ?? 'float32'
    const sessions: Partial<Record<VoiceGraph, OnnxModelSession>> = {}
    let cepstra: CepstrumSpectra | undefined
    let scaledSpectra: ScaledSpectra | undefined
    try {
      cepstra = await CepstrumSpectra.open(mcDims - 1, spectrumBins)
      const { min, max } = source.stats.spectrum
      scaledSpectra = await ScaledSpectra.open(Float64Array.from(min, (v) => 2 * v), Float64Array.from(max, (v, k) => 2 * (v - min[k]!)))
      for (const [name, graph] of Object.entries(source.graphs) as [VoiceGraph, Uint8Array | string][]) {
        const bytes = precision === 'int8' && quantisedGraphs.includes(name) ? quantiseDenseGraph(typeof graph === 'string' ? new Uint8Array(await readFile(graph)) : graph) : graph
        sessions[name] = await openOnnxSession(bytes, voiceSessionOptions)
      }
    } catch (error) {
      await Promise.all([...Object.values(sessions), ...(cepstra ? [cepstra] : []), ...(scaledSpectra ? [scaledSpectra] : [])].map((s) => s.release()))
      throw error
    }
    return new Voice(source, sessions, cepstra, scaledSpectra, precision)
  }

  get id(): string {
    return this.source.id
  }

  /** The systems this voice can speak with: the baseline always, MDNNs2 when it has the spectral graphs. */
  get systems(): VoiceSystem[] {
    return this.sessions.spectral ? ['dnn', 'mdnn'] : ['dnn']
  }

  private async run(graph: VoiceGraph, rows: Float32Array, count: number, dims: number): Promise<Float32Array> {
    const session = this.sessions[graph]
    const spec = this.source.preprocessing.graphs[graph]
    if (!session || !spec) throw new PerceptError('VALIDATION', `The voice ${this.id} has no ${graph} network; it was trained as ${this.source.preprocessing.system}.`)
    const out = await session.run({ [spec.input]: { data: rows, shape: [count, dims] } }, [spec.output])
    return out[spec.output]!.data as Float32Array
  }

  private normalise(rows: Float32Array, { mean, std }: { mean: readonly number[]; std: readonly number[] }): Float32Array {
    const size = mean.length
    return rows.map((v, i) => (v - mean[i % size]!) / std[i % size]!)
  }

  /** Raw phone features (phones x phoneInputSize) to frames per phone, at least 1 each. */
  async durations(phoneInputs: Float32Array, phones: number, times?: StageTimes): Promise<number[]> {
    const started = mark()
    const { mean, std } = this.source.stats.duration
    const z = await this.run('duration', this.normalise(phoneInputs, this.source.stats.phoneInput), phones, phoneInputSize)
    const frames = Array.from(z, (v) => Math.min(400, Math.max(1, Math.round(v * std + mean))))
    lap(times, 'durations', started)
    return frames
  }

  /** The baseline's z-scored outputs for raw frame features. */
  async acoustic(frameInputs: Float32Array, frames: number): Promise<Float32Array> {
    return this.run('acoustic', this.normalise(frameInputs, this.source.stats.frameInput), frames, frameInputSize)
  }

  private outputsOf(frameInputs: Float32Array, frames: number): SentenceOutputs {
    let outputs = this.shared.get(frameInputs)
    if (!outputs || outputs.frames !== frames) this.shared.set(frameInputs, (outputs = { frames }))
    return outputs
  }

  /** Whether `system` speaks through its post-filter by default (postFilterByDefault). */
  postFilterByDefault(system: VoiceSystem): boolean {
    return postFilterByDefault(this.source.preprocessing, system)
  }

  /** The MDNN's spectra (0..1 scale), post-filtered (overlap-added) unless `postFilter` is false. */
  async spectra(frameInputs: Float32Array, frames: number, postFilter: boolean, times?: StageTimes): Promise<Float32Array> {
    let at = mark()
    const shared = this.outputsOf(frameInputs, frames)
    let scaled = shared.scaled
    if (!scaled) {
      scaled = shared.scaled = await this.run('spectral', this.normalise(frameInputs, this.source.stats.frameInput), frames, frameInputSize)
      at = lap(times, 'spectral', at)
    }
    if (!postFilter) return scaled
    const segments = await this.run('postFilter', segmentRows(scaled, frames, spectrumBins), frames, postFilterContext * spectrumBins)
    const out = overlapAdd(segments, frames, spectrumBins)
    lap(times, 'postFilter', at)
    return out
  }

  /**
   * Vocoder features of `system` for raw frame features; `times` gathers each stage's milliseconds. `bins`
   * 'vocoder': for synthesis only, the baseline's envelope and aperiodicity at the bins the vocoder reads
   * (every other one, for its default 1024-point responses: synthesis.ts), the same audio for half the
   * copying; 'all' (analysis, scoring): every one of spectrumBins.
   */
  async features(frameInputs: Float32Array, frames: number, system: VoiceSystem, postFilter = true, times?: StageTimes, bins: 'all' | 'vocoder' = 'all'): Promise<VocoderFeatures> {
    let at = mark()
    const shared = this.outputsOf(frameInputs, frames)
    let trajectories = shared.trajectories
    if (!trajectories) {
      const outputs = await this.acoustic(frameInputs, frames)
      at = lap(times, 'acoustic', at)
      trajectories = shared.trajectories = generateTrajectories(outputs, frames, this.source.stats.acoustic)
    }
    if (system === 'dnn') {
      // generate.ts's baselineFeatures, with the cepstra turned into spectra in one graph run (cepstrum-graph.ts).
      const features = vocoderFeatures(trajectories, await this.cepstra.spectra(trajectories.mc, frames, postFilter ? postFilterBeta : 0, bins === 'vocoder' ? 2 : 1))
      lap(times, 'generation', at)
      return features
    }
    at = lap(times, 'generation', at)
    const scaled = await this.spectra(frameInputs, frames, postFilter, times)
    at = mark()
    const features = vocoderFeatures(trajectories, await this.scaledSpectra.spectra(scaled, frames))
    lap(times, 'generation', at)
    return features
  }

  async release(): Promise<void> {
    await Promise.all([...Object.values(this.sessions), this.cepstra, this.scaledSpectra].map((s) => s.release()))
  }
}

