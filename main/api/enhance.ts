import { z } from 'zod'
import { jobSummarySchema } from './events'

/**
 * The Speech workspace's Enhancement tab (paper: Passos et al., "Multimodal Speech Enhancement Using Burst
 * Propagation"): the mask models (Unimodal, Multimodal, MBURST), a noisy clip enhanced as an enhance.run job,
 * a demo mixture from the synthetic fixture corpus (enhance.mixture), training (enhance.train) and comparing
 * models on a corpus's test part (enhance.eval). Audio never crosses as JSON: the result names WAV files in
 * the job's run folder, opened in the editor with audio.open; each mask is a float32 .npy of shape
 * (frames, 622) at `res/enhance/<job>/mask/<key>` (time on the first axis, spectrum bins 1..622 on the second).
 */

export const enhanceModelKinds = ['unimodal', 'multimodal', 'mburst'] as const
export type EnhanceModelKind = (typeof enhanceModelKinds)[number]
export const enhanceMaskKinds = ['soft', 'binary'] as const
export const demoNoiseTypes = ['babble', 'bus', 'cafe', 'street', 'pedestrian'] as const

/** Where a model's per-layer firing rates come from: its training job in this workspace (every epoch), its package's card (the last epoch and the area), or nowhere. */
export const firingSourceSchema = z.enum(['training-job', 'package', 'card', 'none'])

export const enhanceModelInfoSchema = z.object({
  /** The model id (installed) or bundled/<name>. */
  id: z.string(),
  name: z.string(),
  kind: z.enum(enhanceModelKinds),
  /** Multimodal and MBURST need the speaker's lip frames. */
  withLips: z.boolean(),
  bundled: z.boolean(),
  layers: z.array(z.string()),
  architecture: z.object({ convChannels: z.number(), embedding: z.number() }).nullable(),
  epochs: z.number().int().nullable(),
  synthetic: z.boolean(),
  /** model.json's provenance metrics (train_f1, test_si_sdr_enhanced, ...). */
  metrics: z.record(z.string(), z.number()),
  firing: z.object({
    source: firingSourceSchema,
    /** Per epoch, the mean event rate of each layer (in `layers` order) on the training part; [] when not known. */
    perEpoch: z.array(z.array(z.number())),
    /** The last epoch's rate per layer and 'network' (their mean). */
    last: z.record(z.string(), z.number()).nullable(),
    /** Table II: the area under each layer's rate curve over the epochs, and the network's. */
    area: z.record(z.string(), z.number()).nullable(),
  }),
})
export type EnhanceModelInfo = z.infer<typeof enhanceModelInfoSchema>

const signalMetricsSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** 10 log10(clean energy / error energy), dB. */
  snrDb: z.number(),
  /** The SNR over the noisy mixture's, dB (0 for the noisy one). */
  snrImprovement: z.number(),
  siSdr: z.number(),
  /** Null for a clip with under 0.4 s of speech (STOI's 30 frames). */
  stoi: z.number().nullable(),
})
export type EnhanceSignalMetrics = z.infer<typeof signalMetricsSchema>

export const enhanceResultSchema = z.object({
  job: z.string(),
  state: jobSummarySchema.shape.state,
  /** Null until the job is done. */
  outcome: z
    .object({
      sampleRate: z.number().int(),
      seconds: z.number(),
      frames: z.number().int(),
      bins: z.number().int(),
      mask: z.enum(enhanceMaskKinds),
      /** The model chosen (its enhanced version comes right after the noisy one). */
      model: z.string(),
      /** In editor order: noisy, the chosen model's, the other models', then clean and the IBM oracle when known. */
      versions: z.array(z.object({ key: z.string(), label: z.string(), path: z.string() })),
      /** Reference IBM first (when the clean or the noise is known), then each model run, Unimodal, Multimodal, MBURST. */
      masks: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['reference', ...enhanceModelKinds]), model: z.string().nullable(), url: z.string(), onesFraction: z.number() })),
      /** Noisy, each enhanced version and the oracle, against the clean speech; [] without a clean reference. */
      metrics: z.array(signalMetricsSchema),
      /** Each model's mean firing rate per layer on this clip (and 'network'), and its enhancement's real-time factor. */
      models: z.array(z.object({ id: z.string(), kind: z.enum(enhanceModelKinds), layers: z.array(z.string()), rates: z.record(z.string(), z.number()), seconds: z.number(), realTimeFactor: z.number() })),
      /** Models not run on this clip, and why (a multimodal one without lips). */
      skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
      notes: z.array(z.string()),
    })
    .nullable(),
  /** The job's error when it failed. */
  error: z.string().nullable(),
})
export type EnhanceResult = z.infer<typeof enhanceResultSchema>
export type EnhanceOutcome = NonNullable<EnhanceResult['outcome']>

