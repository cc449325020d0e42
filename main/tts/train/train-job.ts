import { join } from 'node:path'
import { z } from 'zod'
import { defineJobKind, type JobContext, type JsonValue } from '../../core/jobs/kind'
import { voiceSystems, voiceWidthsSchema, type VoiceSystem, type VoiceWidths } from '../model/voice-config'
import type { VoiceEvaluation } from './evaluate'

export const ttsTrainInput = z
  .object({
    /** A corpus folder (festvox/ARCTIC layout, or WAV + .txt + .lab). */
    corpus: z.string().min(1),
    system: z.enum(voiceSystems).default('mdnn'),
    /** Epochs of each training stage (the duration DNN, the baseline, each auto-encoder stage, ...). */
    epochs: z.number().int().min(1).max(1000).default(30),
    /** Epochs of named stages instead of `epochs` (e.g. the cheap duration DNN longer than the spectral networks). */
    stageEpochs: z.record(z.string(), z.number().int().min(1).max(1000)).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Layer widths replacing the paper's (voice-config.ts), network by network. */
    widths: voiceWidthsSchema.partial().optional(),
    batchSize: z.number().int().min(1).max(65536).default(256),
    learningRate: z.number().positive().max(1).default(0.001),
    exportModel: z.boolean().default(true),
  })
  .strict()
export type TtsTrainInput = z.output<typeof ttsTrainInput>

export interface StageEpoch {
  stage: string
  epoch: number
  loss: number
  validationLoss: number
  /** Mean wall time of one training step (one batch). */
  stepSeconds: number
}

export interface TtsTrainReport {
  system: VoiceSystem
  corpus: string
  utterances: { train: number; validation: number }
  heldOut: string[]
  alignment: { labPhones: number; edits: number; mismatchRate: number }
  widths: VoiceWidths
  parameters: Record<string, number>
  epochs: number
  /** The stages trained for other than `epochs` epochs. */
  stageEpochs?: Record<string, number>
  stages: string[]
  history: StageEpoch[]
  evaluation: VoiceEvaluation | null
  /** Largest |ONNX - TF.js| over the exported graphs on held-out rows. */
  onnxMaxDifference: number | null
  modelId: string | null
  backend: string
}

/** The stages of a system, in training order. */
export function trainingStages(system: VoiceSystem, autoencoderLayers: number): string[] {
  const stages = ['duration', 'acoustic']
  if (system === 'mdnn') {
    for (let k = 1; k <= autoencoderLayers; k++) stages.push(`autoencoder-layer${k}`)
    stages.push('autoencoder', 'bottleneck', 'stacked', 'postfilter')
  }
  return stages
}

/**
 * tts.train: the training data (cached per utterance), then each network stage by stage, one checkpoint
 * per epoch (every network's weights and the current stage's optimiser), then the voice exported, checked
 * against TF.js, scored on the held-out sentences and installed as models/tts-<system>-<job>.
 */
export const ttsTrainKind = defineJobKind({
  kind: 'tts.train',
  inputSchema: ttsTrainInput,
  concurrencyGroup: 'training',
  resumable: true,
  title: (input) => `${input.system === 'mdnn' ? 'MDNN' : 'DNN'} voice`,
  describeCheckpoint: (state) => `stage ${String(state.stageName)}, epoch ${String(state.stageEpoch)}`,
  async run(input, ctx) {
    const { trainVoice } = await import('./train-voice')
    return (await trainVoice(input, ctx)) as unknown as JsonValue
  },
})

/** The epochs of a stage: its own where `stageEpochs` names it, else `epochs`. */
export const epochsOf = (input: Pick<TtsTrainInput, 'epochs' | 'stageEpochs'>, stage: string): number => input.stageEpochs?.[stage] ?? input.epochs

export const voiceIdFor = (system: VoiceSystem, jobId: string): string => `tts-${system}-${jobId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
export const reportPath = (ctx: JobContext): string => join(ctx.runDir, 'report.json')
