/**
 * TF.js LayersModel -> ONNX. Walks the model's graph from its outputs back through each layer's inbound nodes
 * (so functional models with several inputs, outputs, branches and nested models work), writes each layer
 * call with the layer's own `toOnnx` (custom layers) or the converter for its class, and declares inputs and
 * outputs in TF.js's layout (channels-last) with a symbolic batch dimension. Then the per-layer layout
 * transposes are folded away (transpose-folding.ts), so the layers between run channels-first.
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { PerceptError } from '../../core/errors'
import { activationWriter } from './activations'
import { converterFor, supportedLayerClasses } from './converters'
import { OnnxGraphBuilder, isOnnxExportable, type TfShape } from './export-context'
import { encodeModel, makeValueInfo, type OnnxDim, type OnnxDtypeName } from './onnx-proto'
import { foldLayoutTransposes } from './transpose-folding'

export interface OnnxExportOptions {
  /** Default-domain opset, 13 to 18 (default 17). */
  opset?: number
  /** Symbolic name of the batch dimension (default 'N'). */
  batchDim?: string
  /** The ONNX graph's name (default: the model's name). */
  graphName?: string
  docString?: string
  /** Written as the model's metadata_props (shown by Netron and readable from onnxruntime). */
  metadata?: Record<string, string>
  producerVersion?: string
  /**
   * Fold the per-layer layout transposes away (transpose-folding.ts), leaving one at the input and one at a
   * channels-last output. Default true; false writes each layer as its converter did (for comparisons).
   */
  foldTransposes?: boolean
}

/** One declared input or output: the same shape language as model.json (numbers, or symbolic names). */
export interface OnnxTensorSignature {
  name: string
  shape: (number | string)[]
  dtype: OnnxDtypeName
}

export interface OnnxExportResult {
  bytes: Uint8Array
  inputs: OnnxTensorSignature[]
  outputs: OnnxTensorSignature[]
}

export const DEFAULT_OPSET = 17
const IR_VERSION = 8

interface CallNode {
  inputTensors: tfl.SymbolicTensor[]
  outputTensors: tfl.SymbolicTensor[]
}

function tensorKey(t: tfl.SymbolicTensor): string {
  return `${t.sourceLayer.id}:${t.nodeIndex}:${t.tensorIndex}`
}

function dtypeOf(t: tfl.SymbolicTensor, what: string): OnnxDtypeName {
  switch (t.dtype) {
    case 'float32':
      return 'float32'
    case 'int32':
      return 'int32'
    case 'bool':
      return 'bool'
    default:
      throw new PerceptError('VALIDATION', `${what} '${t.name}' has dtype ${t.dtype}, which the ONNX exporter does not write`)
  }
}

