import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  OnnxSessionCache,
  defaultIntraOpThreads,
  exportToOnnx,
  openOnnxSession,
  type OnnxModelSession,
} from '../../../main/compute/onnx'
import { PerceptError } from '../../../main/core/errors'

let dir: string
let modelPath: string
let expected: Float32Array
const input = Float32Array.from({ length: 2 * 5 * 4 * 2 }, (_, i) => Math.sin(i))

function model(units: number): tfl.LayersModel {
  const x = tfl.input({ shape: [5, 4, 2], name: 'image' })
  const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(conv) as tfl.SymbolicTensor
  const out = tfl.layers.dense({ units, activation: 'softmax', name: 'scores' }).apply(pooled) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: out })
}

function writeModel(name: string, units = 4): string {
  const path = join(dir, name)
  writeFileSync(path, exportToOnnx(model(units)))
  return path
}

async function rejection(promise: Promise<unknown>): Promise<PerceptError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PerceptError)
    return error as PerceptError
  }
  throw new Error('expected a rejection')
}

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = mkdtempSync(join(tmpdir(), 'percept-onnx-session-'))
  const m = model(4)
  modelPath = join(dir, 'model.onnx')
  writeFileSync(modelPath, exportToOnnx(m))
  expected = (m.predict(tf.tensor4d(input, [2, 5, 4, 2])) as tf.Tensor).dataSync() as Float32Array
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('OnnxModelSession', () => {
  let session: OnnxModelSession
  beforeAll(async () => {
    session = await openOnnxSession(modelPath, { intraOpThreads: 1 })
  })
  afterAll(async () => {
    await session.release()
  })

  it('describes its inputs and outputs', () => {
    expect(session.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['N', 5, 4, 2] }])
    expect(session.outputs).toEqual([{ name: 'scores', dtype: 'float32', shape: ['N', 4] }])
  })

  it('runs named Float32Array inputs and returns named outputs', async () => {
    const out = await session.run({ image: { data: input, shape: [2, 5, 4, 2] } })
    expect(Object.keys(out)).toEqual(['scores'])
    expect(out.scores!.shape).toEqual([2, 4])
    expect(out.scores!.dtype).toBe('float32')
    const data = out.scores!.data as Float32Array
    data.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5))
  })

  it.each([
    ['a missing input', {}, /Input 'image' is missing; the model takes 'image'/],
    ['an unknown input', { image: { data: input, shape: [2, 5, 4, 2] }, extra: { data: input, shape: [80] } }, /no input 'extra'; its inputs are 'image'/],
    ['a wrong dtype', { image: { data: new Int32Array(80), shape: [2, 5, 4, 2] } }, /expects float32 data \(Float32Array\), got int32/],
    ['a plain array', { image: { data: [1, 2, 3], shape: [3] } }, /must be a typed array/],
    ['too few values', { image: { data: new Float32Array(79), shape: [2, 5, 4, 2] } }, /has 79 values but shape \[2, 5, 4, 2\] needs 80/],
    ['a wrong rank', { image: { data: input, shape: [10, 4, 2] } }, /must have rank 4 \(shape \[N, 5, 4, 2\]\), got shape \[10, 4, 2\]/],
    ['a wrong fixed dimension', { image: { data: input, shape: [2, 4, 5, 2] } }, /dimension 1 must be 5/],
    ['a negative dimension', { image: { data: input, shape: [-2, 5, 4, 2] } }, /shape of non-negative integers/],
  ])('rejects %s with VALIDATION', async (_what, feeds, message) => {
    const error = await rejection(session.run(feeds as never))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(message)
  })

  it('rejects an unknown output name', async () => {
    const error = await rejection(session.run({ image: { data: input, shape: [2, 5, 4, 2] } }, ['logits']))
    expect(error.message).toMatch(/no output 'logits'; its outputs are 'scores'/)
  })

  it('waits for runs in flight before releasing, then refuses new runs', async () => {
    const own = await openOnnxSession(modelPath, { intraOpThreads: 1 })
    const running = own.run({ image: { data: input, shape: [2, 5, 4, 2] } })
    await own.release()
    expect((await running).scores!.shape).toEqual([2, 4])
    const error = await rejection(own.run({ image: { data: input, shape: [2, 5, 4, 2] } }))
    expect(error.code).toBe('UNAVAILABLE')
  })
})

