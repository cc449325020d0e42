import type { ErrorCode, ResourceHandler, ResourceRequest, ResourceResponse } from '../api'
import { toPerceptError } from '../core/errors'
import type { Logger } from '../core/logger'

/** HTTP status for each error code a resource handler may throw. */
const statusFor: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  INVALID_FILE: 422,
  UNAUTHORIZED: 401,
  CANCELLED: 409,
  UNAVAILABLE: 503,
}

export function textResponse(status: number, text: string): ResourceResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: { kind: 'bytes', bytes: new TextEncoder().encode(text) } }
}

/**
 * One handler for everything under `res/`, dispatching on the first path segment (`res/audio/...`
 * to the audio service). A thrown PerceptError becomes its status with its message as plain text,
 * so the renderer can show what went wrong.
 */
export function createResourceHandler(routes: Record<string, ResourceHandler>, log: Logger): ResourceHandler {
  return async (request: ResourceRequest) => {
    const [area, ...rest] = request.path
    const route = area === undefined ? undefined : routes[area]
    if (!route) return textResponse(404, `No resource ${request.path.join('/')}`)
    try {
      return await route({ ...request, path: rest })
    } catch (error) {
      const wire = toPerceptError(error, `res/${request.path.join('/')}`)
      if (wire.code === 'INTERNAL') log.error(wire.message)
      return textResponse(statusFor[wire.code] ?? 500, wire.message)
    }
  }
}

/** `/res/a/b%20c` -> ['a', 'b c']; null when the path is not under /res/ or is malformed. */
export function resourcePath(pathname: string): string[] | null {
  if (!pathname.startsWith('/res/')) return null
  try {
    const parts = pathname.slice(5).split('/').map(decodeURIComponent)
    return parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0')) ? null : parts
  } catch {
    return null
  }
}
