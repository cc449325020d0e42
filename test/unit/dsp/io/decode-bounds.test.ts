import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decodeAudio } from '../../../../main/dsp/io'
import { flacSilence } from '../../../helpers/flac-silence'
import { expectInvalid } from './expect-invalid'

// Found by fuzzing the decoders (test/fuzz/targets: flac, ogg): what the wasm decoders did with crafted
// or joined files, and how the boundary now refuses them.
const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url))
const fixture = (path: string) => new Uint8Array(readFileSync(join(fixturesDir, path)))

describe('decompression bombs: FLAC and Ogg stop at 1024 samples a byte past 2^24 samples', () => {
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
  afterEach(() => vi.restoreAllMocks())

  it('FLAC whose STREAMINFO announces it: refused before anything is decoded', async () => {
    // 40 frames of 65535 x 8 samples in 1.4 KB: 21 M samples; the fuzz run's 800-frame one hung decoding 1.6 GB.
    const bomb = flacSilence(40)
    expect(bomb.length).toBe(1402)
    await expectInvalid(
      () => decodeAudio(bomb, 'bomb.flac'),
      /^bomb\.flac announces 2621400 samples in each of 8 channels from only 1\.4 KB, over 1024 samples per byte, .* built to exhaust memory\. If it is a real recording, convert it to WAV/,
    )
  })

  it('FLAC that hides its length (total samples 0): refused once decoding passes the bound', async () => {
    await expectInvalid(
      () => decodeAudio(flacSilence(40, { declareTotal: false }), 'hidden.flac'),
      /^hidden\.flac expands past 67 MB of audio from 1\.4 KB of FLAC \(over 1024 samples per byte\)/,
    )
  })

  it('silence under 2^24 samples decodes, however well it compresses', async () => {
    // 10 frames: 655 350 frames of 8 channels, 5.2 M samples, from 382 bytes (13 700 samples a byte)
    const bytes = flacSilence(10, { declareTotal: false })
    expect(bytes.length).toBe(382)
    const audio = await decodeAudio(bytes, 'quiet.flac')
    expect(audio.sampleRate).toBe(48000)
    expect(audio.channels.map((c) => c.length)).toEqual(new Array(8).fill(10 * 65535))
    expect(audio.channels.some((c) => c.some((v) => v !== 0))).toBe(false)
  })

  it('Ogg Vorbis from an ordinary encoder: 60 s of 8-channel digital silence in 8 KB', async () => {
    const bomb = fixture('fuzz-seeds/silence-8ch-60s.ogg')
    await expectInvalid(() => decodeAudio(bomb, 'silence.ogg'), /^silence\.ogg expands past 67 MB of audio from 7\.9 KB of Ogg Vorbis/)
  })
})

describe('what the Ogg Vorbis decoder got wrong', () => {
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
  afterEach(() => vi.restoreAllMocks())

  it('chained files (one joined after another) are refused, not decoded with the first stream setup', async () => {
    // mono 22.05 kHz then mono 8 kHz: decoded as one stream, the second half came out as garbage peaking at 3.96
    const mono = fixture('audio/sine-mono.ogg')
    const joined = new Uint8Array([...mono, ...fixture('fuzz-seeds/mono-8k.ogg')])
    await expectInvalid(
      () => decodeAudio(joined, 'joined.ogg'),
      new RegExp(`^joined\\.ogg holds more than one Ogg stream \\(another starts at byte ${mono.length}\\)`),
    )
    // the same file twice: same serial number, but a second beginning-of-stream page
    await expectInvalid(() => decodeAudio(new Uint8Array([...mono, ...mono]), 'twice.ogg'), /^twice\.ogg holds more than one Ogg stream/)
  })

  it("the decoder's own exceptions become INVALID_FILE without its internals in the message", async () => {
    // codec-parser throws "ReferenceError: logError is not defined" on some damaged Vorbis packets
    vi.spyOn(OggVorbisDecoder.prototype, 'decode').mockRejectedValue(new ReferenceError('logError is not defined'))
    const error = await expectInvalid(
      () => decodeAudio(fixture('audio/sine-mono.ogg'), 'x.ogg'),
      /^x\.ogg could not be decoded as Ogg Vorbis: the decoder stopped at data it could not read, so the file is damaged or not Ogg Vorbis\. Re-export or re-download it\.$/,
    )
    expect(error.details).toEqual({ decoderError: 'ReferenceError: logError is not defined' })
  })
})
