import { z } from 'zod'
import { errorCodeSchema } from './errors'
import { jobSummarySchema, logLevelSchema } from './events'

/** A job's id as every jobs.* method takes it. */
export const jobIdInputSchema = z.object({ id: z.string().min(1) }).strict()

/** The typed error a failed (or cancelled) job ended with. */
export const jobErrorSchema = z.object({ code: errorCodeSchema, message: z.string() })
export type JobError = z.infer<typeof jobErrorSchema>

/** One job in full: its summary plus what it was asked to do and how it ended. */
export const jobDetailSchema = jobSummarySchema.extend({
  input: z.unknown(),
  /** The kind's JSON result once done, else null. */
  result: z.unknown(),
  error: jobErrorSchema.nullable(),
  /** Whether an interrupted, failed or cancelled run can continue from its last checkpoint. */
  resumable: z.boolean(),
  /** How many times a worker was started for it (1 for a job that never resumed). */
  attempts: z.number().int().min(0),
  /** The epoch of the last complete checkpoint, null when none was written. */
  checkpointEpoch: z.number().int().nullable(),
  /** What that checkpoint holds, in the kind's words ("fold 2, epoch 1 of 1"); null when none was written. */
  checkpoint: z.string().nullable(),
})
export type JobDetail = z.infer<typeof jobDetailSchema>

export const jobLogLineSchema = z.object({
  /** Increases by one per line of a job; pass the last one seen as `after` to fetch only newer lines. */
  seq: z.number().int(),
  time: z.string(),
  level: logLevelSchema,
  message: z.string(),
})
export type JobLogLine = z.infer<typeof jobLogLineSchema>

export const metricPointSchema = z.object({
  epoch: z.number().int().nullable(),
  step: z.number().int().nullable(),
  /** null where the kind reported a non-finite number (a diverged loss). */
  value: z.number().nullable(),
  time: z.string(),
})
export type MetricPoint = z.infer<typeof metricPointSchema>

export const metricSeriesSchema = z.object({
  name: z.string(),
  /** 'step': one point per training step; 'epoch': one point per completed epoch. */
  scope: z.enum(['step', 'epoch']),
  points: z.array(metricPointSchema),
})
export type MetricSeries = z.infer<typeof metricSeriesSchema>

const jobsStartInput = z
  .object({
    kind: z.string().min(1),
    /** Checked against the kind's own schema by the job runner. */
    input: z.unknown(),
  })
  .strict()

/** The jobs.* methods besides jobs.list; merged into `methods` in ./methods. */
export const jobMethods = {
  'jobs.get': {
    description: 'One job with its input and its result or error.',
    input: jobIdInputSchema,
    output: jobDetailSchema,
  },
  'jobs.start': {
    description: 'Queue a job of a registered kind; it runs in a worker thread when its turn comes.',
    input: jobsStartInput,
    output: jobSummarySchema,
  },
  'jobs.cancel': {
    description: 'Stop a queued or running job (a running one is stopped within about 2 s); answers its final state.',
    input: jobIdInputSchema,
    output: jobSummarySchema,
  },
  'jobs.resume': {
    description: 'Queue an interrupted, failed or cancelled job of a resumable kind again; it continues from its last checkpoint.',
    input: jobIdInputSchema,
    output: jobSummarySchema,
  },
  'jobs.logs': {
    description: 'A job\'s log lines, oldest first; only those after the given sequence number when `after` is set.',
    input: z
      .object({
        id: z.string().min(1),
        after: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ lines: z.array(jobLogLineSchema) }),
  },
  'jobs.metrics': {
    description: 'A job\'s metric history: one series per metric name and scope, in step or epoch order.',
    input: jobIdInputSchema,
    output: z.object({ series: z.array(metricSeriesSchema) }),
  },
} as const
