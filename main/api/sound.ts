import { z } from 'zod'

export const soundClassifierSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Installed in the workspace's models/, or shipped with the app (models/sound/). */
  source: z.enum(['installed', 'bundled']),
  classNames: z.array(z.string()),
  /** Cross-validated clip accuracy from its provenance, when recorded. */
  accuracy: z.number().nullable(),
  createdAt: z.string(),
})
export type SoundClassifier = z.infer<typeof soundClassifierSchema>

export const soundClassificationSchema = z.object({
  model: z.object({ id: z.string(), name: z.string() }),
  classNames: z.array(z.string()),
  label: z.string(),
  probability: z.number(),
  /** Mean probability per class over the segments. */
  probabilities: z.array(z.number()),
  aggregation: z.enum(['mean', 'vote']),
  /** Seconds of the sound; ~0.93 s long, every ~0.46 s (50% overlap). */
  segments: z.array(z.object({ start: z.number(), end: z.number(), probabilities: z.array(z.number()) })),
})
export type SoundClassificationResult = z.infer<typeof soundClassificationSchema>

export const soundMethods = {
  'sound.classifiers': {
    description: 'Sound classifiers that can run: installed packages (newest first), then the bundled ones.',
    input: z.object({}).strict(),
    output: z.array(soundClassifierSchema),
  },
  'sound.classify': {
    description: 'Classify an open sound (audio.open) with a classifier: segment probabilities over time and a clip label.',
    input: z.object({ id: z.string().min(1), model: z.string().min(1).optional() }).strict(),
    output: soundClassificationSchema,
  },
} as const
