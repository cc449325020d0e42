/**
 * Binary resources: large arrays (audio, peaks, spectrograms, volumes) cross the doors as bytes,
 * never as JSON. Both doors route `res/...` below the page's origin to one ResourceHandler: the web
 * door over HTTP (behind its token), Electron on app://. Types only; the handlers live in the core.
 */

export interface ResourceRequest {
  method: 'GET' | 'HEAD' | 'POST'
  /** The path below `res/`, decoded and split: `res/audio/a1/peaks` -> ['audio', 'a1', 'peaks']. */
  path: string[]
  query: URLSearchParams
  /** The Range header, if any (`bytes=0-1023`). */
  range: string | null
  /** A POST's body, streamed. */
  body: AsyncIterable<Uint8Array> | null
}

export type ResourceBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  /** Bytes start..end (inclusive) of a file on disk, streamed by the door. */
  | { kind: 'file'; path: string; start: number; end: number }

export interface ResourceResponse {
  status: number
  headers: Record<string, string>
  body: ResourceBody | null
}

export type ResourceHandler = (request: ResourceRequest) => Promise<ResourceResponse>