/** What an enhance.mixture job returns: a noisy clip, its clean speech, the noise as mixed and the lips' folder. */
export interface EnhanceDemoMixture {
  noisy: string
  clean: string
  noise: string
  lips: string
  snrDb: number
  noiseType: string
  noiseName: string
  utterance: string
  seconds: number
}

/** What an enhance.eval job returns: `percept enhance eval` for each model, side by side. */
export interface EnhanceComparison {
  dataset: string
  rows: {
    model: string
    kind: string
    mixtures: number
    f1: number
    accuracy: number
    firingRates: Record<string, number>
    enhancement: Record<'noisy' | 'enhanced' | 'enhancedSoft' | 'oracle', { siSdr: number; stoi: number }>
  }[]
}

const path = z.string().min(1).max(4096)

export const enhanceMethods = {
  'enhance.models': {
    description: 'The speech-enhancement mask models, bundled and installed, with their training figures and per-layer firing rates.',
    input: z.object({}).strict(),
    output: z.array(enhanceModelInfoSchema),
  },
  'enhance.mixture': {
    description: "Make a demo noisy clip as an enhance.mixture job: an utterance of the synthetic fixture corpus (made once in the workspace; needs festival) mixed with a noise at an SNR, with its clean speech, noise and lip frames.",
    input: z
      .object({
        snrDb: z.number().min(-20).max(20).default(0),
        noise: z.enum(demoNoiseTypes).default('cafe'),
        /** Picks the utterance and where in the noise to start. */
        seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      })
      .strict(),
    output: jobSummarySchema,
  },
  'enhance.run': {
    description: 'Enhance a noisy clip as an enhance.run job with a chosen model and, to compare, one model of each other kind that can run on it (multimodal ones only with lips); with the clean speech or the noise, also the IBM oracle and the metrics.',
    input: z
      .object({
        noisy: path,
        /** The folder of the speaker's 92 x 50 lip frames. */
        lips: path.optional(),
        clean: path.optional(),
        noise: path.optional(),
        model: z.string().min(1),
        mask: z.enum(enhanceMaskKinds).default('soft'),
        /** Also run one model of each other kind (Fig. 2's side by side). */
        compare: z.boolean().default(true),
        /** The IBM's local criterion (paper: 5 dB). */
        lcDb: z.number().min(-30).max(30).default(5),
      })
      .strict(),
    output: jobSummarySchema,
  },
  'enhance.result': {
    description: 'Where an enhance.run job stands, and once done its versions, masks, metrics and firing rates.',
    input: z.object({ job: z.string().min(1) }).strict(),
    output: enhanceResultSchema,
  },
  'enhance.train': {
    description: 'Train a mask model on an audio-visual corpus as an enhance.train job (small sizes by default: the paper uses conv 32, embedding 256, 40 epochs).',
    input: z
      .object({
        dataset: path,
        model: z.enum(enhanceModelKinds),
        epochs: z.number().int().min(1).max(200).default(3),
        convChannels: z.number().int().min(1).max(64).default(4),
        embedding: z.number().int().min(1).max(512).default(16),
        batchSize: z.number().int().min(1).max(1024).default(64),
        seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      })
      .strict(),
    output: jobSummarySchema,
  },
  'enhance.compare': {
    description: "Evaluate models on a corpus's test part side by side as an enhance.eval job: mask F1 and accuracy, firing rates, SI-SDR and STOI.",
    input: z.object({ dataset: path, models: z.array(z.string().min(1)).min(1, 'choose at least one model').max(12) }).strict(),
    output: jobSummarySchema,
  },
} as const
