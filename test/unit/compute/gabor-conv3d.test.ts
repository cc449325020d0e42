/**
 * The Gabor-based kernel of equation (2) (Wong & Moradi 2022): values at grid points worked by hand and by a
 * float64 evaluation of the formula written out here, gradients against central finite differences of that
 * float64 formula, the layer's convolution against a direct float64 sum, and ONNX export parity (1e-4).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { GABOR_PARAMETER_NAMES, GaborConv3D, gaborKernel, type GaborParameters } from '../../../main/compute/layers'
import { decodeModel, exportToOnnx } from '../../../main/compute/onnx'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

type Params = [sigma: number, thetaY: number, thetaZ: number, aRe: number, aIm: number, fRe: number, fIm: number, psi: number]

/** Equation (2) in float64 at one grid point (z, y, x). */
function gabor64([sigma, ty, tz, aRe, aIm, fRe, fIm, psi]: Params, z: number, y: number, x: number): number {
  const xr = Math.cos(ty) * (Math.cos(tz) * x - Math.sin(tz) * y) + Math.sin(ty) * z
  const g = Math.exp(-(x * x + y * y + z * z) / (2 * sigma * sigma))
  return g * (aRe * Math.cos(2 * Math.PI * fRe * xr + psi) + aIm * Math.sin(2 * Math.PI * fIm * xr + psi))
}

/** The kernel of one channel pair from TF.js, as an array [k][k][k] indexed (z, y, x). */
function kernelOf(p: Params, size: number): { at: (z: number, y: number, x: number) => number; shape: number[] } {
  const t = tf.tidy(() => gaborKernel(Object.fromEntries(GABOR_PARAMETER_NAMES.map((n, i) => [n, tf.tensor2d([[p[i]!]])])) as GaborParameters, size))
  const shape = t.shape
  const data = t.dataSync()
  t.dispose()
  const h = (size - 1) / 2
  return { shape, at: (z, y, x) => data[((z + h) * size + (y + h)) * size + (x + h)]! }
}

describe('gaborKernel (equation 2)', () => {
  it('is [k, k, k, c_in, c_out] and worked by hand: sigma 1, f_re 1/4, no rotation: exp(-r^2/2) cos(pi x / 2)', () => {
    const k = kernelOf([1, 0, 0, 1, 0, 0.25, 0, 0], 5)
    expect(k.shape).toEqual([5, 5, 5, 1, 1])
    expect(k.at(0, 0, 0)).toBeCloseTo(1, 6)
    expect(k.at(1, 0, 0)).toBeCloseTo(Math.exp(-0.5), 6) // 0.6065306597: x = 0, cos 0 = 1
    expect(k.at(0, 0, 1)).toBeCloseTo(0, 6) // cos(pi / 2)
    expect(k.at(0, 0, 2)).toBeCloseTo(-Math.exp(-2), 6) // -0.1353352832: cos(pi) = -1
    expect(k.at(0, 2, 0)).toBeCloseTo(Math.exp(-2), 6) // y does not enter x' without rotation
  })

  it('rotates x\' onto -y with theta_z = pi/2 and onto z with theta_y = pi/2 (axis order z, y, x)', () => {
    // theta_z = pi/2: x' = -y. Imaginary part only, f_im 1/4: K = exp(-r^2/2) sin(-pi y / 2).
    const kz = kernelOf([1, 0, Math.PI / 2, 0, 1, 0, 0.25, 0], 3)
    expect(kz.at(0, 1, 0)).toBeCloseTo(-Math.exp(-0.5), 6)
    expect(kz.at(0, -1, 0)).toBeCloseTo(Math.exp(-0.5), 6)
    expect(kz.at(1, 0, 0)).toBeCloseTo(0, 6)
    expect(kz.at(0, 0, 1)).toBeCloseTo(0, 6)
    // theta_y = pi/2: x' = z. K = exp(-r^2/2) sin(pi z / 2).
    const ky = kernelOf([1, Math.PI / 2, 0, 0, 1, 0, 0.25, 0], 3)
    expect(ky.at(1, 0, 0)).toBeCloseTo(Math.exp(-0.5), 6)
    expect(ky.at(-1, 0, 0)).toBeCloseTo(-Math.exp(-0.5), 6)
    expect(ky.at(0, 1, 0)).toBeCloseTo(0, 6)
    expect(ky.at(0, 0, 1)).toBeCloseTo(0, 6)
  })

  it('matches the float64 formula everywhere for asymmetric parameters', () => {
    const p: Params = [1.7, 0.4, -0.9, 0.8, -0.6, 0.21, 0.13, 0.35]
    const k = kernelOf(p, 7)
    for (let z = -3; z <= 3; z++) for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) expect(Math.abs(k.at(z, y, x) - gabor64(p, z, y, x))).toBeLessThan(2e-6)
  })

  it('rejects even or non-positive sizes', () => {
    const params = Object.fromEntries(GABOR_PARAMETER_NAMES.map((n) => [n, tf.ones([1, 1])])) as GaborParameters
    expect(() => gaborKernel(params, 4)).toThrow(/odd/)
    expect(() => gaborKernel(params, 0)).toThrow(/odd/)
  })

  it('has the gradients of central finite differences (float64) for all 8 parameters', () => {
    const p: Params = [1.4, 0.7, -0.4, 0.9, 0.5, 0.17, 0.29, -0.6]
    const size = 5
    const h = (size - 1) / 2
    // A weighted sum, so that every kernel entry's gradient counts (weights fixed, seeded).
    const weights = Array.from(tf.randomUniform([size ** 3], -1, 1, 'float32', 11).dataSync())
    const objective64 = (q: Params): number => {
      let s = 0
      let i = 0
      for (let z = -h; z <= h; z++) for (let y = -h; y <= h; y++) for (let x = -h; x <= h; x++) s += weights[i++]! * gabor64(q, z, y, x)
      return s
    }
    const w = tf.tensor5d(weights, [size, size, size, 1, 1])
    const vars = p.map((v) => tf.tensor2d([[v]]))
    const grads = tf.grads((...t: tf.Tensor[]) =>
      tf.sum(tf.mul(w, gaborKernel(Object.fromEntries(GABOR_PARAMETER_NAMES.map((n, i) => [n, t[i]!])) as GaborParameters, size))),
    )(vars).map((g) => g.dataSync()[0]!)
    const step = 1e-5
    p.forEach((_, i) => {
      const up = [...p] as Params
      const down = [...p] as Params
      up[i] = up[i]! + step
      down[i] = down[i]! - step
      const numeric = (objective64(up) - objective64(down)) / (2 * step)
      expect(Math.abs(grads[i]! - numeric)).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)))
    })
  })
})

