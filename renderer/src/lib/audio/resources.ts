import type { ErrorCode, OpenSound } from '../../../../main/api'

/**
 * The core's binary resources for open sounds (see main/api/audio.ts). URLs are relative to the page,
 * so they work under app:// in Electron and behind `percept serve`, whose session cookie goes along.
 */

function soundPath(id: string): string {
  return `res/audio/${encodeURIComponent(id)}`
}

function query(params: Record<string, number>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&')
}

export function peaksUrl(id: string, start: number, end: number, buckets: number): string {
  return `${soundPath(id)}/peaks?${query({ start, end, buckets })}`
}

export function spectrogramUrl(id: string, start: number, end: number, columns: number, mels: number): string {
  return `${soundPath(id)}/spectrogram?${query({ start, end, columns, mels })}`
}

export function importUrl(fileName: string): string {
  return `res/audio/import?name=${encodeURIComponent(fileName)}`
}

/** A resource answered with an error status; the message is the core's plain-text explanation. */
export class ResourceError extends Error {
  override readonly name = 'ResourceError'

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** The API error code that a resource's HTTP status stands for (the core maps codes to statuses). */
export function codeForStatus(status: number): ErrorCode {
  const codes: Record<number, ErrorCode> = { 400: 'VALIDATION', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 409: 'CANCELLED', 422: 'INVALID_FILE', 503: 'UNAVAILABLE' }
  return codes[status] ?? 'INTERNAL'
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>

const browserFetch: FetchFn = (url, init) => globalThis.fetch(url, init)

async function failure(response: Response, what: string): Promise<ResourceError> {
  let text = ''
  try {
    text = (await response.text()).trim()
  } catch {
    // the status alone has to do
  }
  return new ResourceError(response.status, text || `${what} failed (HTTP ${response.status}).`)
}

/** GETs a binary resource; throws ResourceError with the core's message on an error status. */
export async function fetchBytes(url: string, signal?: AbortSignal, fetchFn: FetchFn = browserFetch): Promise<{ bytes: ArrayBuffer; headers: Headers }> {
  const response = await fetchFn(url, { credentials: 'same-origin', ...(signal ? { signal } : {}) })
  if (!response.ok) throw await failure(response, 'Loading sound data')
  return { bytes: await response.arrayBuffer(), headers: response.headers }
}

function isOpenSound(value: unknown): value is OpenSound {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  const info = record.info as Record<string, unknown> | null | undefined
  return (
    typeof record.id === 'string' &&
    typeof record.path === 'string' &&
    typeof record.name === 'string' &&
    typeof record.media === 'string' &&
    typeof info === 'object' &&
    info !== null &&
    typeof info.duration === 'number' &&
    typeof info.sampleRate === 'number' &&
    typeof info.frames === 'number' &&
    typeof info.channels === 'number'
  )
}

/**
 * Uploads a dropped file (a browser File has no path): the core stores it in the workspace and opens
 * it. Answers the opened sound; throws ResourceError with the core's message.
 */
export async function uploadSound(file: Blob, fileName: string, signal?: AbortSignal, fetchFn: FetchFn = browserFetch): Promise<OpenSound> {
  const response = await fetchFn(importUrl(fileName), {
    method: 'POST',
    body: file,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream' },
    ...(signal ? { signal } : {}),
  })
  if (!response.ok) throw await failure(response, `Uploading ${fileName}`)
  const value: unknown = await response.json()
  if (!isOpenSound(value)) throw new ResourceError(response.status, `The core answered the upload of ${fileName} with something that is not an opened sound.`)
  return value
}

/** Whether an error is an aborted fetch (superseded or cancelled), which nobody needs to see. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException ? error.name === 'AbortError' : error instanceof Error && error.name === 'AbortError'
}
