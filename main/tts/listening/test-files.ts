import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { listeningConditionSchema } from '../../api/speech'

/*
 * A listening test on disk, in the run folder of the job that prepared it (runs/<job>/):
 *   test.json                     what the test is: sentences, conditions, where the stimuli are
 *   stimuli/<trial>/<cond>.wav    each sentence by each condition, loudness-matched within the trial
 *   listeners/<name>-<hash>.json  one listener's order of trials and conditions and their ratings
 * Every file is written atomically; a listener's file after every rated trial.
 */

export const testFile = 'test.json'

export const testSchema = z
  .object({
    formatVersion: z.literal(1),
    name: z.string(),
    voice: z.string(),
    createdAt: z.string(),
    /** Loudness every stimulus of a trial was matched to, LUFS (BS.1770). */
    loudness: z.number(),
    hasReference: z.boolean(),
    sentences: z.array(z.object({ id: z.string(), text: z.string() })),
    conditions: z.array(listeningConditionSchema),
  })
  .strict()
export type TestFile = z.infer<typeof testSchema>

export const listenerSchema = z
  .object({
    formatVersion: z.literal(1),
    name: z.string(),
    startedAt: z.string(),
    updatedAt: z.string(),
    trials: z.array(
      z.object({
        /** The sentence (index into the test's sentences). */
        sentence: z.number().int(),
        /** Condition ids in the order shown: letter A is the first. */
        order: z.array(z.string()),
        /** Ratings by condition id; null until rated. */
        ratings: z.record(z.string(), z.number()).nullable(),
        ratedAt: z.string().nullable(),
      }),
    ),
  })
  .strict()
export type ListenerFile = z.infer<typeof listenerSchema>

export const stimulusPath = (testDir: string, sentence: number, condition: string): string => join(testDir, 'stimuli', String(sentence), `${condition}.wav`)

/** A file name for any listener name: readable, and distinct for names that differ only in case or punctuation. */
export function listenerPath(testDir: string, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'listener'
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return join(testDir, 'listeners', `${slug}-${hash}.json`)
}

export const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