describe('openOnnxSession', () => {
  it('says NOT_FOUND for a missing file and VALIDATION for one that is not ONNX', async () => {
    expect((await rejection(openOnnxSession(join(dir, 'nope.onnx')))).code).toBe('NOT_FOUND')
    const junk = join(dir, 'junk.onnx')
    writeFileSync(junk, 'not a model')
    const error = await rejection(openOnnxSession(junk))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(/onnxruntime cannot load .*junk\.onnx/)
  })

  it('loads from bytes too', async () => {
    const session = await openOnnxSession(exportToOnnx(model(2)))
    expect(session.outputs[0]!.shape).toEqual(['N', 2])
    await session.release()
  })

  it('uses every available core for intra-op threads by default', () => {
    expect(defaultIntraOpThreads()).toBe(availableParallelism())
  })
})

describe('OnnxSessionCache', () => {
  const caches: OnnxSessionCache[] = []
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.releaseAll()))
  })
  function cache(capacity: number): OnnxSessionCache {
    const c = new OnnxSessionCache({ capacity, intraOpThreads: 1 })
    caches.push(c)
    return c
  }

  it('reuses the session of a model path, also for concurrent gets', async () => {
    const c = cache(2)
    const [a, b] = await Promise.all([c.get(modelPath), c.get(modelPath)])
    expect(a).toBe(b)
    expect(await c.get(join(dir, '.', 'model.onnx'))).toBe(a)
    const out = await c.run(modelPath, { image: { data: input, shape: [2, 5, 4, 2] } })
    expect(out.scores!.shape).toEqual([2, 4])
  })

  it('releases the least recently used session beyond its capacity', async () => {
    const c = cache(2)
    const paths = ['a.onnx', 'b.onnx', 'c.onnx'].map((name) => writeModel(name))
    const a = await c.get(paths[0]!)
    const b = await c.get(paths[1]!)
    await c.get(paths[0]!) // a is now the most recent
    await c.get(paths[2]!) // evicts b
    expect(c.paths()).toEqual([paths[0], paths[2]])
    await c.releaseAll()
    expect(b.isReleased).toBe(true)
    expect(a.isReleased).toBe(true)
    expect(c.size).toBe(0)
  })

  it('releases one model explicitly', async () => {
    const c = cache(3)
    const s = await c.get(modelPath)
    expect(await c.release(modelPath)).toBe(true)
    expect(s.isReleased).toBe(true)
    expect(await c.release(modelPath)).toBe(false)
    expect(c.size).toBe(0)
  })

  it('loads a model again when its file changed, and forgets a deleted one', async () => {
    const c = cache(2)
    const path = writeModel('changing.onnx', 4)
    const first = await c.get(path)
    writeFileSync(path, exportToOnnx(model(6)))
    utimesSync(path, new Date(), new Date(Date.now() + 5000))
    const second = await c.get(path)
    expect(second).not.toBe(first)
    expect(first.isReleased).toBe(true)
    expect(second.outputs[0]!.shape).toEqual(['N', 6])
    rmSync(path)
    expect((await rejection(c.get(path))).code).toBe('NOT_FOUND')
    expect(c.size).toBe(0)
  })

  it('does not keep a model that failed to load', async () => {
    const c = cache(2)
    const junk = join(dir, 'junk2.onnx')
    writeFileSync(junk, 'garbage')
    expect((await rejection(c.get(junk))).code).toBe('VALIDATION')
    expect(c.size).toBe(0)
  })
})
