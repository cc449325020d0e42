import { describe, expect, it } from 'vitest'
import { ResourceError, fetchBytes, importUrl, isAbort, peaksUrl, spectrogramUrl, uploadSound, type FetchFn } from '../../../renderer/src/workspaces/sound/lib/resources'

const opened = {
  id: 's1',
  path: '/x/a.wav',
  name: 'a.wav',
  media: 'res/audio/s1/media',
  info: { format: 'wav', encoding: 'pcm16', sampleRate: 8000, channels: 1, frames: 8000, duration: 1, peak: 0.5, rms: 0.1, lufs: -20 },
}

describe('sound resources', () => {
  it('builds page-relative URLs', () => {
    expect(peaksUrl('a b', 0.5, 2, 1024)).toBe('res/audio/a%20b/peaks?start=0.5&end=2&buckets=1024')
    expect(spectrogramUrl('s1', 0, 1, 800, 128)).toBe('res/audio/s1/spectrogram?start=0&end=1&columns=800&mels=128')
    expect(importUrl('dog bark.wav')).toBe('res/audio/import?name=dog%20bark.wav')
  })

  it('fetches bytes with the session cookie and turns an error status into the core’s message', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = []
    const ok: FetchFn = async (url, init) => {
      seen.push({ url, init })
      return new Response(new Uint8Array([1, 2, 3]), { headers: { 'X-Frames-Per-Bucket': '4' } })
    }
    const { bytes, headers } = await fetchBytes('res/audio/s1/peaks', undefined, ok)
    expect(bytes.byteLength).toBe(3)
    expect(headers.get('x-frames-per-bucket')).toBe('4')
    expect(seen[0]?.init.credentials).toBe('same-origin')
    const refused: FetchFn = async () => new Response('No open sound s9.', { status: 404 })
    await expect(fetchBytes('res/audio/s9/peaks', undefined, refused)).rejects.toEqual(new ResourceError(404, 'No open sound s9.'))
    const silent: FetchFn = async () => new Response('', { status: 500 })
    await expect(fetchBytes('x', undefined, silent)).rejects.toThrow(/HTTP 500/)
  })

  it('uploads a dropped file and answers the opened sound, or the core’s refusal', async () => {
    let body: unknown = null
    const ok: FetchFn = async (url, init) => {
      body = init.body
      expect(url).toBe('res/audio/import?name=a.wav')
      expect(init.method).toBe('POST')
      return Response.json(opened)
    }
    const file = new Blob([new Uint8Array(4)])
    expect(await uploadSound(file, 'a.wav', undefined, ok)).toEqual(opened)
    expect(body).toBe(file)
    const refused: FetchFn = async () => new Response('"notes.txt" is not a sound file the editor opens.', { status: 400 })
    await expect(uploadSound(file, 'notes.txt', undefined, refused)).rejects.toThrow(/not a sound file/)
    const odd: FetchFn = async () => Response.json({ id: 1 })
    await expect(uploadSound(file, 'a.wav', undefined, odd)).rejects.toThrow(/not an opened sound/)
  })

  it('recognises aborted fetches', () => {
    expect(isAbort(new DOMException('stop', 'AbortError'))).toBe(true)
    expect(isAbort(new Error('x'))).toBe(false)
  })
})

describe('resource errors', () => {
  it('map HTTP statuses back to the API’s error codes', async () => {
    const { codeForStatus } = await import('../../../renderer/src/workspaces/sound/lib/resources')
    expect(codeForStatus(422)).toBe('INVALID_FILE')
    expect(codeForStatus(404)).toBe('NOT_FOUND')
    expect(codeForStatus(400)).toBe('VALIDATION')
    expect(codeForStatus(418)).toBe('INTERNAL')
  })
})
