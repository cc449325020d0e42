import { z } from 'zod'
import { jobSummarySchema } from './events'

/**
 * The Speech workspace: synthesis with the installed and bundled voices (tts.synthesize jobs) and MUSHRA
 * listening tests (ITU-R BS.1534-3) on them. Audio never crosses as JSON: every sound named here is a URL
 * below `res/speech/` answering a 16 kHz mono WAV:
 *  - `res/speech/synthesis/<job>/<system key>/<sentence>`: one sentence of a synthesis as soon as it is
 *    ready (for playback that starts while later sentences are still being synthesised);
 *  - `res/speech/listening/<test>/<listener>/<trial>/<letter>` and `.../reference`: a trial's conditions
 *    under their blind letters, and the open reference.
 * The whole synthesis of each system is a WAV in the job's run folder (`path`), opened in the editor with
 * audio.open like any sound.
 */

export const speechSystems = ['dnn', 'mdnn'] as const
export const speechSystemSchema = z.object({ system: z.enum(speechSystems), postFilter: z.boolean() }).strict()
export type SpeechSystem = z.infer<typeof speechSystemSchema>

/** At most this many characters are taken at once (a long text is synthesised sentence by sentence). */
export const maxSynthesisText = 200_000

export const speechVoiceSchema = z.object({
  /** The model id (installed) or bundled/<name>. */
  id: z.string(),
  name: z.string(),
  bundled: z.boolean(),
  /** The systems it speaks with: dnn always, mdnn when trained so; each with and without its post-filter. */
  systems: z.array(speechSystemSchema),
  /** The system it was trained as. */
  system: z.enum(speechSystems),
  /** Its training corpus when that folder is still there (natural recordings for a listening test), else null. */
  corpus: z.string().nullable(),
  /** Sentences its training held out (the listening test's natural references). */
  heldOut: z.number().int().nonnegative(),
})
export type SpeechVoice = z.infer<typeof speechVoiceSchema>

const timedPhoneSchema = z.object({ phone: z.string(), start: z.number(), end: z.number() })
const noticeSchema = z.object({ text: z.string(), reason: z.string() })

export const synthesisStateSchema = z.object({
  job: z.string(),
  state: jobSummarySchema.shape.state,
  sampleRate: z.number().int(),
  /** Sentences found in the text (known once the job has read it; 0 before). */
  total: z.number().int().nonnegative(),
  /** The sentences spoken so far by the first system, in order, with their place in the whole audio. */
  sentences: z.array(z.object({ index: z.number().int(), text: z.string(), start: z.number(), duration: z.number() })),
  systems: z.array(
    speechSystemSchema.extend({
      /** Names the system in URLs and files: dnn, dnn-raw, mdnn, mdnn-raw. */
      key: z.string(),
      label: z.string(),
      /** Sentences of this system ready so far. */
      ready: z.number().int().nonnegative(),
      /** The whole WAV once the job is done, else null. */
      path: z.string().nullable(),
    }),
  ),
  /** Phones of the whole text (the same timing for every system), once done; else []. */
  phones: z.array(timedPhoneSchema),
  /** Parts of the text skipped or read differently, and why. */
  notices: z.array(noticeSchema),
  duration: z.number().nonnegative(),
  rate: z.number(),
  pitch: z.number(),
})
export type SynthesisState = z.infer<typeof synthesisStateSchema>

export const listeningConditionSchema = z.object({
  /** dnn, mdnn-raw, ..., reference, anchor. */
  id: z.string(),
  label: z.string(),
  kind: z.enum(['system', 'reference', 'anchor']),
})
export type ListeningCondition = z.infer<typeof listeningConditionSchema>

const listenerName = z
  .string()
  .trim()
  .min(1, 'give the listener a name or a code')
  .max(64)
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'a listener name has letters, digits, spaces, dots, dashes and underscores only')

export const listeningTestSchema = z.object({
  /** The id of the job that prepared it. */
  id: z.string(),
  name: z.string(),
  voice: z.string(),
  createdAt: z.string(),
  sentences: z.array(z.object({ id: z.string(), text: z.string() })),
  conditions: z.array(listeningConditionSchema),
  /** Whether the natural recordings are there (hidden reference and low anchor). */
  hasReference: z.boolean(),
  listeners: z.array(z.object({ name: z.string(), rated: z.number().int(), total: z.number().int() })),
})
export type ListeningTest = z.infer<typeof listeningTestSchema>

