import { mkdirSync, openSync, closeSync, ftruncateSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { decodeAudio, decodeWav, encodeWav, readAudioFile, writeWavFile, type DecodedAudio } from '../../../../main/dsp/io'
import { dbfs, parkMiller, sine } from '../../../helpers/audio-signals'
import { tempHome } from '../../../helpers/temp-home'
import { expectInvalid } from './expect-invalid'
import { ascii } from './wav-bytes'

// Fixtures: scripts/make-audio-fixtures.sh. 440 Hz at -12 dBFS, 0.5 s, 22050 Hz; stereo has 880 Hz on the right.
const fixtures = fileURLToPath(new URL('../../../fixtures/audio', import.meta.url))
const fixture = (file: string) => new Uint8Array(readFileSync(join(fixtures, file)))
const rate = 22050
const sourceFrames = 11025
const sourceRms = dbfs(-12) / Math.SQRT2

function rms(x: Float32Array): number {
  let sum = 0
  for (const v of x) sum += v * v
  return Math.sqrt(sum / x.length)
}

/** The strongest frequency between 100 Hz and 2 kHz, by a DFT magnitude scan in 1 Hz steps. */
function dominantFrequency(x: Float32Array, sampleRate: number): number {
  let best = 0
  let bestPower = -1
  for (let f = 100; f <= 2000; f++) {
    let re = 0
    let im = 0
    const w = (2 * Math.PI * f) / sampleRate
    for (let i = 0; i < x.length; i++) {
      re += x[i]! * Math.cos(w * i)
      im += x[i]! * Math.sin(w * i)
    }
    if (re * re + im * im > bestPower) {
      bestPower = re * re + im * im
      best = f
    }
  }
  return best
}

/** 0.15-0.35 s: clear of codec delay and padding at either end. */
const steady = (x: Float32Array) => x.subarray(Math.round(0.15 * rate), Math.round(0.35 * rate))

describe('compressed fixtures decode to the source tone', () => {
  const cases = [
    { file: 'flac', format: 'flac', encoding: 'flac', exact: true },
    { file: 'ogg', format: 'ogg', encoding: 'vorbis', exact: true },
    { file: 'mp3', format: 'mp3', encoding: 'mp3', exact: false },
  ] as const
  for (const { file, format, encoding, exact } of cases) {
    for (const [layout, frequencies] of [
      ['mono', [440]],
      ['stereo', [440, 880]],
    ] as const) {
      it(`${layout}.${file}`, async () => {
        const audio = await decodeAudio(fixture(`sine-${layout}.${file}`), `sine-${layout}.${file}`)
        expect(audio).toMatchObject({ format, encoding, sampleRate: rate })
        expect(audio.channels).toHaveLength(frequencies.length)
        const frames = audio.channels[0]!.length
        // FLAC and Ogg record the exact length; this MP3 (no LAME gapless tag) adds encoder delay and padding, under two frames.
        if (exact) expect(frames).toBe(sourceFrames)
        else {
          expect(frames).toBeGreaterThanOrEqual(sourceFrames)
          expect(frames).toBeLessThanOrEqual(sourceFrames + 2 * 1152)
        }
        audio.channels.forEach((channel, c) => {
          expect(channel).toHaveLength(frames)
          // Level: FLAC within 0.005 dB, lossy codecs within 0.5 dB.
          expect(20 * Math.log10(rms(steady(channel)) / sourceRms)).toBeCloseTo(0, format === 'flac' ? 2 : 0)
          expect(Math.abs(dominantFrequency(steady(channel), rate) - frequencies[c]!)).toBeLessThanOrEqual(1)
        })
      })
    }
  }

  it('FLAC is lossless: the samples are exactly the 16-bit source', async () => {
    const audio = await decodeAudio(fixture('sine-stereo.flac'))
    const tones = [440, 880].map((hz) => sine(hz, 0.5, rate, dbfs(-12)))
    const source = decodeWav(encodeWav({ sampleRate: rate, channels: tones }, 'pcm16'))
    expect(audio.channels).toEqual(source.channels)
  })
})

describe('format is sniffed from the content', () => {
  it('ignores the extension', async () => {
    const { home, cleanup } = tempHome('percept-audio-')
    try {
      const path = join(home, 'actually-flac.wav')
      writeFileSync(path, fixture('sine-stereo.flac'))
      expect(await readAudioFile(path)).toMatchObject({ format: 'flac', sampleRate: rate })
    } finally {
      cleanup()
    }
  })

  it('reads FLAC behind an ID3v2 tag', async () => {
    const flac = fixture('sine-mono.flac')
    const tagged = new Uint8Array(10 + 20 + flac.length)
    tagged.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 20]) // "ID3" v2.3, 20-byte body (zeros)
    tagged.set(flac, 30)
    expect(await decodeAudio(tagged)).toMatchObject({ format: 'flac' })
  })
})

