import type { ResourceResponse } from '../api'

/**
 * A file as an HTTP resource honouring one `Range: bytes=a-b` (what <audio> elements send to seek
 * without downloading everything). Multiple ranges are answered with the whole file, as RFC 9110
 * allows; an unsatisfiable range gets 416.
 */
export function fileRangeResponse(path: string, size: number, range: string | null, contentType: string): ResourceResponse {
  const headers: Record<string, string> = { 'Content-Type': contentType, 'Accept-Ranges': 'bytes' }
  const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null
  if (!match || (match[1] === '' && match[2] === '')) {
    if (size === 0) return { status: 200, headers: { ...headers, 'Content-Length': '0' }, body: { kind: 'bytes', bytes: new Uint8Array(0) } }
    return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: { kind: 'file', path, start: 0, end: size - 1 } }
  }
  let start: number
  let end: number
  if (match[1] === '') {
    // bytes=-N: the last N bytes
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || start > end) {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: null }
  }
  return {
    status: 206,
    headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) },
    body: { kind: 'file', path, start, end },
  }
}
