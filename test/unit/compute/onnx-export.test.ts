import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { GroupNormalization } from '../../../main/compute/layers'
import {
  decodeModel,
  exportToOnnx,
  exportToOnnxWithSignature,
  registerOnnxConverter,
  samePadding,
  supportedLayerClasses,
} from '../../../main/compute/onnx'
import { PerceptError } from '../../../main/core/errors'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    name: 'small',
    layers: [
      tfl.layers.conv2d({ inputShape: [9, 7, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }),
      new GroupNormalization({ groups: 2, name: 'gn' }),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }),
    ],
  })
}

describe('samePadding (TensorFlow SAME)', () => {
  it.each([
    // in, kernel, stride, dilation -> [before, after]
    [7, 3, 2, 1, [1, 1]],
    [8, 3, 2, 1, [0, 1]],
    [10, 4, 2, 1, [1, 1]],
    [9, 4, 2, 1, [1, 2]],
    [9, 3, 1, 2, [2, 2]],
    [5, 1, 2, 1, [0, 0]],
    [6, 3, 3, 1, [0, 0]],
    [11, 4, 2, 1, [1, 2]],
  ])('in %i, k %i, s %i, d %i -> %j', (size, k, s, d, expected) => {
    expect(samePadding(size, k, s, d)).toEqual(expected)
  })
})

