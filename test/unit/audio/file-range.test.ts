import { describe, expect, it } from 'vitest'
import { fileRangeResponse } from '../../../main/core/file-range'

describe('fileRangeResponse', () => {
  it('serves the whole file without a Range', () => {
    const r = fileRangeResponse('/f.wav', 1000, null, 'audio/wav')
    expect(r.status).toBe(200)
    expect(r.headers['Content-Length']).toBe('1000')
    expect(r.body).toEqual({ kind: 'file', path: '/f.wav', start: 0, end: 999 })
  })

  it('answers bytes=a-b, bytes=a- and bytes=-n with 206 and Content-Range', () => {
    expect(fileRangeResponse('/f', 1000, 'bytes=100-199', 'x').body).toEqual({ kind: 'file', path: '/f', start: 100, end: 199 })
    const open = fileRangeResponse('/f', 1000, 'bytes=900-', 'x')
    expect(open.status).toBe(206)
    expect(open.headers['Content-Range']).toBe('bytes 900-999/1000')
    expect(fileRangeResponse('/f', 1000, 'bytes=-10', 'x').body).toEqual({ kind: 'file', path: '/f', start: 990, end: 999 })
    expect(fileRangeResponse('/f', 1000, 'bytes=500-5000', 'x').headers['Content-Length']).toBe('500')
  })

  it('refuses a range past the end with 416', () => {
    const r = fileRangeResponse('/f', 1000, 'bytes=1000-', 'x')
    expect(r.status).toBe(416)
    expect(r.headers['Content-Range']).toBe('bytes */1000')
  })
})