export const listeningSessionSchema = z.object({
  test: z.string(),
  listener: z.string(),
  trials: z.array(
    z.object({
      index: z.number().int(),
      sentence: z.string(),
      /** The open reference's URL; null when the test has no natural recording. */
      reference: z.string().nullable(),
      /** The conditions in this listener's random order, under blind letters. */
      conditions: z.array(z.object({ letter: z.string(), url: z.string() })),
      /** Ratings given so far by letter; null when the trial was not rated yet. */
      ratings: z.record(z.string(), z.number()).nullable(),
    }),
  ),
})
export type ListeningSession = z.infer<typeof listeningSessionSchema>

export const listeningSummarySchema = z.object({
  test: z.string(),
  /** Listeners counted, and those left out by post-screening (BS.1534-3 4.1.2). */
  listeners: z.array(z.string()),
  screenedOut: z.array(z.string()),
  conditions: z.array(
    listeningConditionSchema.extend({
      n: z.number().int(),
      mean: z.number().nullable(),
      sd: z.number().nullable(),
      /** The 95% interval (t distribution); null with fewer than two ratings. */
      low: z.number().nullable(),
      high: z.number().nullable(),
    }),
  ),
})
export type ListeningSummary = z.infer<typeof listeningSummarySchema>

const test = z.string().min(1).max(100)

export const speechMethods = {
  'speech.voices': {
    description: 'Voices to synthesise with: installed voice packages and the bundled ones, with their systems.',
    input: z.object({}).strict(),
    output: z.array(speechVoiceSchema),
  },
  'speech.synthesize': {
    description: 'Synthesise text with a voice and one to four of its systems, as a tts.synthesize job (sentence by sentence).',
    input: z
      .object({
        text: z.string().max(maxSynthesisText, `at most ${maxSynthesisText.toLocaleString('en')} characters at once: split the text`),
        voice: z.string().min(1),
        systems: z.array(speechSystemSchema).min(1, 'choose at least one system').max(4),
        /** Speaking rate: 1 as trained, 2 twice as fast. */
        rate: z.number().min(0.5).max(2).default(1),
        /** Pitch shift in semitones. */
        pitch: z.number().min(-12).max(12).default(0),
      })
      .strict(),
    output: jobSummarySchema,
  },
  'speech.synthesis': {
    description: 'Where a tts.synthesize job stands: sentences ready per system, and once done its WAVs and phones.',
    input: z.object({ job: z.string().min(1) }).strict(),
    output: synthesisStateSchema,
  },
  'speech.listening.tests': {
    description: 'The MUSHRA listening tests prepared in this workspace, newest first, with their listeners.',
    input: z.object({}).strict(),
    output: z.array(listeningTestSchema),
  },
  'speech.listening.prepare': {
    description: "Prepare a MUSHRA test as a job: the voice's held-out sentences (or given texts) by each system, with the natural recording as hidden reference and its 3.5 kHz low-pass as anchor where the corpus has them.",
    input: z
      .object({
        name: z.string().trim().min(1).max(80),
        voice: z.string().min(1),
        systems: z.array(speechSystemSchema).min(1).max(4),
        /** How many of the held-out sentences (chosen at random with the seed). */
        sentences: z.number().int().min(1).max(30).default(5),
        /** Sentences to say instead (no natural reference then). */
        texts: z.array(z.string().trim().min(1).max(500)).max(30).optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
      })
      .strict(),
    output: jobSummarySchema,
  },
  'speech.listening.begin': {
    description: "A listener's session: the trials in their own random order, each trial's conditions shuffled under blind letters; a listener who began before continues.",
    input: z.object({ test, listener: listenerName }).strict(),
    output: listeningSessionSchema,
  },
  'speech.listening.rate': {
    description: "Keep a listener's ratings (0-100 by letter) of one trial; atomic.",
    input: z.object({ test, listener: listenerName, trial: z.number().int().min(0), ratings: z.record(z.string().regex(/^[A-Z]$/), z.number().min(0).max(100)) }).strict(),
    output: z.object({ rated: z.number().int(), total: z.number().int() }),
  },
  'speech.listening.summary': {
    description: 'Mean and 95% interval per condition over the listeners kept by post-screening (or all of them).',
    input: z.object({ test, screen: z.boolean().default(true) }).strict(),
    output: listeningSummarySchema,
  },
  'speech.listening.export': {
    description: 'Write every rating as CSV (listener, trial, sentence, condition, score); atomic.',
    input: z.object({ test, path: z.string().min(1) }).strict(),
    output: z.object({ path: z.string(), rows: z.number().int() }),
  },
} as const
