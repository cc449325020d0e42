/**
 * The exporter's layout-transpose folding: which nodes remain, and that onnxruntime computes the same
 * numbers from the folded graph as from the per-layer one (and as TF.js) for stacks, pooling, branches and
 * channels-last outputs.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeModel, exportToOnnx, makeAttribute, type OnnxTypes } from '../../../main/compute/onnx'
import { foldLayoutTransposes } from '../../../main/compute/onnx/transpose-folding'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'
import { buildEscModel, presetConfig } from '../../../main/sound/model'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function opTypes(bytes: Uint8Array): string[] {
  return decodeModel(bytes).graph!.node!.map((n) => n.opType!)
}

/** Runs folded and unfolded exports in onnxruntime and TF.js on the same seeded input; returns the largest differences. */
async function compare(model: tfl.LayersModel, batch = 2): Promise<{ foldedVsUnfolded: number; foldedVsTf: number }> {
  const shape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])]
  const x = tf.randomNormal(shape, 0, 1, 'float32', 5)
  const expected = (model.predict(x) as tf.Tensor).dataSync()
  const outputs: Float32Array[] = []
  for (const foldTransposes of [true, false]) {
    const session = await ort.InferenceSession.create(exportToOnnx(model, { foldTransposes }))
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.dataSync() as Float32Array, shape) })
    outputs.push(result[session.outputNames[0]!]!.data as Float32Array)
    await session.release()
  }
  x.dispose()
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length)
    let worst = 0
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
    return worst
  }
  return { foldedVsUnfolded: maxDiff(outputs[0]!, outputs[1]!), foldedVsTf: maxDiff(outputs[0]!, expected) }
}

describe('foldLayoutTransposes in the export', () => {
  it('leaves the reference CNN one Transpose, at its input, and pools channels-first', async () => {
    const model = buildReferenceCnn({ seed: 1, compile: false })
    expect(opTypes(exportToOnnx(model, { foldTransposes: false })).filter((op) => op === 'Transpose')).toHaveLength(8)
    expect(opTypes(exportToOnnx(model))).toEqual([
      'Transpose', 'Conv', 'Relu', 'Conv', 'Relu', 'Conv', 'Relu', 'Conv', 'Relu',
      'GlobalAveragePool', 'Flatten', 'MatMul', 'Add', 'Softmax', 'Identity',
    ])
    const diff = await compare(model, 3)
    expect(diff.foldedVsUnfolded).toBeLessThan(1e-6)
    expect(diff.foldedVsTf).toBeLessThan(1e-4)
    model.dispose()
  })

  it("folds the transposes around the 'pooling' preset's max-pooling too", async () => {
    const model = buildEscModel(presetConfig('pooling', 10), { compile: false })
    const ops = opTypes(exportToOnnx(model))
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(1)
    expect(ops.slice(0, 6)).toEqual(['Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu'])
    const diff = await compare(model)
    expect(diff.foldedVsUnfolded).toBeLessThan(1e-6)
    expect(diff.foldedVsTf).toBeLessThan(1e-4)
    model.dispose()
  })

  it('keeps a channels-last output: one Transpose in, one out', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 6, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'tanh' }),
      ],
    })
    const ops = opTypes(exportToOnnx(model))
    expect(ops).toEqual(['Transpose', 'Conv', 'Sigmoid', 'Conv', 'Tanh', 'Transpose', 'Identity'])
    const diff = await compare(model)
    expect(diff.foldedVsUnfolded).toBeLessThan(1e-6)
    expect(diff.foldedVsTf).toBeLessThan(1e-4)
  })

  it('stays correct where a transposed value has two users (a residual branch)', async () => {
    const input = tfl.input({ shape: [6, 6, 4] })
    const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor
    const b = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(a) as tfl.SymbolicTensor
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor
    const model = tfl.model({ inputs: input, outputs: tfl.layers.globalAveragePooling2d({}).apply(sum) as tfl.SymbolicTensor })
    const folded = opTypes(exportToOnnx(model)).filter((op) => op === 'Transpose').length
    expect(folded).toBeLessThan(opTypes(exportToOnnx(model, { foldTransposes: false })).filter((op) => op === 'Transpose').length)
    const diff = await compare(model)
    expect(diff.foldedVsUnfolded).toBeLessThan(1e-6)
    expect(diff.foldedVsTf).toBeLessThan(1e-4)
  })
})

