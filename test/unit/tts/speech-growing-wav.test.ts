import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readWavFile } from '../../../main/dsp/io/wav'
import { GrowingWav } from '../../../main/tts/growing-wav'
import { tempHome } from '../../helpers/temp-home'

// The whole synthesis of a long text is written sentence by sentence: the WAV appears only once whole,
// with the samples of every piece in order; an abandoned one leaves nothing behind.
const { home, cleanup } = tempHome('percept-growing-wav-')
afterAll(() => cleanup())

describe('a WAV written piece by piece', () => {
  it('holds every piece in order, 16-bit, and appears only when finished', async () => {
    const path = join(home, 'whole.wav')
    const wav = await GrowingWav.create(path, 16000)
    const a = Float32Array.from({ length: 1600 }, (_, i) => Math.sin(i / 10) * 0.5)
    const b = Float32Array.from({ length: 800 }, (_, i) => (i % 2 ? 0.25 : -0.25))
    await wav.append(a)
    await wav.append(b)
    expect(existsSync(path)).toBe(false)
    expect(await wav.finish()).toBeCloseTo(2400 / 16000, 12)
    const read = await readWavFile(path)
    expect(read.sampleRate).toBe(16000)
    expect(read.encoding).toBe('pcm16')
    const samples = read.channels[0]!
    expect(samples.length).toBe(2400)
    // Within half a 16-bit step of what was appended.
    for (let i = 0; i < 1600; i += 97) expect(Math.abs(samples[i]! - a[i]!)).toBeLessThan(1 / 32767)
    expect(samples[1600]).toBeCloseTo(-0.25, 4)
    expect(samples[1601]).toBeCloseTo(0.25, 4)
    expect(readdirSync(home)).toEqual(['whole.wav'])
  })

  it('leaves nothing when abandoned', async () => {
    const path = join(home, 'cancelled.wav')
    const wav = await GrowingWav.create(path, 16000)
    await wav.append(new Float32Array(100))
    await wav.abandon()
    expect(readdirSync(home)).toEqual(['whole.wav'])
  })
})
