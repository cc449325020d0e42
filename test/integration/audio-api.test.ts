import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AudioInfo, OpenSound, ResourceResponse } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { startWebServer, type WebServer } from '../../main/app/web-server'
import { repoRoot } from '../helpers/built-app'
import { tempApp } from '../helpers/temp-app'
import { routerCalls } from '../helpers/router-calls'

// The audio core through the router and the resources every door serves: open, peaks, spectrogram,
// media with Range, export, labels, drag-and-drop upload, and clear errors for broken files.
let app: PerceptApp
let cleanup: () => void
const { call, fail } = routerCalls(() => app)
let home: string



function get(path: string, query: Record<string, string | number> = {}, range: string | null = null): Promise<ResourceResponse> {
  return app.resources({
    method: 'GET',
    path: path.split('/'),
    query: new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])),
    range,
    body: null,
  })
}

function bodyBytes(response: ResourceResponse): Uint8Array {
  if (response.body?.kind !== 'bytes') throw new Error(`expected bytes, got ${response.body?.kind}`)
  return response.body.bytes
}

function floats(response: ResourceResponse): Float32Array {
  const bytes = bodyBytes(response)
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/** A canonical 16-bit PCM WAV written byte by byte, so these tests do not lean on our own encoder. */
function pcm16Wav(sampleRate: number, channels: number[][]): Buffer {
  const frames = channels[0]!.length
  const data = frames * channels.length * 2
  const b = Buffer.alloc(44 + data)
  b.write('RIFF', 0, 'ascii')
  b.writeUInt32LE(36 + data, 4)
  b.write('WAVEfmt ', 8, 'ascii')
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20)
  b.writeUInt16LE(channels.length, 22)
  b.writeUInt32LE(sampleRate, 24)
  b.writeUInt32LE(sampleRate * channels.length * 2, 28)
  b.writeUInt16LE(channels.length * 2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36, 'ascii')
  b.writeUInt32LE(data, 40)
  for (let i = 0; i < frames; i++) {
    channels.forEach((channel, c) => b.writeInt16LE(Math.round(channel[i]! * 32767), 44 + (i * channels.length + c) * 2))
  }
  return b
}

const rate = 16_000
// 1 s: left a 1 kHz sine at half scale, right silent for 0.5 s then a 250 Hz sine at quarter scale.
const left = Array.from({ length: rate }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate))
const right = Array.from({ length: rate }, (_, i) => (i < rate / 2 ? 0 : 0.25 * Math.sin((2 * Math.PI * 250 * i) / rate)))
let wavPath: string
let sound: OpenSound

beforeAll(async () => {
  ;({ app, home, close: cleanup } = tempApp())
  wavPath = join(home, 'tone.wav')
  writeFileSync(wavPath, pcm16Wav(rate, [left, right]))
  sound = await call<OpenSound>('audio.open', { path: wavPath })
})
afterAll(() => cleanup())

