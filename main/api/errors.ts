import { z } from 'zod'

/**
 * Error codes every door carries unchanged. Each code tells the user what kind of action helps:
 * fix the input, free the workspace, wait, or report a bug.
 */
export const errorCodes = [
  'VALIDATION', // the input does not match the method's schema
  'UNKNOWN_METHOD', // no such API method
  'NOT_FOUND', // a named thing (setting, job, model, file) does not exist
  'INVALID_FILE', // a file's content is not what it should be: not audio, truncated, damaged, unsupported
  'WORKSPACE_LOCKED', // another instance holds the workspace
  'WORKSPACE_INVALID', // the workspace database is damaged or from a newer version
  'UNAUTHORIZED', // a door refused the caller
  'CANCELLED', // the caller or the user cancelled the work
  'UNAVAILABLE', // a needed component (backend, binary) cannot be loaded here
  'INTERNAL', // a bug: the message says what failed
] as const

export const errorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof errorCodeSchema>

/** The shape of an error on the wire, identical across IPC, HTTP and the CLI. */
export const wireErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** Optional structured detail, e.g. the list of schema issues. */
  details: z.unknown().optional(),
})
export type WireError = z.infer<typeof wireErrorSchema>

/** Every call's answer crosses a door as this envelope, so no door needs its own error channel. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: WireError }
