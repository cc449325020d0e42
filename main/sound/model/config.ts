import { z } from 'zod'
import { PerceptError } from '../../core/errors'
import { walkGeometry } from './geometry'

/**
 * An environmental-sound CNN of Chen et al. (2019) as data: a stack of 3x3 stride-1 ReLU convolutions
 * (dilated when `dilation` > 1) and 2x2 stride-2 max-poolings, then global average pooling, dropout and
 * a softmax over the classes. The paper's tables are presets of this (presets.ts); nothing else forks.
 */

/** The paper's input: 64 mel bands x 41 frames x [log-mel, delta], channels last. */
export const PAPER_INPUT_SHAPE = [64, 41, 2] as const

const dim = z.number().int().min(1).max(4096)
const rate = z.number().int().min(1).max(64)

const convLayerSchema = z
  .object({
    kind: z.literal('conv'),
    filters: z.number().int().min(1).max(2048),
    /** Dilation rate, one for both axes or [bands, frames]; default 1 (a plain convolution). */
    dilation: z.union([rate, z.tuple([rate, rate])]).optional(),
  })
  .strict()

const maxpoolLayerSchema = z.object({ kind: z.literal('maxpool') }).strict()

export const escLayerSchema = z.discriminatedUnion('kind', [convLayerSchema, maxpoolLayerSchema])

export const escModelConfigSchema = z
  .object({
    /** [bands, frames, channels]. */
    inputShape: z.tuple([dim, dim, dim]).default((): [number, number, number] => [...PAPER_INPUT_SHAPE]),
    classes: z.number().int().min(2).max(100_000),
    layers: z
      .array(escLayerSchema)
      .min(1)
      .max(64)
      .refine((layers) => layers.some((l) => l.kind === 'conv'), {
        message: 'needs at least one conv layer: global average pooling of the raw log-mel and delta learns nothing',
      }),
    /** Dropout rate before the softmax (the paper: 0.5). */
    dropout: z.number().min(0).lt(1).default(0.5),
    /** Padding of every conv and pooling layer; 'same' keeps the 41-frame axis whatever the dilation. */
    padding: z.enum(['same', 'valid']).default('same'),
    /**
     * Per input channel, the training data's mean and std; the model subtracts and divides first (not in
     * the paper, which trains 500 epochs on the raw dB values; standardised inputs converge in far fewer).
     */
    standardize: z
      .object({ mean: z.array(z.number()).min(1), std: z.array(z.number().positive()).min(1) })
      .strict()
      .refine((s) => s.mean.length === s.std.length, { message: 'mean and std need one value per channel each' })
      .optional(),
    /** Seeds the initial weights (layer i: seed + i); default 1. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { problem } = walkGeometry(config)
    if (problem) ctx.addIssue({ code: 'custom', path: ['layers', problem.index], message: problem.message })
  })

export type EscLayer = z.output<typeof escLayerSchema>
export type EscModelConfig = z.output<typeof escModelConfigSchema>
/** What callers write: inputShape, dropout and padding may be left to their defaults. */
export type EscModelConfigInput = z.input<typeof escModelConfigSchema>

/** Checks a config and fills its defaults; a problem is a VALIDATION PerceptError that names the field. */
export function parseEscModelConfig(value: unknown): EscModelConfig {
  const result = escModelConfigSchema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '') || '(root)',
    message: issue.message,
  }))
  throw new PerceptError(
    'VALIDATION',
    `Invalid sound model config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  )
}