describe('foldLayoutTransposes on hand-written graphs', () => {
  const transpose = (input: string, output: string, perm: number[]): OnnxTypes.INodeProto => ({
    name: output,
    opType: 'Transpose',
    input: [input],
    output: [output],
    attribute: [makeAttribute('perm', perm)],
  })

  it('removes a transpose and its inverse, and keeps two that do not undo each other', () => {
    const inverse = foldLayoutTransposes([transpose('x', 'a', [0, 3, 1, 2]), transpose('a', 'b', [0, 2, 3, 1]), { opType: 'Relu', input: ['b'], output: ['y'] }], [], new Set(['y']))
    expect(inverse.nodes.map((n) => [n.opType, n.input, n.output])).toEqual([['Relu', ['x'], ['y']]])
    const twice = foldLayoutTransposes([transpose('x', 'a', [0, 3, 1, 2]), transpose('a', 'y', [0, 3, 1, 2])], [], new Set(['y']))
    expect(twice.nodes.map((n) => n.output![0])).toEqual(['a', 'y'])
  })

  it('turns a mean over the spatial axes into GlobalAveragePool, keeping dims by a transpose of the small result', () => {
    const axes = { name: 'axes', dims: [2], dataType: 7, int64Data: [1, 2] }
    const reduce = (keepdims: number, fromInput: boolean): OnnxTypes.INodeProto => ({
      opType: 'ReduceMean',
      input: fromInput ? ['a', 'axes'] : ['a'],
      output: ['y'],
      attribute: [makeAttribute('keepdims', keepdims), ...(fromInput ? [] : [makeAttribute('axes', [-3, -2])])],
    })
    const flat = foldLayoutTransposes([transpose('x', 'a', [0, 2, 3, 1]), reduce(0, true)], [axes], new Set(['y']))
    expect(flat.nodes.map((n) => n.opType)).toEqual(['GlobalAveragePool', 'Flatten'])
    expect(flat.nodes[0]!.input).toEqual(['x'])
    expect(flat.nodes[1]!.output).toEqual(['y'])
    expect(flat.initializers).toEqual([])
    const kept = foldLayoutTransposes([transpose('x', 'a', [0, 2, 3, 1]), reduce(1, false)], [], new Set(['y']))
    expect(kept.nodes.map((n) => n.opType)).toEqual(['GlobalAveragePool', 'Transpose'])
    expect(kept.nodes[1]!.attribute).toEqual([makeAttribute('perm', [0, 2, 3, 1])])
    // over the height alone it is no global pooling: left as it was
    const partial = foldLayoutTransposes([transpose('x', 'a', [0, 2, 3, 1]), { ...reduce(0, false), attribute: [makeAttribute('axes', [1]), makeAttribute('keepdims', 0)] }], [], new Set(['y']))
    expect(partial.nodes.map((n) => n.opType)).toEqual(['Transpose', 'ReduceMean'])
  })

  it('never renames or drops a graph output, and drops initializers nothing reads', () => {
    const unused: OnnxTypes.ITensorProto = { name: 'axes', dims: [2], dataType: 7, int64Data: [1, 2] }
    const kept = foldLayoutTransposes([transpose('x', 'a', [0, 3, 1, 2]), transpose('a', 'y', [0, 2, 3, 1])], [unused], new Set(['y']))
    expect(kept.nodes.map((n) => n.output![0])).toEqual(['a', 'y'])
    expect(kept.initializers).toEqual([])
  })
})
