import type { OnnxTypes, AttributeValue } from './onnx-proto'
import { int64Tensor, makeAttribute, makeTensor } from './onnx-proto'

/** A TF.js static shape: numbers, or null where the size is known only at run time (the batch). */
export type TfShape = readonly (number | null)[]

/**
 * What a layer sees while it writes itself into an ONNX graph. Values are named strings; every tensor in the
 * graph keeps TF.js's layout (channels-last), so a layer that needs channels-first (Conv, pooling) transposes
 * in and out itself (`toChannelsFirst` / `toChannelsLast`); the exporter then folds away the pairs that meet
 * between consecutive layers (transpose-folding.ts).
 */
export interface OnnxExportContext {
  /** The default-domain opset being written (13..18). */
  readonly opset: number
  /** The name of the layer being exported, used to name its nodes and initialisers. */
  readonly layerName: string
  /** TF.js output shapes of the layer call being exported (batch dimension null). */
  readonly outputShapes: readonly TfShape[]
  /** Static TF.js shape of a value, where known (every layer input is known). */
  shapeOf(value: string): TfShape | undefined
  /** A fresh value name, prefixed by the current layer's name. */
  uniqueName(hint: string): string
  /** Adds a node with `outputs` fresh outputs (default 1), or with the given output names; returns the output names. */
  addNode(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
    outputs?: number | readonly string[],
  ): string[]
  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>): string
  /** Adds a float32 / int32 / int64 initialiser and returns its name. */
  addInitializer(hint: string, data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]): string
  /** A float32 constant (initialiser); dims default to [values.length]. */
  constFloat(hint: string, values: ArrayLike<number>, dims?: readonly number[]): string
  /** An int64 constant (initialiser), as shape, axes, pads and the like need. */
  constInt64(hint: string, values: readonly number[], dims?: readonly number[]): string
  /** Reduce* over the given axes; writes axes as attribute or input depending on the opset. */
  reduce(opType: 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceSum' | 'ReduceProd', input: string, axes: readonly number[], keepdims: boolean): string
  transpose(input: string, perm: readonly number[]): string
  /** [N, d1.., C] -> [N, C, d1..] for a tensor of the given rank. */
  toChannelsFirst(input: string, rank: number): string
  /** [N, C, d1..] -> [N, d1.., C] for a tensor of the given rank. */
  toChannelsLast(input: string, rank: number): string
  /** Applies a TF.js activation by its serialised name ('relu', 'softmax', ...); 'linear' returns the input. */
  activation(name: string, input: string): string
}

/** A layer that knows how to write itself into an ONNX graph (custom layers implement this). */
export interface OnnxExportable {
  /** Adds the layer's nodes for one call, given its input value names; returns its output value names. */
  toOnnx(ctx: OnnxExportContext, inputs: string[]): string[]
}

export function isOnnxExportable(value: unknown): value is OnnxExportable {
  return typeof value === 'object' && value !== null && typeof (value as Partial<OnnxExportable>).toOnnx === 'function'
}

export type ActivationWriter = (ctx: OnnxExportContext, input: string) => string

/** Accumulates nodes and initialisers of one graph. */
export class OnnxGraphBuilder implements OnnxExportContext {
  readonly nodes: OnnxTypes.INodeProto[] = []
  readonly initializers: OnnxTypes.ITensorProto[] = []
  layerName = 'graph'
  outputShapes: readonly TfShape[] = []
  private readonly names = new Set<string>()
  private readonly shapes = new Map<string, TfShape>()
  private readonly constants = new Map<string, string>()

  constructor(
    readonly opset: number,
    private readonly activations: (name: string) => ActivationWriter | undefined,
  ) {}

  /** Marks a name as used (graph inputs) so no node output takes it. */
  reserve(name: string): void {
    this.names.add(name)
  }

  isUsed(name: string): boolean {
    return this.names.has(name)
  }

  setShape(value: string, shape: TfShape): void {
    if (!this.shapes.has(value)) this.shapes.set(value, shape)
  }

  shapeOf(value: string): TfShape | undefined {
    return this.shapes.get(value)
  }

  uniqueName(hint: string): string {
    const base = `${this.layerName}/${hint}`
    let name = base
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`
    this.names.add(name)
    return name
  }

  addNode(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const outputNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => this.uniqueName(outputs === 1 ? opType : `${opType}_${i}`))
        : [...outputs]
    for (const name of outputNames) this.names.add(name)
    this.nodes.push({
      name: this.uniqueName(`${opType}_node`),
      opType,
      input: [...inputs],
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, value]) => makeAttribute(key, value)),
    })
    return outputNames
  }

  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>): string {
    return this.addNode(opType, inputs, attributes)[0]!
  }

  addInitializer(hint: string, data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]): string {
    const name = this.uniqueName(hint)
    this.initializers.push(makeTensor(name, dims, data))
    return name
  }

  constFloat(hint: string, values: ArrayLike<number>, dims: readonly number[] = [values.length]): string {
    return this.sharedConstant('f', values, dims, () => this.addInitializer(hint, Float32Array.from(values), dims))
  }

  constInt64(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.sharedConstant('i', values, dims, () => {
      const name = this.uniqueName(hint)
      this.initializers.push(int64Tensor(name, values, dims))
      return name
    })
  }

  /** Small constants (axes, shapes, scalars) are written once per graph and shared. */
  private sharedConstant(kind: string, values: ArrayLike<number>, dims: readonly number[], create: () => string): string {
    if (values.length > 16) return create()
    const key = `${kind}:${Array.from(values).join(',')}:${dims.join(',')}`
    let name = this.constants.get(key)
    if (name === undefined) {
      name = create()
      this.constants.set(key, name)
    }
    return name
  }

  reduce(
    opType: 'ReduceMean' | 'ReduceMax' | 'ReduceMin' | 'ReduceSum' | 'ReduceProd',
    input: string,
    axes: readonly number[],
    keepdims: boolean,
  ): string {
    // ReduceSum takes axes as an input from opset 13, the others from opset 18.
    const axesAsInput = opType === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18
    return axesAsInput
      ? this.op(opType, [input, this.constInt64('axes', axes)], { keepdims: keepdims ? 1 : 0 })
      : this.op(opType, [input], { axes: [...axes], keepdims: keepdims ? 1 : 0 })
  }

  transpose(input: string, perm: readonly number[]): string {
    return this.op('Transpose', [input], { perm: [...perm] })
  }

  toChannelsFirst(input: string, rank: number): string {
    return this.transpose(input, [0, rank - 1, ...range(1, rank - 1)])
  }

  toChannelsLast(input: string, rank: number): string {
    return this.transpose(input, [0, ...range(2, rank), 1])
  }

  activation(name: string, input: string): string {
    const writer = this.activations(name)
    if (!writer) {
      throw new Error(`activation '${name}' has no ONNX equivalent here`)
    }
    return writer(this, input)
  }
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i)
}
