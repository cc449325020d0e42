import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeNpyFloat64, encodeNpy } from '../../main/dsp/features/npy'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept mri gabor-kernel` and `percept mri loss` as a user runs them, on the built app. Expected values come
// from float64 evaluations of equation (2) written out here and from hand-worked losses.
let home: string
let cleanup: () => void

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
})
afterAll(() => cleanup())

const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: home })

type Params = [number, number, number, number, number, number, number, number]
function gabor64([sigma, ty, tz, aRe, aIm, fRe, fIm, psi]: Params, z: number, y: number, x: number): number {
  const xr = Math.cos(ty) * (Math.cos(tz) * x - Math.sin(tz) * y) + Math.sin(ty) * z
  const g = Math.exp(-(x * x + y * y + z * z) / (2 * sigma * sigma))
  return g * (aRe * Math.cos(2 * Math.PI * fRe * xr + psi) + aIm * Math.sin(2 * Math.PI * fIm * xr + psi))
}

describe('percept mri gabor-kernel', () => {
  it('writes a float64 (z, y, x) kernel and the gradient of its sum', async () => {
    // Asymmetric: theta_z = pi/2 puts the wave along -y only (x' = -y), so a y/x or z/x mix-up changes the values.
    const params: Params = [1.3, 0, Math.PI / 2, 0.7, 1.1, 0.2, 0.15, 0.3]
    const out = join(home, 'k.npy')
    const { code, stdout, stderr } = await mri('gabor-kernel', '--params', JSON.stringify(params), '--size', '5', '--out', out, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as { shape: number[]; sumGradient: number[] }
    expect(result.shape).toEqual([5, 5, 5])
    const bytes = readFileSync(out)
    expect(new TextDecoder('latin1').decode(bytes.subarray(10, 60))).toContain("'descr': '<f8'")
    const { data, shape } = decodeNpyFloat64(bytes)
    expect(shape).toEqual([5, 5, 5])
    for (let z = -2; z <= 2; z++) for (let y = -2; y <= 2; y++) for (let x = -2; x <= 2; x++) {
      expect(Math.abs(data[((z + 2) * 5 + (y + 2)) * 5 + (x + 2)]! - gabor64(params, z, y, x))).toBeLessThan(2e-6)
    }
    // Entries along y differ, along x not (x' does not depend on x; only the envelope does, symmetrically).
    expect(data[(2 * 5 + 3) * 5 + 2]).not.toBeCloseTo(data[(2 * 5 + 1) * 5 + 2]!, 3)
    expect(data[(2 * 5 + 2) * 5 + 3]).toBeCloseTo(data[(2 * 5 + 2) * 5 + 1]!, 6)
    // d(sum)/d(param) by central differences of the float64 sum.
    const sum = (p: Params) => {
      let s = 0
      for (let z = -2; z <= 2; z++) for (let y = -2; y <= 2; y++) for (let x = -2; x <= 2; x++) s += gabor64(p, z, y, x)
      return s
    }
    expect(result.sumGradient).toHaveLength(8)
    params.forEach((_, i) => {
      const up = [...params] as Params
      const down = [...params] as Params
      up[i] = up[i]! + 1e-5
      down[i] = down[i]! - 1e-5
      const numeric = (sum(up) - sum(down)) / 2e-5
      expect(Math.abs(result.sumGradient[i]! - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)))
    })
  })

  it('refuses bad parameters and sizes with a message', async () => {
    const cases: [string[], RegExp][] = [
      [['--params', '[1,2,3'], /not JSON/],
      [['--params', '[1,2,3]'], /8 numbers/],
      [['--params', '[0,0,0,1,0,0.1,0,0]'], /sigma/],
      [['--params', '[1,0,0,1,0,0.1,0,0]', '--size', '4'], /odd whole number/],
    ]
    for (const [args, message] of cases) {
      const { code, stderr } = await mri('gabor-kernel', ...args, '--json')
      expect(code).not.toBe(0)
      expect(stderr).toMatch(message)
    }
  })
})

describe('percept mri loss', () => {
  // Two labels over a 2x2 image (axis 0 the labels): worked by hand in test/unit/mri/segmentation/losses.test.ts.
  const pred = [0.9, 0.6, 0.3, 0.2, 0.1, 0.4, 0.7, 0.8]
  const target = [1, 1, 0, 0, 0, 0, 1, 1]
  let predFile: string
  let targetFile: string

  beforeAll(() => {
    predFile = join(home, 'p.npy')
    targetFile = join(home, 'y.npy')
    writeFileSync(predFile, encodeNpy(Float64Array.from(pred), [2, 2, 2]))
    writeFileSync(targetFile, encodeNpy(Float32Array.from(target), [2, 2, 2])) // float32 is read too
  })

  it.each([
    ['pcc', 0.04356461148492008], // r = 0.5 / sqrt(0.3) per label, (1 - r) / 2
    ['dice', 0.24999999375000026], // 1 - (2 * 1.5 + eps) / (4 + eps)
    ['ce', 0.2990011586691898], // mean of -ln 0.9, -ln 0.6, -ln 0.7, -ln 0.8
  ])('--kind %s gives the hand-worked value and dLoss/dpred with the shape of pred', async (kind, expected) => {
    const gradOut = join(home, `g-${kind}.npy`)
    const { code, stdout, stderr } = await mri('loss', '--kind', kind, '--pred', predFile, '--target', targetFile, '--grad-out', gradOut, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout).value).toBeCloseTo(expected, 6)
    const grad = decodeNpyFloat64(readFileSync(gradOut))
    expect(grad.shape).toEqual([2, 2, 2])
    if (kind === 'dice') {
      // dL/dp_li = -(1/L) (2 y S - (2 I + eps)) / S^2 with I = 1.5 and S = 4 per label: (2 I - 2 y S) / (2 S^2)
      target.forEach((y, i) => expect(grad.data[i]).toBeCloseTo((3 - 8 * y) / 32, 5))
    }
    if (kind === 'ce') {
      // Columns sum to 1, so dL/dp_l = (1/V) (1 - y_l / p_l) with V = 4 voxels.
      target.forEach((y, i) => expect(grad.data[i]).toBeCloseTo((1 - y / pred[i]!) / 4, 5))
    }
  })

  it('refuses differing shapes, non-finite values, missing files and unknown kinds', async () => {
    const other = join(home, 'other.npy')
    writeFileSync(other, encodeNpy(Float64Array.from([1, 0, 0, 1]), [2, 2]))
    const nan = join(home, 'nan.npy')
    writeFileSync(nan, encodeNpy(Float64Array.from([0.5, Number.NaN, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), [2, 2, 2]))
    const cases: [string[], RegExp][] = [
      [['--kind', 'pcc', '--pred', predFile, '--target', other], /same shape/],
      [['--kind', 'pcc', '--pred', nan, '--target', targetFile], /non-finite/],
      [['--kind', 'pcc', '--pred', join(home, 'missing.npy'), '--target', targetFile], /No prediction file/],
      [['--kind', 'iou', '--pred', predFile, '--target', targetFile], /pcc, dice, ce/],
    ]
    for (const [args, message] of cases) {
      const { code, stderr } = await mri('loss', ...args, '--json')
      expect(code).not.toBe(0)
      expect(stderr).toMatch(message)
    }
  })
})