describe('broken or foreign inputs are refused with INVALID_FILE, naming the problem', () => {
  const garbage = (length: number, seed = 5) => {
    const random = parkMiller(seed)
    return Uint8Array.from({ length }, () => Math.floor(random() * 256))
  }
  const withHead = (head: Uint8Array, length = 4000) => {
    const bytes = garbage(length)
    bytes.set(head)
    return bytes
  }
  // The wasm decoders log what they reject; keep the test output clean.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
  afterEach(() => vi.restoreAllMocks())

  it('empty, text and unknown bytes', async () => {
    await expectInvalid(() => decodeAudio(new Uint8Array(0), 'x.mp3'), /^x\.mp3 is empty \(0 bytes\)/)
    const text = ascii('Dear diary, today I recorded nothing.\n')
    await expectInvalid(() => decodeAudio(text, 'notes.wav'), /^notes\.wav is a text file, not audio/)
    const blob = withHead(Uint8Array.of(0, 1, 2, 3))
    await expectInvalid(() => decodeAudio(blob, 'blob.bin'), /blob\.bin is not a sound file .* starts with bytes 00 01 02 03/)
  })

  it('names formats it does not read', async () => {
    const aiff = withHead(ascii('FORM\0\0\0\0AIFF'))
    await expectInvalid(() => decodeAudio(aiff), /is an AIFF file, which Percept Workbench cannot read\. Convert it/)
    await expectInvalid(() => decodeAudio(withHead(ascii('\0\0\0\x20ftypM4A '))), /MP4\/M4A/)
    await expectInvalid(() => decodeAudio(withHead(ascii('RIFF\0\0\0\0AVI '))), /RIFF file that is not WAVE/)
    await expectInvalid(() => decodeAudio(withHead(Uint8Array.of(0xff, 0xf1, 0x50, 0x80))), /AAC \(ADTS\)/)
  })

  it('FLAC: header then garbage, cut short', async () => {
    await expectInvalid(
      () => decodeAudio(withHead(ascii('fLaC\x7f')), 'a.flac'),
      /a\.flac is damaged: it starts like FLAC but its STREAMINFO header is missing/,
    )
    const flac = fixture('sine-stereo.flac')
    const streamInfoThenGarbage = withHead(flac.subarray(0, 42))
    await expectInvalid(() => decodeAudio(streamInfoThenGarbage, 'b.flac'), /b\.flac holds no FLAC audio that could be decoded/)
    await expectInvalid(
      () => decodeAudio(flac.subarray(0, 3000), 'c.flac'),
      /c\.flac is truncated or damaged: its header announces 11025 samples per channel but only \d+ could be decoded\./,
    )
  })

  it('MP3: a frame header or ID3 tag then garbage, cut short', async () => {
    const mp3 = fixture('sine-stereo.mp3')
    await expectInvalid(() => decodeAudio(withHead(mp3.subarray(0, 4)), 'a.mp3'), /a\.mp3 holds no MPEG audio frames/)
    const id3 = withHead(Uint8Array.of(0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10))
    await expectInvalid(() => decodeAudio(id3, 'b.mp3'), /b\.mp3 holds no MPEG audio frames/)
    const cut = mp3.subarray(0, 1000)
    await expectInvalid(() => decodeAudio(cut, 'c.mp3'), /c\.mp3 is truncated: it ends inside an MP3 frame at byte \d+ of 1000/)
  })

  it('damaged inside: the decoder errors become INVALID_FILE naming where', async () => {
    const damaged = (file: string) => {
      const bytes = fixture(file)
      bytes.set(garbage(50), 1000)
      return bytes
    }
    await expectInvalid(
      () => decodeAudio(damaged('sine-stereo.ogg'), 'd.ogg'),
      /^d\.ogg is damaged: the Ogg Vorbis decoder failed at frame \d+ \(byte \d+\): .*[^.]\. Re-export or re-download it\.$/,
    )
    const flac = damaged('sine-stereo.flac')
    await expectInvalid(() => decodeAudio(flac, 'd.flac'), /^d\.flac holds no FLAC audio that could be decoded/)
  })

  it('Ogg: garbage pages, cut short, or a codec other than Vorbis', async () => {
    await expectInvalid(() => decodeAudio(withHead(ascii('OggS')), 'a.ogg'), /a\.ogg is (truncated|damaged)/)
    const cut = fixture('sine-stereo.ogg').subarray(0, 4000)
    await expectInvalid(() => decodeAudio(cut, 'b.ogg'), /b\.ogg is truncated: it ends inside the Ogg page at byte \d+ of 4000/)
    // One page, beginning of stream, holding an Opus identification header.
    const opus = new Uint8Array(27 + 1 + 19)
    opus.set(ascii('OggS'))
    opus[5] = 2
    opus[26] = 1
    opus[27] = 19
    opus.set(ascii('OpusHead'), 28)
    await expectInvalid(() => decodeAudio(opus, 'c.opus'), /c\.opus is an Ogg file with Opus, which Percept Workbench cannot/)
  })

  it('nothing is thrown but PerceptError, for a spread of random inputs behind each magic number', async () => {
    const heads = ['RIFF\0\0\0\0WAVE', 'RF64\0\0\0\0WAVE', 'fLaC', 'OggS', 'ID3', '\xff\xfb\x90\x00']
    for (const head of heads) {
      for (let seed = 1; seed <= 5; seed++) {
        const bytes = garbage(3000, seed)
        bytes.set(ascii(head))
        const error = await decodeAudio(bytes).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error, head).toBeInstanceOf(PerceptError)
        expect((error as PerceptError).code).toBe('INVALID_FILE')
      }
    }
  })
})

