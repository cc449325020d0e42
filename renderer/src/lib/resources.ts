import type { ErrorCode } from '../../../main/api'

/**
 * Binary resources of the core (`res/...`, see main/api/resources.ts), fetched relative to the page so they
 * work under app:// in Electron and behind `percept serve`, whose session cookie goes along.
 */

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

export const browserFetch: FetchFn = (url, init) => globalThis.fetch(url, init)

export async function failure(response: Response, what: string): Promise<ResourceError> {
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
  if (!response.ok) throw await failure(response, `Loading ${url}`)
  return { bytes: await response.arrayBuffer(), headers: response.headers }
}

/**
 * POSTs a dropped file (a browser File has no path the core could open) to an import resource and answers
 * its JSON; throws ResourceError with the core's message on an error status.
 */
export async function postFile(url: string, file: Blob, fileName: string, signal?: AbortSignal, fetchFn: FetchFn = browserFetch): Promise<unknown> {
  const response = await fetchFn(url, {
    method: 'POST',
    body: file,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream' },
    ...(signal ? { signal } : {}),
  })
  if (!response.ok) throw await failure(response, `Uploading ${fileName}`)
  return response.json()
}

/** Whether an error is an aborted fetch (superseded or cancelled), which nobody needs to see. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException ? error.name === 'AbortError' : error instanceof Error && error.name === 'AbortError'
}
