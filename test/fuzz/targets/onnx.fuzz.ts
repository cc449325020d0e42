import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { tensorDtypes, type ModelMeta, type TensorDtype } from '../../../main/api/models'
import { checkModelPackage, importModelPackage, META_FILE, MODEL_FILE } from '../../../main/compute/model-package'
import { decodeModel, encodeModel, exportToOnnxWithSignature, makeTensor, makeValueInfo, openOnnxSession, type OnnxTensorSignature } from '../../../main/compute/onnx'
import { expectRefusalOrSuccess, type FuzzTarget } from '../target'
import { withTempDir } from '../temp-files'

/**
 * ONNX files through the project's protobuf decoder (onnx-proto), model import (package read, then
 * onnxruntime loads the model and its inputs and outputs are compared with model.json) and `models check`,
 * which runs the model once on a sample input (there model.json is made from what onnxruntime says the
 * damaged model takes, so the run is reached).
 */

const seeded = (seed: number) => tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed })

function denseModel(): tfl.LayersModel {
  return tfl.sequential({
    name: 'tiny_dense',
    layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: seeded(1), biasInitializer: seeded(2), name: 'probs' })],
  })
}

function convModel(): tfl.LayersModel {
  return tfl.sequential({
    name: 'tiny_conv',
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 5, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(3), name: 'conv' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 2, kernelInitializer: seeded(4), name: 'logits' }),
    ],
  })
}

function metaFor(inputs: OnnxTensorSignature[], outputs: OnnxTensorSignature[]): ModelMeta {
  // model.json allows the dtypes of its schema only; anything else is declared as float32 (a mismatch to report).
  const known = (dtype: string): dtype is TensorDtype => (tensorDtypes as readonly string[]).includes(dtype)
  const spec = (s: OnnxTensorSignature) => ({ name: s.name, shape: s.shape, dtype: known(s.dtype) ? s.dtype : 'float32' })
  return { formatVersion: 1, name: 'fuzz', task: 'generic', inputs: inputs.map(spec), outputs: outputs.map(spec), preprocessing: {}, provenance: { createdAt: '2026-01-01T00:00:00Z' } }
}

/** What the first seed declares: import compares every input against it. */
let seedMeta: ModelMeta | null = null

/** A model by hand (no exporter): `graph` parts plus IR 8 and opset 17 unless given. */
function handMade(graph: Parameters<typeof encodeModel>[0]['graph'], model: Partial<Parameters<typeof encodeModel>[0]> = {}): Uint8Array {
  return encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'fuzz', graph, ...model })
}

/** Hand-made hostile models: huge and negative dims, data that does not fill its dims, dangling names, deep nesting. */
function hostile(): Uint8Array[] {
  const x = makeValueInfo('x', 'float32', ['N', 4])
  const y = makeValueInfo('y', 'float32', ['N', 4])
  const add = (b: string) => ({ opType: 'Add', input: ['x', b], output: ['y'], name: 'add' })
  const leaf = { name: 'leaf', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [], output: [y] } as NonNullable<Parameters<typeof handMade>[0]>
  // Subgraphs 200 deep (the else branch a leaf each time, so the model stays small).
  let nested = leaf
  for (let depth = 1; depth < 200; depth++) {
    nested = { name: `g${depth}`, node: [{ opType: 'If', input: ['c'], output: ['y'], attribute: [{ name: 'then_branch', type: 5, g: nested }, { name: 'else_branch', type: 5, g: leaf }] }], input: [], output: [y] }
  }
  return [
    handMade({ name: 'huge', node: [add('b')], input: [x], output: [y], initializer: [{ name: 'b', dims: [1 << 30, 1 << 30, 1 << 30], dataType: 1, rawData: new Uint8Array(16) }] }),
    handMade({ name: 'negative', node: [add('b')], input: [x], output: [y], initializer: [{ name: 'b', dims: [-1, 4], dataType: 1, rawData: new Uint8Array(16) }] }),
    handMade({ name: 'short', node: [add('b')], input: [x], output: [y], initializer: [{ name: 'b', dims: [4], dataType: 1, rawData: new Uint8Array(3) }] }),
    handMade({ name: 'dangling', node: [add('nowhere')], input: [x], output: [y] }),
    handMade({ name: 'hugeinput', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [makeValueInfo('x', 'float32', [1_000_000, 1_000_000])], output: [y] }),
    handMade({ name: 'ok', node: [add('b')], input: [x], output: [y], initializer: [makeTensor('b', [4], new Float32Array([1, 2, 3, 4]))] }, { irVersion: 0, opsetImport: [{ domain: '', version: 9999 }] }),
    handMade(nested),
  ]
}

const target: FuzzTarget = {
  timeoutMs: 10_000,
  async seeds() {
    await tf.setBackend('cpu')
    const dense = exportToOnnxWithSignature(denseModel())
    const conv = exportToOnnxWithSignature(convModel())
    return [dense.bytes, conv.bytes, ...hostile()]
  },
  async check(bytes) {
    seedMeta ??= await (async () => {
      await tf.setBackend('cpu')
      const { inputs, outputs } = exportToOnnxWithSignature(denseModel())
      return metaFor(inputs, outputs)
    })()
    await expectRefusalOrSuccess(() => decodeModel(bytes))
    await withTempDir(async (dir) => {
      const pkg = join(dir, 'package')
      await mkdir(pkg)
      await writeFile(join(pkg, MODEL_FILE), bytes)
      await writeFile(join(pkg, META_FILE), JSON.stringify(seedMeta))
      await expectRefusalOrSuccess(() => importModelPackage(pkg, join(dir, 'models')))

      const session = await expectRefusalOrSuccess(() => openOnnxSession(join(pkg, MODEL_FILE), { intraOpThreads: 1, graphOptimization: 'disabled' }))
      if (!('inputs' in session)) return
      const sides = [session.inputs, session.outputs].map((side) =>
        side.map((v): OnnxTensorSignature => ({ name: v.name, dtype: (v.dtype ?? 'float32') as OnnxTensorSignature['dtype'], shape: (v.shape ?? []).map((d) => (typeof d === 'number' && d >= 1 ? d : 'N')) })),
      )
      await session.release()
      await writeFile(join(pkg, META_FILE), JSON.stringify(metaFor(sides[0]!, sides[1]!)))
      await checkModelPackage(pkg, { intraOpThreads: 1, graphOptimization: 'disabled' })
    })
  },
}
export default target