describe('readAudioFile', () => {
  let home: string
  let cleanup: () => void
  beforeEach(() => ({ home, cleanup } = tempHome('percept-audio-')))
  afterEach(() => cleanup())

  it('missing file: NOT_FOUND; folder: INVALID_FILE', async () => {
    const missing = await readAudioFile(join(home, 'nope.wav')).catch((e: unknown) => e)
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/nope\.wav does not exist/) })
    mkdirSync(join(home, 'folder.wav'))
    await expectInvalid(() => readAudioFile(join(home, 'folder.wav')), /folder\.wav is a folder/)
  })

  it.skipIf(process.platform === 'win32')('a device such as /dev/zero: INVALID_FILE, not read forever', async () => {
    await expectInvalid(() => readAudioFile('/dev/zero'), /^zero is not a regular file \(a device or a pipe\), not a sound file\.$/)
  })

  it('refuses files over 2 GB before reading them', async () => {
    const path = join(home, 'huge.wav')
    const fd = openSync(path, 'w')
    ftruncateSync(fd, 3 * 1024 ** 3) // sparse: no disk used
    closeSync(fd)
    await expectInvalid(() => readAudioFile(path), /^huge\.wav is 3\.2 GB; Percept Workbench opens sound files up to 2 GB\./)
  })

  it('writeWavFile then readAudioFile round-trips, leaving no temp file', async () => {
    const audio = { sampleRate: 48000, channels: [sine(1000, 0.1, 48000, 0.5), sine(500, 0.1, 48000, 0.25)] }
    const path = join(home, 'out', 'tone.wav')
    await writeWavFile(path, audio, 'float32')
    const read: DecodedAudio = await readAudioFile(path)
    expect(read).toMatchObject({ format: 'wav', encoding: 'float32', sampleRate: 48000 })
    expect(read.channels).toEqual(audio.channels)
    expect(readdirSync(join(home, 'out'))).toEqual(['tone.wav'])
    expect(new Uint8Array(readFileSync(path))).toEqual(encodeWav(audio, 'float32'))
  })
})
