import * as imported from '@alexanderolsen/libsamplerate-js'
import { describe, expect, it } from 'vitest'
import { resample, resampleAudio, resampleTogether } from '../../../../main/dsp/io'
import { noise, sine, sweep } from '../../../helpers/audio-signals'

const libsamplerate: typeof imported =
  'create' in imported ? imported : (imported as unknown as { default: typeof imported }).default

/**
 * How resample() worked before converters were reused and signals shared them: a new converter for
 * the one signal, 64 Ki samples a call, then 64 Ki zeros a call until the output is complete.
 */
async function reference(signal: Float32Array, from: number, to: number): Promise<Float32Array> {
  const length = Math.round((signal.length * to) / from)
  const out = new Float32Array(length)
  const src = await libsamplerate.create(1, from, to, { converterType: libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY })
  let written = 0
  const take = (part: Float32Array) => {
    out.set(part.subarray(0, length - written), written)
    written = Math.min(length, written + part.length)
  }
  for (let at = 0; at < signal.length; at += 65536) take(src.full(signal.subarray(at, at + 65536)))
  while (written < length) take(src.full(new Float32Array(65536)))
  src.destroy()
  return out
}

/** Equal bit for bit (Object.is tells -0 from 0), with the first difference in the message. */
function expectSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length)
  const first = actual.findIndex((v, i) => !Object.is(v, expected[i]))
  expect(first, `${label}: first difference at sample ${first}`).toBe(-1)
}

// Lengths as a data set mixes them: 4 s slices, short ones, an empty one, one longer than a converter call.
function signalsAt(rate: number): Float32Array[] {
  return [
    noise(4, rate, 1, 0.3),
    sine(440, 0.3, rate, 0.5),
    sweep(50, Math.min(20000, rate / 2 - 100), 4, rate, 0.4),
    new Float32Array(0),
    noise(2.7, rate, 2, 0.1),
    sine(3000, 1, rate, 0.2),
    noise(0.001, rate, 3),
  ]
}

describe('resampleTogether', () => {
  for (const [from, to] of [
    [44100, 22050],
    [48000, 22050],
    [16000, 22050],
    [8000, 22050],
  ] as const) {
    it(`${from} -> ${to} Hz: each of 1 to 7 signals of mixed lengths comes out as the old one-at-a-time resample gave it, in input order`, async () => {
      const signals = signalsAt(from)
      const expected = await Promise.all(signals.map((s) => reference(s, from, to)))
      for (let count = 1; count <= signals.length; count++) {
        const together = await resampleTogether(signals.slice(0, count), from, to)
        expect(together).toHaveLength(count)
        together.forEach((out, i) => expectSameBits(out, expected[i]!, `${count} together, signal ${i}`))
      }
      // one at a time through a converter used before (kept between calls) changes nothing either
      for (const [i, signal] of signals.entries()) expectSameBits(await resample(signal, from, to), expected[i]!, `alone, signal ${i}`)
    })
  }

  it('a signal longer than one converter call, with others, is continuous and exact', async () => {
    const long = sine(440, 3, 48000, 0.5)
    const [a, b] = await resampleTogether([long, noise(1, 48000, 9, 0.2)], 48000, 44100)
    expectSameBits(a!, await reference(long, 48000, 44100), 'long')
    expect(b).toHaveLength(44100)
  })

  it('at the same rate gives the inputs back; still checks the rates', async () => {
    const x = sine(100, 0.1, 22050)
    const [same] = await resampleTogether([x], 22050, 22050)
    expect(same).toBe(x)
    await expect(resampleTogether([x], 22050.5, 16000)).rejects.toThrow(/whole positive/)
  })

  it('resampleAudio resamples a stereo file\'s channels together, each as resample would', async () => {
    const left = noise(1.5, 44100, 4, 0.3)
    const right = sine(700, 1.5, 44100, 0.3)
    const out = await resampleAudio({ sampleRate: 44100, channels: [left, right] }, 16000)
    expectSameBits(out.channels[0]!, await reference(left, 44100, 16000), 'left')
    expectSameBits(out.channels[1]!, await reference(right, 44100, 16000), 'right')
  })
})
