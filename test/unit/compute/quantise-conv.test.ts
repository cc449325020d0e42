import { existsSync, readFileSync } from 'node:fs'
import { arch } from 'node:os'
import { describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { decodeModel, encodeModel, exportToOnnx, quantiseConvsCalibrated } from '../../../main/compute/onnx'
import { openOnnxSession } from '../../../main/compute/onnx/onnx-session'
import { int8WeightSteps } from '../../../main/compute/onnx/int8-weight-steps'
import { activationQuantisation, calibrationGraph, calibrationNames, quantiseConvs, quantiseKernel } from '../../../main/compute/onnx/quantise-conv'
import { buildReferenceCnn, referenceCnnBatch, referenceCnnInputShape } from '../../../main/compute/reference-cnn'
import { relativeError } from './compare'

/*
 * Static int8 quantisation of exported convolutions (main/compute/onnx/quantise-conv.ts, calibrate.ts):
 * the scales, the rewritten graph, and onnxruntime's results against the float32 graph's, layer by layer.
 */

describe('scales', () => {
  it('an activation range maps onto 0..255 with 0 exact', () => {
    const relu = activationQuantisation({ min: 0, max: 2.55 })
    expect(relu.scale).toBeCloseTo(0.01, 12)
    expect(relu.zero).toBe(0)
    const q = activationQuantisation({ min: -1, max: 3 })
    expect(q.scale).toBeCloseTo(4 / 255, 9)
    expect(q.zero).toBe(64) // round(1 / (4 / 255)) = 63.75
    // A range that misses 0 is widened to include it (padding and ReLU need an exact 0).
    expect(activationQuantisation({ min: 0.5, max: 1 })).toEqual({ scale: 1 / 255, zero: 0 })
    expect(activationQuantisation({ min: 0, max: 0 })).toEqual({ scale: 1, zero: 0 })
    expect(() => activationQuantisation({ min: Infinity, max: -Infinity })).toThrow(/not finite/)
  })

  it('a kernel gets one symmetric scale per output channel, each weight within half a step', () => {
    const weights = Float32Array.from([0.5, -1, 0.25, 0.127, 0, 0, 0, 0, -0.3, 0.3, 0.1, 0.2])
    const { codes, scales } = quantiseKernel(weights, 3, 127)
    expect(Array.from(scales)).toEqual([Math.fround(1 / 127), 1, Math.fround(0.3 / 127)]) // an all-zero channel gets scale 1
    expect(Array.from(codes.slice(0, 4))).toEqual([64, -127, 32, 16])
    for (let i = 0; i < weights.length; i++) expect(Math.abs(codes[i]! * scales[Math.floor(i / 4)]! - weights[i]!)).toBeLessThanOrEqual(scales[Math.floor(i / 4)]! / 2 + 1e-9)
    // 7 bits (x86 without VNNI, where onnxruntime's 16-bit pair sums would saturate): codes within +-63.
    const seven = quantiseKernel(weights, 3, 63)
    expect(Array.from(seven.scales)).toEqual([Math.fround(1 / 63), 1, Math.fround(0.3 / 63)])
    expect(Math.max(...Array.from(seven.codes, Math.abs))).toBe(63)
  })

  it('uses 7 bits on x86 without VNNI and all 8 elsewhere', () => {
    const vnni = /\b(avx512_vnni|avx_vnni)\b/.test(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')
    expect(int8WeightSteps()).toBe(['x64', 'ia32'].includes(arch()) && !vnni ? 63 : 127)
  })
})

/** The reference CNN's exported graph (seed 1). */
async function referenceCnnOnnx(): Promise<Uint8Array> {
  await useBackend('cpu')
  const model = buildReferenceCnn({ seed: 1, compile: false })
  try {
    return exportToOnnx(model)
  } finally {
    model.dispose()
  }
}

describe('the reference CNN with int8 convolutions', () => {
  const feeds = (input: string, wave: (x: number) => number) => ({
    [input]: { data: new Float32Array(referenceCnnBatch * 64 * 41 * 2).map((_, i) => wave(i * 0.37)), shape: [referenceCnnBatch, ...referenceCnnInputShape] },
  })

  it('stays within a few percent of float32 at every layer, in QDQ form', async () => {
    const bytes = await referenceCnnOnnx()
    const input = decodeModel(bytes).graph!.input![0]!.name!
    const names = calibrationNames(bytes)
    // The input, then each convolution's output after its ReLU, then the global pooling's.
    expect(names).toHaveLength(6)
    expect(names[5]).toBe(decodeModel(bytes).graph!.node!.find((n) => n.opType === 'GlobalAveragePool')!.output![0])
    expect(names[0]).toBe(decodeModel(bytes).graph!.node!.find((n) => n.opType === 'Conv')!.input![0])

    const quantised = await quantiseConvsCalibrated(bytes, [feeds(input, Math.cos)])
    expect(quantised.convs).toBe(4)
    const graph = decodeModel(quantised.bytes).graph!
    const count = (op: string) => graph.node!.filter((n) => n.opType === op).length
    expect(count('Conv')).toBe(4)
    expect(count('QuantizeLinear')).toBe(6) // one per quantised tensor: the shared ones are not quantised twice
    expect(count('DequantizeLinear')).toBe(6 + 4 + 4) // activations, kernels, biases
    expect(graph.initializer!.filter((t) => t.dataType === 3 && t.name!.endsWith('/int8')).map((t) => t.name)).toEqual(['conv0/kernel/int8', 'conv1/kernel/int8', 'conv2/kernel/int8', 'conv3/kernel/int8'])
    expect(graph.initializer!.some((t) => t.name === 'conv1/kernel')).toBe(false)

    // Every layer's output, on a batch other than the calibration one.
    const test = feeds(input, Math.sin)
    const floatSession = await openOnnxSession(calibrationGraph(bytes, names))
    const intSession = await openOnnxSession(calibrationGraph(quantised.bytes, names))
    try {
      const a = await floatSession.run(test)
      const b = await intSession.run(test)
      const errors = names.slice(1).map((n) => relativeError(a[n]!.data as Float32Array, b[n]!.data as Float32Array))
      for (const e of errors) expect(e).toBeLessThan(0.05)
      expect(errors[0]).toBeGreaterThan(0) // it is int8 arithmetic, not the float graph again
      const output = floatSession.outputNames[0]!
      expect(relativeError(a[output]!.data as Float32Array, b[output]!.data as Float32Array)).toBeLessThan(0.01)
    } finally {
      await floatSession.release()
      await intSession.release()
    }
  })

  it('leaves float a convolution whose kernel another node reads too', async () => {
    const bytes = await referenceCnnOnnx()
    const onnxModel = decodeModel(bytes)
    const graph = onnxModel.graph!
    const convs = graph.node!.filter((n) => n.opType === 'Conv')
    // conv3 reads conv2's kernel (both 32 -> 32): neither may be replaced.
    convs[3]!.input![1] = convs[2]!.input![1]!
    const shared = encodeModel(onnxModel)
    expect(calibrationNames(shared)).toHaveLength(3) // conv0's input, its output (conv1's input), conv1's output; nothing pooled
    const input = graph.input![0]!.name!
    const quantised = await quantiseConvsCalibrated(shared, [feeds(input, Math.cos)])
    expect(quantised.convs).toBe(2)
    const out = decodeModel(quantised.bytes).graph!
    expect(out.initializer!.some((t) => t.name === 'conv2/kernel')).toBe(true)
    const session = await openOnnxSession(quantised.bytes)
    await session.release()
  })

  it('refuses a range it was not given, and calibration without inputs', async () => {
    const bytes = await referenceCnnOnnx()
    expect(() => quantiseConvs(bytes, new Map())).toThrow(/No calibrated range/)
    await expect(quantiseConvsCalibrated(bytes, [])).rejects.toThrow(/at least one batch/)
  })
})