describe('exportToOnnx', () => {
  it('writes opset 17, IR 8, channels-last input with a symbolic batch, and named outputs', () => {
    const { bytes, inputs, outputs } = exportToOnnxWithSignature(smallCnn(), { metadata: { task: 'generic' } })
    const model = decodeModel(bytes)
    expect(model.irVersion).toBe(8)
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }])
    expect(model.producerName).toBe('Percept Workbench')
    expect(model.metadataProps).toEqual([{ key: 'task', value: 'generic' }])
    const graph = model.graph!
    expect(graph.input!.map((i) => i.name)).toEqual(['conv_input'])
    const dims = graph.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam ?? d.dimValue)
    expect(dims).toEqual(['N', 9, 7, 2])
    expect(graph.output!.map((o) => o.name)).toEqual(['probs'])
    expect(inputs).toEqual([{ name: 'conv_input', dtype: 'float32', shape: ['N', 9, 7, 2] }])
    expect(outputs).toEqual([{ name: 'probs', dtype: 'float32', shape: ['N', 3] }])
    const ops = graph.node!.map((n) => n.opType)
    expect(ops).toContain('Conv')
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(2) // in and out of the conv block
    expect(ops).toContain('Softmax')
    // Explicit asymmetric TF SAME pads: H 9 -> [1, 1]; W 7 -> [1, 1]; written, not auto_pad.
    const conv = graph.node!.find((n) => n.opType === 'Conv')!
    const pads = conv.attribute!.find((a) => a.name === 'pads')!
    expect(pads.ints).toEqual([1, 1, 1, 1])
    expect(conv.attribute!.some((a) => a.name === 'auto_pad')).toBe(false)
    // Conv weights are [out, in, kh, kw].
    const kernel = graph.initializer!.find((t) => t.name === conv.input![1])!
    expect(kernel.dims).toEqual([4, 2, 3, 3])
  })

  it('writes reduce axes as attributes before opset 18 and as inputs from 18', () => {
    const reduceNodes = (opset: number) =>
      decodeModel(exportToOnnx(smallCnn(), { opset })).graph!.node!.filter((n) => n.opType === 'ReduceMean')
    const v17 = reduceNodes(17)
    expect(v17.length).toBeGreaterThan(0)
    expect(v17.every((n) => n.input!.length === 1 && n.attribute!.some((a) => a.name === 'axes'))).toBe(true)
    const v18 = reduceNodes(18)
    expect(v18.every((n) => n.input!.length === 2 && !n.attribute!.some((a) => a.name === 'axes'))).toBe(true)
  })

  it('names the layer and its class when a layer cannot be exported', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.embedding({ inputShape: [5], inputDim: 10, outputDim: 2, name: 'memory' })],
    })
    let error: unknown
    try {
      exportToOnnx(model)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).code).toBe('VALIDATION')
    expect((error as PerceptError).message).toMatch(/Layer 'memory' \(Embedding\) cannot be exported to ONNX/)
    expect((error as PerceptError).message).toMatch(/Supported: .*Conv2D/)
  })

  it('exports a dense kernel of 2^24 weights or more (the paper-size enhancement embedding holds 32.8 M) with its values', () => {
    const inputs = 4097
    const units = 4097 // 16,785,409 weights: past the 2^24 entries a Set can hold
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [inputs], units, useBias: false, name: 'wide' })] })
    // Distinct values (0, 1, 2, ...: 2^24 of them exact in float32): a random init repeats float32 values often enough to stay under the limit.
    const kernel = Float32Array.from({ length: inputs * units }, (_, i) => i)
    model.getLayer('wide').setWeights([tf.tensor2d(kernel, [inputs, units])])
    const graph = decodeModel(exportToOnnx(model)).graph!
    const written = graph.initializer!.find((t) => t.dims!.map(Number).join('x') === `${inputs}x${units}`)
    expect(written, 'the kernel as an initializer').toBeDefined()
    const values = new Float32Array(written!.rawData!.buffer.slice(written!.rawData!.byteOffset, written!.rawData!.byteOffset + written!.rawData!.byteLength))
    expect(values.length).toBe(inputs * units)
    for (const at of [0, 1, inputs * units - 1, 2 ** 24 + 5]) expect(values[at]).toBe(kernel[at])
    model.dispose()
  }, 120_000)

  it('refuses opsets outside 13..18', () => {
    expect(() => exportToOnnx(smallCnn(), { opset: 11 })).toThrow(/opset 11 is not supported/)
    expect(() => exportToOnnx(smallCnn(), { opset: 19 })).toThrow(PerceptError)
  })

  it('lets a converter be registered for a class it does not know', () => {
    const model = tfl.sequential({ layers: [tfl.layers.masking({ inputShape: [4, 2], maskValue: 0 })] })
    expect(() => exportToOnnx(model)).toThrow(/Masking/)
    registerOnnxConverter('Masking', (_layer, ctx, [x]) => [ctx.op('Identity', [x!])])
    expect(supportedLayerClasses()).toContain('Masking')
    const graph = decodeModel(exportToOnnx(model)).graph!
    expect(graph.node!.map((n) => n.opType)).toEqual(['Identity', 'Identity'])
  })

  it('keeps input and output names unique in functional models', () => {
    const a = tfl.input({ shape: [3], name: 'x' })
    const b = tfl.input({ shape: [3], name: 'y' })
    const sum = tfl.layers.add({ name: 'x_1' }).apply([a, b]) as tfl.SymbolicTensor
    const out2 = tfl.layers.dense({ units: 2, name: 'head' }).apply(sum) as tfl.SymbolicTensor
    const model = tfl.model({ inputs: [a, b], outputs: [sum, out2, a] })
    const { inputs, outputs } = exportToOnnxWithSignature(model)
    expect(inputs.map((i) => i.name)).toEqual(['x', 'y'])
    const names = outputs.map((o) => o.name)
    expect(new Set([...names, 'x', 'y']).size).toBe(names.length + 2)
    expect(names[1]).toBe('head')
  })
})

describe('decodeModel on damaged bytes (found by fuzzing model.onnx)', () => {
  const message = 'This is not a readable ONNX model: its protobuf encoding is damaged or cut short. Export or copy the model again.'

  it.each([
    // protobufjs threw "index out of range" (a RangeError) for a cut model...
    ['a model cut in half', () => exportToOnnx(smallCnn()).subarray(0, 700)],
    // ...and a plain Error for wire type 7, which protobuf does not have (on field 15, one it skips).
    ['an invalid wire type', () => new Uint8Array([0x08, 0x08, 0x7f])],
  ])('refuses %s with INVALID_FILE', (_what, bytes) => {
    let caught: unknown
    try {
      decodeModel(bytes())
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(PerceptError)
    expect((caught as PerceptError).code).toBe('INVALID_FILE')
    expect((caught as PerceptError).message).toBe(message)
  })
})
