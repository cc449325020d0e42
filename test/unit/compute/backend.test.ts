import * as tf from '@tensorflow/tfjs-core'
import { availableParallelism } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { backendPreference, initBackend, probeBackends, wasmThreading } from '../../../main/compute/backend'
import { PerceptError } from '../../../main/core/errors'

const saved = process.env.PERCEPT_BACKEND

afterEach(() => {
  if (saved === undefined) delete process.env.PERCEPT_BACKEND
  else process.env.PERCEPT_BACKEND = saved
})

describe('backend selection', () => {
  it('picks the fastest backend that loads, and probeBackends agrees', async () => {
    delete process.env.PERCEPT_BACKEND
    const probe = await probeBackends()
    expect(probe.available).toContain('cpu')
    expect(probe.available).toContain('wasm') // a direct dependency: it must load wherever we run
    expect(probe.available).toEqual(backendPreference.filter((b) => probe.available.includes(b)))
    for (const name of backendPreference) expect(probe.available.includes(name) !== name in probe.missing).toBe(true)
    const chosen = await initBackend()
    expect(chosen).toBe(probe.available[0])
    expect(tf.getBackend()).toBe(chosen)
  })

  it('PERCEPT_BACKEND forces a backend', async () => {
    process.env.PERCEPT_BACKEND = 'cpu'
    expect(await initBackend()).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    process.env.PERCEPT_BACKEND = 'wasm'
    expect(await initBackend()).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
  })

  it('a forced backend that cannot load is an UNAVAILABLE error saying why', async () => {
    const probe = await probeBackends()
    if (probe.available.includes('tensorflow')) return // tfjs-node installed here: nothing to refuse
    process.env.PERCEPT_BACKEND = 'tensorflow'
    const error = await initBackend().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).code).toBe('UNAVAILABLE')
    expect((error as PerceptError).message).toMatch(/PERCEPT_BACKEND=tensorflow.*cannot load here.*tfjs-node/)
  })

  it('an unknown PERCEPT_BACKEND is refused with the valid names', async () => {
    process.env.PERCEPT_BACKEND = 'webgpu'
    const error = await initBackend().catch((e: unknown) => e)
    expect((error as PerceptError).code).toBe('UNAVAILABLE')
    expect((error as PerceptError).message).toContain('tensorflow, wasm, cpu')
  })

  it('wasm runs XNNPACK on as many threads as were asked for', async () => {
    process.env.PERCEPT_BACKEND = 'wasm'
    await initBackend()
    const threading = wasmThreading()
    const requested = process.env.PERCEPT_WASM_THREADS ? Number(process.env.PERCEPT_WASM_THREADS) : Math.min(availableParallelism(), 8)
    expect(threading.requested).toBe(requested)
    if (requested > 1) {
      expect(threading.binary, threading.note ?? '').toBe('threaded-simd')
      expect(threading.threads).toBe(requested)
    } else {
      expect(threading.threads).toBe(1)
    }
    // and it computes: a matmul large enough to be split across the threads
    const a = tf.ones([256, 256])
    const product = tf.matMul(a, a)
    expect((await product.data())[0]).toBe(256)
    tf.dispose([a, product])
  })
})
