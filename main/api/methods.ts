import { z } from 'zod'
import { audioMethods, recentSoundSchema } from './audio'
import { jobSummarySchema } from './events'
import { soundMethods } from './sound'
import { mriMethods, recentVolumeSchema } from './mri'
import { faceMethods } from './faces'
import { speechMethods } from './speech'
import { enhanceMethods } from './enhance'
import { fileMethods } from './files'
import { jobMethods } from './jobs'
import { modelMethods } from './model-methods'

const empty = z.object({}).strict()

export const themeSchema = z.enum(['system', 'light', 'dark'])
export type Theme = z.infer<typeof themeSchema>

/** Settings a user can change; each has a schema and a default, so a stored value is always valid. */
export const settingSchemas = {
  theme: themeSchema,
  /** Kept by audio.open, newest first. */
  recentSounds: z.array(recentSoundSchema).max(20),
  /** Kept by mri.open, newest first. */
  recentVolumes: z.array(recentVolumeSchema).max(20),
} as const
export const settingDefaults: { [K in SettingKey]: z.infer<(typeof settingSchemas)[K]> } = {
  theme: 'system',
  recentSounds: [],
  recentVolumes: [],
}
export type SettingKey = keyof typeof settingSchemas
export const settingKeySchema = z.enum(Object.keys(settingSchemas) as [SettingKey, ...SettingKey[]])

export const computeInfoSchema = z.object({
  /** TF.js backends that initialise on this machine, fastest first. */
  tfBackends: z.array(z.string()),
  /** The backend training would use now. */
  tfBackend: z.string().nullable(),
  onnxruntime: z.string().nullable(),
})

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  onnxruntime: z.string().nullable(),
  tfBackends: z.array(z.string()),
  tfBackend: z.string().nullable(),
  /** Per TF.js backend, what it runs on ('@tensorflow/tfjs-node-gpu 4.22.0, on the GPU') or why it did not load. */
  tfBackendNotes: z.record(z.string(), z.string()).optional(),
  workspace: z.string(),
  /** Which door this caller came through. */
  door: z.enum(['electron', 'web', 'cli', 'test']),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const workspaceInfoSchema = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  folders: z.object({
    datasets: z.string(),
    models: z.string(),
    runs: z.string(),
    cache: z.string(),
  }),
})

function method<I extends z.ZodType, O extends z.ZodType>(description: string, input: I, output: O) {
  return { description, input, output }
}

/** The whole API: every door exposes exactly these methods, validated by the router on the way in and out. */
export const methods = {
  'app.info': method('Versions, compute backends and the workspace path.', empty, appInfoSchema),
  'workspace.info': method('Where the workspace lives and its schema version.', empty, workspaceInfoSchema),
  'settings.get': method(
    'Read one setting (its default when never set).',
    z.object({ key: settingKeySchema }).strict(),
    z.object({ key: settingKeySchema, value: z.unknown() }),
  ),
  'settings.set': method(
    'Change one setting; the value is checked against that setting\'s schema.',
    z.object({ key: settingKeySchema, value: z.unknown() }).strict(),
    z.object({ key: settingKeySchema, value: z.unknown() }),
  ),
  'jobs.list': method(
    'Jobs, newest first, optionally only those in the given states.',
    z.object({ states: z.array(jobSummarySchema.shape.state).optional() }).strict(),
    z.array(jobSummarySchema),
  ),
  ...jobMethods,
  ...modelMethods,
  ...fileMethods,
  ...audioMethods,
  ...soundMethods,
  ...mriMethods,
  ...faceMethods,
  ...speechMethods,
  ...enhanceMethods,
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>
export const methodNames = Object.keys(methods) as MethodName[]
