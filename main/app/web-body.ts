import type { IncomingMessage } from 'node:http'
import { PerceptError } from '../core/errors'
import { Refusal } from './web-request'

/** The Content-Length a request declares, or null when it sends none (chunked, or no body). */
function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers['content-length']
  return header === undefined ? null : Number(header)
}

/** Reads a whole body of at most maxBytes; refuses a larger one before or while reading, and a cut-off one. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(req)
  const tooLarge = new Refusal(413, `The body is larger than ${maxBytes / 1024 ** 2} MiB.`)
  if (declared !== null && declared > maxBytes) return Promise.reject(tooLarge)
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        reject(tooLarge)
        // Stop reading; the answer closes the connection.
        req.pause()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks)))
    req.on('error', () => reject(new Refusal(400, 'The request body was cut off.')))
    req.on('aborted', () => reject(new Refusal(400, 'The request body was cut off.')))
  })
}

/** An API call: `{"method": "...", "input": ...}`. */
export async function readCall(req: IncomingMessage, maxBytes: number): Promise<{ method: string; input: unknown }> {
  const body = await readBody(req, maxBytes)
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Refusal(400, `The body must be JSON: {"method": "...", "input": {...}} (at most ${maxBytes / 1024 ** 2} MiB).`)
  }
  const call = parsed as { method?: unknown; input?: unknown }
  return { method: typeof call.method === 'string' ? call.method : '', input: call.input }
}

/**
 * An upload's body for the resource handlers: the request's bytes, with a connection that drops before
 * the end turned into a refusal the handler reports (its partial file is removed by storeUpload).
 */
export async function* uploadBody(req: IncomingMessage): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of req) yield chunk as Buffer
  } catch {
    throw new PerceptError('VALIDATION', 'The upload was cut off before its end (the connection closed).')
  }
  if (!req.complete) throw new PerceptError('VALIDATION', 'The upload was cut off before its end (the connection closed).')
}
