import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeNpy } from '../../main/dsp/features'
import { encodeWav } from '../../main/dsp/io'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'
import { uniformNoise } from '../unit/enhance/signals'

// `percept enhance ibm|burst-step` as a user runs them, on the built app: a tone in white noise whose mask
// is known (test/unit/enhance/ideal-binary-mask.test.ts works it out) and the hand-worked 2-3-2 burst step.
let home: string
let cleanup: () => void
const wav = (name: string, rate: number, samples: ArrayLike<number>): string => {
  const path = join(home, name)
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: [Float32Array.from(samples)] }, 'float32'))
  return path
}
const tone = (n: number, rate: number, hz: number): Float64Array => Float64Array.from({ length: n }, (_, t) => 0.5 * Math.cos((2 * Math.PI * hz * t) / rate))
const enhance = (...args: string[]) => runCli(['enhance', ...args], { PERCEPT_HOME: home })

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
})
afterAll(() => cleanup())

describe('percept enhance ibm', () => {
  it('writes the float32 (frames, 622) mask: a tone on bin 100 in white noise at 0 dB marks bins 99-101', async () => {
    const clean = wav('tone.wav', 16_000, tone(16_000, 1244, 100))
    const noise = wav('noise.wav', 16_000, uniformNoise(16_000, 1))
    const out = join(home, 'mask.npy')
    const { code, stdout, stderr } = await enhance('ibm', '--clean', clean, '--noise', noise, '--snr', '0', '--lc', '5', '--out', out, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const summary = JSON.parse(stdout)
    // 1 + floor((16000 - 1244) / 311) = 48 frames; 3 bins x 48 frames = 144 ones
    expect(summary).toMatchObject({ frames: 48, bins: 622, resampled: false, snrDb: 0, lcDb: 5 })
    expect(summary.fractionOnes).toBeCloseTo(144 / (48 * 622), 12)
    const bytes = readFileSync(out)
    expect(bytes.subarray(0, 70).toString('latin1')).toContain("'descr': '<f4'")
    const { data, shape } = decodeNpy(bytes)
    expect(shape).toEqual([48, 622])
    for (const t of [0, 47]) expect(Array.from(data.subarray(t * 622 + 96, t * 622 + 103))).toEqual([0, 0, 1, 1, 1, 0, 0]) // columns 96..102 = bins 97..103
    expect(data.reduce((s, v) => s + v, 0)).toBe(144)
  })

  it('resamples other rates to 16 kHz and says so; a longer noise is cut', async () => {
    // 1 s at 22.05 kHz resamples to 16000 samples: 48 frames again; 2 s of noise, cut to 1 s
    const clean = wav('tone-22k.wav', 22_050, tone(22_050, 22_050, (100 * 16_000) / 1244))
    const noise = wav('noise-long.wav', 16_000, uniformNoise(32_000, 2))
    const out = join(home, 'mask-22k.npy')
    const { code, stdout } = await enhance('ibm', '--clean', clean, '--noise', noise, '--snr', '6', '--out', out, '--json')
    expect(code).toBe(0)
    const summary = JSON.parse(stdout)
    expect(summary).toMatchObject({ frames: 48, bins: 622, resampled: true, sourceRates: { clean: 22_050, noise: 16_000 }, lcDb: 5 })
    expect(summary.notes).toEqual(['tone-22k.wav was resampled from 22050 Hz to 16 kHz.'])
    const { data } = decodeNpy(readFileSync(out))
    expect(data[20 * 622 + 99]).toBe(1) // bin 100 of a middle frame
    const text = await enhance('ibm', '--clean', clean, '--noise', noise, '--snr', '6', '--out', out)
    expect(text.stdout).toMatch(/^tone-22k.wav was resampled from 22050 Hz to 16 kHz.\n.*mask-22k.npy: 48 frames x 622 bins/)
  })

  it('says how long a clip must be when it is shorter than one frame', async () => {
    const short = wav('short.wav', 16_000, tone(1000, 16_000, 440))
    const tooShort = await enhance('ibm', '--clean', short, '--noise', join(home, 'noise.wav'), '--snr', '0', '--out', join(home, 'x.npy'))
    expect(tooShort.code).toBe(1)
    expect(tooShort.stderr).toMatch(/short.wav is 0.063 s \(1000 samples at 16 kHz\), which makes 0 whole frames .* at least 1244 samples .*\[VALIDATION\]/)
  })

  it('explains a bad SNR, output name or a silent noise', async () => {
    const short = join(home, 'short.wav')
    const noise = join(home, 'noise.wav')
    const out = join(home, 'x.npy')
    const badSnr = await enhance('ibm', '--clean', short, '--noise', noise, '--snr', 'loud', '--out', out)
    expect(badSnr.code).toBe(1)
    expect(badSnr.stderr).toMatch(/expected a number of dB/)
    const notNpy = await enhance('ibm', '--clean', short, '--noise', noise, '--snr', '0', '--out', join(home, 'x.txt'))
    expect(notNpy.stderr).toMatch(/--out must be an .npy file, got x.txt/)
    const silent = await enhance('ibm', '--clean', join(home, 'tone.wav'), '--noise', wav('silence.wav', 16_000, new Float32Array(4000)), '--snr', '0', '--out', out)
    expect(silent.stderr).toMatch(/noise is silent/)
  })
})

describe('percept enhance burst-step', () => {
  const kase = {
    weights: [[[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]], [[0.7, -0.4, 0.3], [-0.2, 0.5, 0.9]]],
    feedback: [[[0.6, -0.1], [-0.3, 0.4], [0.2, 0.7]]],
    input: [1, 0.5],
    target: [1, 0],
    pbar: 0.2,
    loss: 'mse',
  }

  it('prints e and G = -(b - bbar) e_below^T of the hand-worked 2-3-2 network', async () => {
    const path = join(home, 'case.json')
    writeFileSync(path, JSON.stringify(kase))
    const { code, stdout } = await enhance('burst-step', '--case', path, '--json')
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(Object.keys(result)).toEqual(['e', 'grad'])
    // numbers worked with numpy from eqs. (1)-(8): see test/unit/enhance/burst-dense.test.ts
    expect(result.e[0]).toEqual([0.5866175789173301, 0.6456563062257954, 0.36586440898919936].map((v) => expect.closeTo(v, 14)))
    expect(result.e[1]).toEqual([0.5651596008673506, 0.6305978862841181].map((v) => expect.closeTo(v, 14)))
    expect(result.grad[0]).toEqual([[-0.00095537017467756, -0.00047768508733878], [0.00103886998752439, 0.0005194349937622], [0.0009438830160669, 0.00047194150803345]].map((r) => r.map((v) => expect.closeTo(v, 15))))
    expect(result.grad[1]).toEqual([[-0.01253764445792354, -0.01379946578555571, -0.00781953702816217], [0.01723413403838295, 0.01896862236000384, 0.01074866572534509]].map((r) => r.map((v) => expect.closeTo(v, 15))))
  })

  it('names the matrix whose shape is wrong', async () => {
    const path = join(home, 'bad-case.json')
    writeFileSync(path, JSON.stringify({ ...kase, feedback: [[[0.6, -0.1, 0], [-0.3, 0.4, 0], [0.2, 0.7, 0]]] }))
    const bad = await enhance('burst-step', '--case', path, '--json')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('Y_1 (feedback[0]) is 3 x 3 but must be 3 x 2 (n_1 x n_2, the shape of W_2 transposed). [VALIDATION]')
  })

  it('explains a case file that is not JSON or not there', async () => {
    const path = join(home, 'broken-case.json')
    writeFileSync(path, '{"weights": [')
    expect((await enhance('burst-step', '--case', path)).stderr).toMatch(/broken-case.json is not valid JSON/)
    expect((await enhance('burst-step', '--case', join(home, 'missing.json'))).stderr).toMatch(/missing.json does not exist.*\[NOT_FOUND\]/)
  })
})
