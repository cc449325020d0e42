import { z } from 'zod'

/**
 * The model package: a folder `<name>/` holding `model.onnx`, `model.json` (this schema) and `card.md`
 * (a human-readable model card). model.json is the contract the renderer shows and the domains read:
 * what the model does, what it takes and gives, how to prepare its input, and where it came from.
 */

export const modelTasks = [
  'sound-classification',
  'speech-synthesis',
  'speech-enhancement',
  'mri-segmentation',
  'face-recognition',
  'generic',
] as const
export const modelTaskSchema = z.enum(modelTasks)
export type ModelTask = z.infer<typeof modelTaskSchema>

export const tensorDtypes = ['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool'] as const
export const tensorDtypeSchema = z.enum(tensorDtypes)
export type TensorDtype = z.infer<typeof tensorDtypeSchema>

/** A dimension: a fixed size, or a symbolic name ('N' for the batch, 'frames', ...) the caller chooses. */
export const modelDimSchema = z.union([z.number().int().min(1), z.string().min(1)])

/** One input or output of the ONNX graph, by the graph's own name. Layout is the graph's (channels-last for ours). */
export const modelTensorSpecSchema = z
  .object({
    name: z.string().min(1),
    shape: z.array(modelDimSchema),
    dtype: tensorDtypeSchema,
    /** What the values mean, e.g. 'log-mel spectrogram, frames x mels x channels'. */
    description: z.string().optional(),
  })
  .strict()
export type ModelTensorSpec = z.infer<typeof modelTensorSpecSchema>

export const modelProvenanceSchema = z
  .object({
    /** The dataset it was trained on (name or workspace id). */
    dataset: z.string().optional(),
    /** The training run in this workspace, when trained here. */
    runId: z.string().optional(),
    /** Held-out figures, e.g. { accuracy: 0.91, dice: 0.84 }. */
    metrics: z.record(z.string(), z.number()).optional(),
    /** What the metrics were measured on: held-out examples (clips, images) and folds, in all. */
    testExamples: z.number().int().min(0).optional(),
    heldOutFolds: z.number().int().min(1).optional(),
    /** The training data was synthesised, not recorded (a figure on it says little about real data). */
    synthetic: z.boolean().optional(),
    /** ISO 8601 time the package was made. */
    createdAt: z.iso.datetime({ offset: true }),
    /** What trained it, e.g. 'tfjs 4.22', 'pytorch 2.5'. */
    framework: z.string().optional(),
  })
  .strict()
export type ModelProvenance = z.infer<typeof modelProvenanceSchema>

/**
 * model.json, format version 1.
 *
 * `preprocessing` is free-form, read by the domain of `task`. What each domain writes there:
 * - sound-classification: `{ sampleRate, frameLength, hopLength, nMels, fMin, fMax, log: 'db' | 'log1p', frames }`
 *   (input: log-mel patches [N, nMels, frames, channels], channel 0 log-mel, 1 delta; output: class probabilities in `labels` order).
 * - speech-enhancement: `{ sampleRate, nFft, hopLength, window: 'hann', target: 'mask' | 'spectrum' }`.
 * - speech-synthesis: `{ sampleRate, symbols: string[] | 'phonemes', vocoder?: string }`.
 * - mri-segmentation: `{ spacingMm: [x, y, z], orientation: 'RAS', intensity: 'zscore' | 'minmax', patch: [d, h, w] }`
 *   (output: per-voxel class probabilities in `labels` order).
 * - face-recognition: `{ size: [h, w], channels, mean: number[], std: number[], alignment?: string }`
 *   (output: an embedding; `labels` absent).
 * - generic: anything the caller understands; `{}` is fine.
 */
export const modelMetaSchema = z
  .object({
    formatVersion: z.literal(1),
    /** Display name; the package folder is derived from it when imported. */
    name: z.string().min(1).max(200),
    task: modelTaskSchema,
    description: z.string().optional(),
    inputs: z.array(modelTensorSpecSchema).min(1),
    outputs: z.array(modelTensorSpecSchema).min(1),
    preprocessing: z.record(z.string(), z.unknown()),
    /** Class names in output order, for classifiers and segmenters. */
    labels: z.array(z.string()).optional(),
    provenance: modelProvenanceSchema,
  })
  .strict()
export type ModelMeta = z.infer<typeof modelMetaSchema>

/** An installed package as listed to the renderer. */
export const modelPackageSummarySchema = z.object({
  /** The package folder's name inside the models folder; stable id of the model. */
  id: z.string(),
  dir: z.string(),
  meta: modelMetaSchema,
  /** Shipped with the app (read-only: it cannot be deleted); its id starts with bundled/. */
  bundled: z.boolean().optional(),
})
export type ModelPackageSummary = z.infer<typeof modelPackageSummarySchema>

/** The result of running a package once on a sample input. */
export const modelCheckReportSchema = z.object({
  ok: z.boolean(),
  loadMs: z.number(),
  runMs: z.number(),
  inputs: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.string() })),
  outputs: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int()),
      dtype: z.string(),
      /** Every value finite (no NaN or infinity). */
      finite: z.boolean(),
      min: z.number().nullable(),
      max: z.number().nullable(),
      /** The shape matches the declared one (symbolic dims match anything). */
      matchesDeclared: z.boolean(),
    }),
  ),
  /** Why `ok` is false, one line each. */
  problems: z.array(z.string()),
})
export type ModelCheckReport = z.infer<typeof modelCheckReportSchema>