describe('GaborConv3D', () => {
  function model(inputShape: number[], layers: GaborConv3D[]): tfl.LayersModel {
    const m = tfl.sequential()
    m.add(tfl.layers.inputLayer({ inputShape }))
    layers.forEach((l) => m.add(l))
    return m
  }

  it('has 8 c_in c_out parameters plus the bias, and its output is the cross-correlation with the (z, y, x) kernel', () => {
    const layer = new GaborConv3D({ filters: 2, kernelSize: 3, seed: 5 })
    const m = model([4, 5, 6, 3], [layer])
    expect(m.countParams()).toBe(8 * 3 * 2 + 2)
    layer.setWeights([...layer.getWeights().slice(0, 8), tf.tensor1d([0.25, -0.5])])
    const weights = layer.getWeights().map((w) => Array.from(w.dataSync()))
    const input = tf.randomNormal([1, 4, 5, 6, 3], 0, 1, 'float32', 3)
    const x = input.dataSync()
    const out = (m.predict(input) as tf.Tensor).dataSync()
    const [D, H, W, C, O] = [4, 5, 6, 3, 2]
    const valueAt = (d: number, h: number, w: number, c: number): number =>
      d < 0 || h < 0 || w < 0 || d >= D || h >= H || w >= W ? 0 : x[((d * H + h) * W + w) * C + c]!
    for (const [d, h, w, o] of [[0, 0, 0, 0], [2, 3, 1, 1], [3, 4, 5, 0], [1, 2, 4, 1]] as const) {
      let sum = [0.25, -0.5][o]!
      for (let c = 0; c < C; c++) {
        const p = weights.slice(0, 8).map((v) => v[c * O + o]!) as Params
        for (let dz = -1; dz <= 1; dz++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += valueAt(d + dz, h + dy, w + dx, c) * gabor64(p, dz, dy, dx)
      }
      expect(Math.abs(out[((d * H + h) * W + w) * O + o]! - sum)).toBeLessThan(1e-4)
    }
  })

  it('initialises within the stated ranges (seeded) and serialises its config', () => {
    const layer = new GaborConv3D({ filters: 4, kernelSize: 7, strides: 2, seed: 9 })
    const m = model([8, 8, 8, 2], [layer])
    expect(m.outputs[0]!.shape).toEqual([null, 4, 4, 4, 4])
    const [sigma, ty, , , , fRe, , psi] = layer.getWeights().map((w) => Array.from(w.dataSync()))
    expect(Math.min(...sigma!)).toBeGreaterThanOrEqual(7 / 4)
    expect(Math.max(...sigma!)).toBeLessThanOrEqual(7 / 2)
    for (const v of [...ty!, ...psi!]) expect(Math.abs(v)).toBeLessThanOrEqual(Math.PI)
    for (const v of fRe!) expect(v >= 0 && v <= 0.25).toBe(true)
    const copy = tfl.models.modelFromJSON({ modelTopology: m.toJSON(null, false) } as never)
    return copy.then((c) => expect((c.layers.find((l) => l instanceof GaborConv3D) as GaborConv3D).getConfig()).toMatchObject({ filters: 4, kernelSize: 7, strides: 2, padding: 'same', useBias: true }))
  })

  it('exports to ONNX as a plain Conv with the materialised weights and agrees with TF.js to 1e-4', async () => {
    const m = model([6, 7, 5, 2], [new GaborConv3D({ filters: 3, kernelSize: 5, seed: 1 }), new GaborConv3D({ filters: 2, kernelSize: 3, strides: 2, seed: 2 })])
    const input = tf.randomNormal([2, 6, 7, 5, 2], 0, 1, 'float32', 4)
    const expected = (m.predict(input) as tf.Tensor).dataSync()
    const bytes = exportToOnnx(m)
    const ops = decodeModel(bytes).graph!.node!.map((n) => n.opType)
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(2)
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, logSeverityLevel: 3 })
    try {
      const results = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input.dataSync() as Float32Array, input.shape) })
      const actual = results[session.outputNames[0]!]!
      expect([...actual.dims]).toEqual([2, 3, 4, 3, 2])
      const data = actual.data as Float32Array
      let max = 0
      for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i]! - expected[i]!))
      expect(max).toBeLessThan(1e-4)
    } finally {
      await session.release()
    }
  })
})
