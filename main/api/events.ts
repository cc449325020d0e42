import { z } from 'zod'

export const jobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'])
export type JobState = z.infer<typeof jobStateSchema>

export const jobSummarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** The run's name wherever it is shown ("dilated · held-out fold 1"); the kind's name when it gives none. */
  title: z.string(),
  state: jobStateSchema,
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  stage: z.string(),
  /** Estimated seconds left, null while unknown. */
  etaSeconds: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When a worker last started it; null while it has never run. */
  startedAt: z.string().nullable(),
  /** When it reached done, failed or cancelled; null otherwise. */
  finishedAt: z.string().nullable(),
})
export type JobSummary = z.infer<typeof jobSummarySchema>

export const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error'])

/** Events pushed from the core to every connected renderer. */
export const eventSchemas = {
  'job.progress': jobSummarySchema,
  'log.line': z.object({
    level: logLevelSchema,
    source: z.string(),
    message: z.string(),
    time: z.string(),
  }),
  /** Progress of an MRI task (reading a volume, building surfaces, segmenting an image) started by an mri.* call. */
  'mri.progress': z.object({
    task: z.enum(['open', 'meshes', 'segment']),
    /** The volume's path (open) or id (meshes: the label map's; segment: the image's). */
    target: z.string(),
    /** 0..1 */
    fraction: z.number().min(0).max(1),
    stage: z.string(),
  }),
  'workspace.changed': z.object({
    /** What changed: a table or folder of the workspace. */
    area: z.enum(['settings', 'jobs', 'datasets', 'models', 'runs']),
    key: z.string().optional(),
  }),
} as const

export type EventName = keyof typeof eventSchemas
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>
export type PerceptEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName]
export const eventNames = Object.keys(eventSchemas) as EventName[]