describe('the audio core through the API', () => {
  it('opens a WAV and describes it', () => {
    const info: AudioInfo = sound.info
    expect(info).toMatchObject({ format: 'wav', encoding: 'pcm16', sampleRate: rate, channels: 2, frames: rate, duration: 1 })
    expect(info.peak).toBeCloseTo(0.5, 3)
    // rms over both channels: (0.5^2/2 * 1 s + 0.25^2/2 * 0.5 s) / 2 s
    expect(info.rms).toBeCloseTo(Math.sqrt((0.125 + 0.015625) / 2), 3)
    expect(info.lufs).not.toBeNull()
    expect(sound.media).toBe(`res/audio/${sound.id}/media`)
    expect(sound.name).toBe('tone.wav')
  })

  it('opens FLAC, MP3 and Ogg Vorbis too (decoded in a worker thread), served as themselves for playback', async () => {
    for (const [file, format, type] of [
      ['sine-stereo.flac', 'flac', 'audio/flac'],
      ['sine-mono.mp3', 'mp3', 'audio/mpeg'],
      ['sine-mono.ogg', 'ogg', 'audio/ogg'],
    ] as const) {
      const path = join(repoRoot, 'test', 'fixtures', 'audio', file)
      const opened = await call<OpenSound>('audio.open', { path })
      expect(opened.info.format).toBe(format)
      expect(opened.info.sampleRate).toBe(22050)
      expect((await get(opened.media.replace(/^res\//, ''))).headers['Content-Type']).toBe(type)
      await call('audio.close', { id: opened.id })
    }
  })

  it('remembers it among the recent sounds', async () => {
    const recent = await call<{ path: string }[]>('audio.recent', {})
    // newest first: the three fixtures above, then the tone opened before them, once each
    expect(recent.map((r) => r.path.split('/').pop())).toEqual(['sine-mono.ogg', 'sine-mono.mp3', 'sine-stereo.flac', 'tone.wav'])
  })

  it('serves peaks per channel: exact sample extremes', async () => {
    const response = await get(`audio/${sound.id}/peaks`, { start: 0, end: 1, buckets: 2 })
    expect(response.status).toBe(200)
    expect(Number(response.headers['X-Frames-Per-Bucket'])).toBe(rate / 2)
    const [lMin1, lMin2, lMax1, lMax2, rMin1, rMin2, rMax1, rMax2] = floats(response)
    expect(lMin1).toBeCloseTo(-0.5, 3)
    expect(lMax2).toBeCloseTo(0.5, 3)
    expect(lMin2).toBeCloseTo(-0.5, 3)
    expect(lMax1).toBeCloseTo(0.5, 3)
    expect([rMin1, rMax1]).toEqual([0, 0])
    expect(rMin2).toBeCloseTo(-0.25, 3)
    expect(rMax2).toBeCloseTo(0.25, 3)
  })

  it('serves a spectrogram of the visible range whose loudest band is where the tone is', async () => {
    const mels = 64
    const columns = 20
    const response = await get(`audio/${sound.id}/spectrogram`, { start: 0, end: 0.5, columns, mels })
    expect(response.status).toBe(200)
    const image = bodyBytes(response)
    expect(image.length).toBe(mels * columns)
    expect(Number(response.headers['X-Max-Db'])).toBeGreaterThan(Number(response.headers['X-Min-Db']))
    // In the first half only the 1 kHz tone sounds: every column's brightest row is the same band.
    const rows = Array.from({ length: columns }, (_, c) => {
      let best = 0
      for (let m = 1; m < mels; m++) if (image[m * columns + c]! > image[best * columns + c]!) best = m
      return best
    })
    expect(new Set(rows.slice(2, -2)).size).toBe(1)
    // 1 kHz on a 64-band Slaney mel scale to 8 kHz sits in the lower third.
    expect(rows[10]).toBeGreaterThan(10)
    expect(rows[10]).toBeLessThan(30)
  })

  it('serves the media with Range requests', async () => {
    const size = readFileSync(wavPath).length
    const whole = await get(`audio/${sound.id}/media`)
    expect(whole.status).toBe(200)
    expect(whole.headers['Content-Type']).toBe('audio/wav')
    expect(whole.body).toEqual({ kind: 'file', path: wavPath, start: 0, end: size - 1 })
    const part = await get(`audio/${sound.id}/media`, {}, 'bytes=44-')
    expect(part.status).toBe(206)
    expect(part.headers['Content-Range']).toBe(`bytes 44-${size - 1}/${size}`)
  })

  it('refuses bad resource requests with a message', async () => {
    const bad = await get(`audio/${sound.id}/peaks`, { start: 0, end: 1, buckets: 0 })
    expect(bad.status).toBe(400)
    expect(new TextDecoder().decode(bodyBytes(bad))).toMatch(/buckets must be a whole number/)
    const gone = await get('audio/nope/peaks', { buckets: 4 })
    expect(gone.status).toBe(404)
  })

  it('exports a region with gain as WAV, which opens again with the right samples', async () => {
    const out = join(home, 'region.wav')
    const exported = await call<{ frames: number; clipped: number }>('audio.export', { id: sound.id, path: out, start: 0.25, end: 0.75, gainDb: -6 })
    expect(exported.frames).toBe(rate / 2)
    expect(exported.clipped).toBe(0)
    const again = await call<OpenSound>('audio.open', { path: out })
    expect(again.info.frames).toBe(rate / 2)
    expect(again.info.peak).toBeCloseTo(0.5 * 10 ** (-6 / 20), 3)
    expect(await fail('audio.export', { id: sound.id, path: join(home, 'no-such-folder', 'x.wav') })).toMatchObject({ code: 'NOT_FOUND' })
    expect(await fail('audio.export', { id: sound.id, path: join(home, 'x.mp3') })).toMatchObject({ code: 'VALIDATION' })
  })

  it('writes and reads Audacity labels', async () => {
    const path = join(home, 'labels.txt')
    const labels = [
      { start: 0.5, end: 0.75, label: 'low tone' },
      { start: 0.1, end: 0.1, label: 'marker' },
    ]
    expect(await call('audio.labels.write', { path, labels })).toEqual({ path, count: 2 })
    expect(readFileSync(path, 'utf8')).toBe('0.100000\t0.100000\tmarker\n0.500000\t0.750000\tlow tone\n')
    expect((await call<{ labels: unknown[] }>('audio.labels.read', { path })).labels).toEqual([labels[1], labels[0]])
  })

  it('writes labels only as .txt, and nowhere the system or a home folder keeps its settings', async () => {
    const labels = [{ start: 0, end: 1, label: 'x' }]
    expect(await fail('audio.labels.write', { path: join(home, 'labels.conf'), labels })).toEqual({
      code: 'VALIDATION',
      message: 'Audacity labels are written as .txt: give the file a .txt name (not "labels.conf").',
    })
    const system = await fail('audio.labels.write', { path: '/etc/percept-labels.txt', labels })
    expect(system.code).toBe('VALIDATION')
    expect(system.message).toMatch(/is in \/etc, a folder of the operating system/)
    expect(existsSync('/etc/percept-labels.txt')).toBe(false)
    expect((await fail('audio.labels.write', { path: 'relative.txt', labels })).message).toMatch(/is a relative path/)
    const hidden = await fail('audio.labels.write', { path: join(homedir(), '.config', 'percept-labels.txt'), labels })
    expect(hidden.message).toMatch(/a hidden settings file or folder of a home folder: choose a visible folder for Audacity labels/)
  })

  it('reads no file that is not a label track, and quotes none of it', async () => {
    const secret = join(home, 'secret.txt')
    writeFileSync(secret, 'api_key=hunter2\n')
    const notLabels = await fail('audio.labels.read', { path: secret })
    expect(notLabels).toEqual({
      code: 'INVALID_FILE',
      message: 'secret.txt, line 1: expected "start<TAB>end<TAB>label" with times in seconds (end not before start). Is it an Audacity label track?',
    })
    writeFileSync(join(home, 'binary.txt'), Buffer.from([0x31, 0x09, 0x32, 0x09, 0x00, 0x68, 0x69]))
    expect(await fail('audio.labels.read', { path: join(home, 'binary.txt') })).toMatchObject({ code: 'INVALID_FILE', message: expect.stringMatching(/holds binary data/) })
    expect(await fail('audio.labels.read', { path: home })).toMatchObject({ code: 'INVALID_FILE', message: expect.stringMatching(/is a folder/) })
  })

  it('opens a dropped file sent as bytes, kept in the workspace', async () => {
    const bytes = pcm16Wav(8000, [Array.from({ length: 800 }, (_, i) => 0.1 * Math.sin(i / 3))])
    const response = await app.resources({
      method: 'POST',
      path: ['audio', 'import'],
      query: new URLSearchParams({ name: 'dropped clip.wav' }),
      range: null,
      body: (async function* () {
        yield bytes.subarray(0, 100)
        yield bytes.subarray(100)
      })(),
    })
    expect(response.status).toBe(200)
    const opened = JSON.parse(new TextDecoder().decode(bodyBytes(response))) as OpenSound
    expect(opened.info).toMatchObject({ sampleRate: 8000, frames: 800, channels: 1 })
    expect(opened.path).toBe(join(home, 'datasets', 'dropped', 'dropped clip.wav'))
    expect(readFileSync(opened.path).equals(bytes)).toBe(true)
  })

  it('refuses what is not a sound, clearly, and keeps nothing of it', async () => {
    const text = join(home, 'notes.wav')
    writeFileSync(text, 'these are my notes, not audio')
    const error = await fail('audio.open', { path: text })
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toMatch(/notes\.wav/)
    expect(await fail('audio.open', { path: join(home, 'missing.wav') })).toMatchObject({ code: 'NOT_FOUND' })
    const upload = await app.resources({ method: 'POST', path: ['audio', 'import'], query: new URLSearchParams({ name: 'x.exe' }), range: null, body: null })
    expect(upload.status).toBe(400)
  })

  it('reopens a sound by the handle it had while that is open, else decodes the file again', async () => {
    const first = await call<OpenSound>('audio.open', { path: wavPath })
    expect(await call<OpenSound>('audio.open', { path: wavPath, reuse: first.id })).toEqual(first)
    // A handle of another file, or one closed since, is not taken: the file is opened afresh.
    const other = await call<OpenSound>('audio.open', { path: join(repoRoot, 'test', 'fixtures', 'audio', 'sine-mono.ogg'), reuse: first.id })
    expect(other.id).not.toBe(first.id)
    expect(other.info.format).toBe('ogg')
    await call('audio.close', { id: first.id })
    const fresh = await call<OpenSound>('audio.open', { path: wavPath, reuse: first.id })
    expect(fresh.id).not.toBe(first.id)
    expect(fresh.info).toEqual(first.info)
    for (const id of [other.id, fresh.id]) await call('audio.close', { id })
  })

  it("keeps the editor's state in the workspace and reads a damaged one as none, with a warning", async () => {
    expect(await call('audio.editor.get', {})).toEqual({ state: null, warning: null })
    const state = {
      formatVersion: 1,
      activeKey: 'tab-a',
      tabs: [
        {
          key: 'tab-a',
          versions: [{ path: wavPath, name: 'tone.wav', id: sound.id, classification: null }],
          activeIndex: 0,
          regions: [{ id: 'r1', start: 0.25, end: 0.5, label: 'low tone' }],
          selectedId: null,
          selection: { start: 0.1, end: 0.2 },
          gainDb: 2,
          matchLoudness: true,
          view: null,
          unsaved: true,
        },
      ],
    }
    expect(await call('audio.editor.save', { state })).toEqual({ saved: true })
    expect(JSON.parse(readFileSync(join(home, 'sound-editor.json'), 'utf8'))).toEqual(state)
    expect(await call('audio.editor.get', {})).toEqual({ state, warning: null })
    expect((await fail('audio.editor.save', { state: { ...state, tabs: [{ ...state.tabs[0], gainDb: 'loud' }] } })).code).toBe('VALIDATION')
    writeFileSync(join(home, 'sound-editor.json'), '\u0000\u0001 not json')
    const damaged = await call<{ state: unknown; warning: string }>('audio.editor.get', {})
    expect(damaged.state).toBeNull()
    expect(damaged.warning).toMatch(/^The sound editor's saved state could not be read \(.*binary data.*\), so the editor starts empty\./)
    expect(existsSync(join(home, 'sound-editor.json.damaged'))).toBe(true)
  })

  it('closes a sound: its resources are gone', async () => {
    const other = await call<OpenSound>('audio.open', { path: wavPath })
    expect(await call('audio.close', { id: other.id })).toEqual({ closed: true })
    expect((await get(`audio/${other.id}/peaks`, { buckets: 2 })).status).toBe(404)
    expect(await call('audio.close', { id: other.id })).toEqual({ closed: false })
  })
})

describe('resources through the web door', () => {
  let server: WebServer
  beforeAll(async () => {
    server = await startWebServer({ router: app.router, resources: app.resources, log: app.log, rendererDir: home, port: 0 })
  })
  afterAll(() => server.close())

  it('serves peaks and media to a caller with the token, and nothing without it', async () => {
    const base = `http://127.0.0.1:${server.port}`
    const peaks = await fetch(`${base}/res/audio/${sound.id}/peaks?start=0&end=1&buckets=4&token=${server.token}`)
    expect(peaks.status).toBe(200)
    expect((await peaks.arrayBuffer()).byteLength).toBe(2 * 2 * 4 * 4)
    const media = await fetch(`${base}/res/audio/${sound.id}/media?token=${server.token}`, { headers: { Range: 'bytes=0-3' } })
    expect(media.status).toBe(206)
    expect(Buffer.from(await media.arrayBuffer()).toString('ascii')).toBe('RIFF')
    expect((await fetch(`${base}/res/audio/${sound.id}/peaks?buckets=4`)).status).toBe(401)
    expect(existsSync(wavPath)).toBe(true)
  })
})