function uniqueNames(names: string[], taken: Set<string>): string[] {
  return names.map((base) => {
    let name = base
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`
    taken.add(name)
    return name
  })
}

class GraphWalker {
  constructor(private readonly builder: OnnxGraphBuilder) {}

  /** Writes `model` applied to the given input values; returns its output values. */
  walk(model: tfl.LayersModel, inputValues: readonly string[]): string[] {
    const memo = new Map<string, string>()
    model.inputs.forEach((t, i) => {
      memo.set(tensorKey(t), inputValues[i]!)
      this.builder.setShape(inputValues[i]!, t.shape)
    })
    const visit = (t: tfl.SymbolicTensor): string => {
      const known = memo.get(tensorKey(t))
      if (known !== undefined) return known
      const layer = t.sourceLayer
      if (layer.getClassName() === 'InputLayer') {
        throw new PerceptError('VALIDATION', `Tensor '${t.name}' comes from an input layer that is not an input of model '${model.name}'.`)
      }
      const node = layer.inboundNodes[t.nodeIndex] as CallNode | undefined
      if (!node) throw new PerceptError('INTERNAL', `Layer '${layer.name}' has no call node ${t.nodeIndex}.`)
      const inputs = node.inputTensors.map(visit)
      const outputs = this.writeCall(layer, node, inputs)
      node.outputTensors.forEach((out, i) => {
        memo.set(tensorKey(out), outputs[i]!)
        this.builder.setShape(outputs[i]!, out.shape)
      })
      const value = memo.get(tensorKey(t))
      if (value === undefined) throw new PerceptError('INTERNAL', `Layer '${layer.name}' did not produce '${t.name}'.`)
      return value
    }
    return model.outputs.map(visit)
  }

  private writeCall(layer: tfl.layers.Layer, node: CallNode, inputs: string[]): string[] {
    node.inputTensors.forEach((t, i) => this.builder.setShape(inputs[i]!, t.shape))
    const className = layer.getClassName()
    const builder = this.builder
    let outputs: string[]
    try {
      builder.layerName = layer.name
      builder.outputShapes = node.outputTensors.map((t) => t.shape as TfShape)
      if (isOnnxExportable(layer)) {
        outputs = layer.toOnnx(builder, inputs)
      } else if (layer instanceof tfl.LayersModel) {
        outputs = this.walk(layer, inputs)
      } else {
        const converter = converterFor(className)
        if (!converter) {
          throw new PerceptError(
            'VALIDATION',
            `Layer '${layer.name}' (${className}) cannot be exported to ONNX: no converter for ${className}. ` +
              `Supported: ${supportedLayerClasses().join(', ')}, and custom layers that implement toOnnx().`,
          )
        }
        outputs = converter(layer, builder, inputs)
      }
    } catch (error) {
      if (error instanceof PerceptError) throw error
      throw new PerceptError(
        'VALIDATION',
        `Layer '${layer.name}' (${className}) cannot be exported to ONNX: ${(error as Error).message}`,
      )
    }
    if (outputs.length !== node.outputTensors.length) {
      throw new PerceptError(
        'INTERNAL',
        `Layer '${layer.name}' (${className}) wrote ${outputs.length} ONNX outputs for ${node.outputTensors.length} tensors.`,
      )
    }
    return outputs
  }
}

function declaredShape(shape: TfShape, batchDim: string, symbolPrefix: string): OnnxDim[] {
  return shape.map((d, i) => (d !== null ? d : i === 0 ? batchDim : `${symbolPrefix}_d${i}`))
}

/** Exports a TF.js model to ONNX bytes and reports the declared inputs and outputs (for model.json). */
export function exportToOnnxWithSignature(model: tfl.LayersModel, options: OnnxExportOptions = {}): OnnxExportResult {
  const opset = options.opset ?? DEFAULT_OPSET
  if (!Number.isInteger(opset) || opset < 13 || opset > 18) {
    throw new PerceptError('VALIDATION', `ONNX opset ${opset} is not supported: choose 13 to 18.`)
  }
  const batchDim = options.batchDim ?? 'N'
  const builder = new OnnxGraphBuilder(opset, activationWriter)
  const taken = new Set<string>()
  const inputNames = uniqueNames(
    model.inputs.map((t, i) => model.inputNames?.[i] || t.sourceLayer.name || `input_${i}`),
    taken,
  )
  const outputNames = uniqueNames(
    model.outputs.map((t, i) => model.outputNames?.[i] || t.sourceLayer.name || `output_${i}`),
    taken,
  )
  for (const name of taken) builder.reserve(name)

  const internalOutputs = new GraphWalker(builder).walk(model, inputNames)
  builder.layerName = 'outputs'
  internalOutputs.forEach((value, i) => builder.addNode('Identity', [value], {}, [outputNames[i]!]))

  const inputs: OnnxTensorSignature[] = model.inputs.map((t, i) => ({
    name: inputNames[i]!,
    dtype: dtypeOf(t, 'Input'),
    shape: declaredShape(t.shape, batchDim, inputNames[i]!) as (number | string)[],
  }))
  const outputs: OnnxTensorSignature[] = model.outputs.map((t, i) => ({
    name: outputNames[i]!,
    dtype: dtypeOf(t, 'Output'),
    shape: declaredShape(t.shape, batchDim, outputNames[i]!) as (number | string)[],
  }))

  const graph =
    options.foldTransposes === false
      ? { nodes: builder.nodes, initializers: builder.initializers }
      : foldLayoutTransposes(builder.nodes, builder.initializers, new Set(outputNames))
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    producerName: 'Percept Workbench',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString ?? '',
    opsetImport: [{ domain: '', version: opset }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: options.graphName ?? model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: inputs.map((s) => makeValueInfo(s.name, s.dtype, s.shape)),
      output: outputs.map((s) => makeValueInfo(s.name, s.dtype, s.shape)),
    },
  })
  return { bytes, inputs, outputs }
}

/** Exports a TF.js model to ONNX (opset 17 by default); the bytes are a complete .onnx file. */
export function exportToOnnx(model: tfl.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  return exportToOnnxWithSignature(model, options).bytes
}
