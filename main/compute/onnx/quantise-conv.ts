import { PerceptError } from '../../core/errors'
import { int8WeightSteps } from './int8-weight-steps'
import { decodeModel, encodeModel, makeAttribute, makeTensor, makeValueInfo, type OnnxTypes } from './onnx-proto'

/*
 * Static 8-bit quantisation of an exported graph's convolutions, in the QDQ form onnxruntime's graph
 * optimiser turns into QLinearConv (VNNI int8 products where the CPU has them): each Conv's input and
 * output (after its Relu) pass through QuantizeLinear -> DequantizeLinear with a scale from calibration,
 * its weights are int8, symmetric, one scale per output channel, its bias int32 at the product's scale;
 * a pooling that reads such an output is quantised too. onnxruntime then runs the chain in 8 bits, channels
 * last, and dequantises only the pooled values.
 * Why: the network's float32 convolutions already run at ~85% of two cores' FMA peak, so only cheaper
 * arithmetic makes inference faster; this is it, measured against the float32 graph by the caller.
 * Calibration: run the graph of `calibrationGraph` on representative inputs and hand the ranges back.
 */

export interface ValueRange {
  min: number
  max: number
}

/** A float32 initializer's values (raw bytes or float_data). */
export function initializerFloats(tensor: OnnxTypes.ITensorProto): Float32Array {
  if (tensor.rawData && tensor.rawData.length) {
    const raw = tensor.rawData
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
  }
  return Float32Array.from(tensor.floatData ?? [])
}

interface ConvSite {
  conv: OnnxTypes.INodeProto
  /** The float tensor the Conv reads. */
  input: string
  /** The tensor after the Conv (and its Relu where one alone follows it). */
  output: string
  weight: OnnxTypes.ITensorProto
  bias: OnnxTypes.ITensorProto | undefined
}

function convSites(graph: OnnxTypes.IGraphProto): ConvSite[] {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]))
  const consumers = new Map<string, OnnxTypes.INodeProto[]>()
  for (const node of graph.node ?? []) for (const input of node.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), node])
  const sites: ConvSite[] = []
  for (const conv of graph.node ?? []) {
    if (conv.opType !== 'Conv' || conv.domain) continue
    const [input, w, b] = conv.input ?? []
    const weight = initializers.get(w ?? '')
    const bias = b ? initializers.get(b) : undefined
    // Only convolutions by constant float32 weights (and bias) that nothing else reads (they are replaced),
    // with a computed input.
    const own = (name: string | undefined) => !name || consumers.get(name)?.length === 1
    if (!input || initializers.has(input) || weight?.dataType !== 1 || (b && bias?.dataType !== 1) || !own(w) || !own(b)) continue
    const next = consumers.get(conv.output![0]!) ?? []
    const relu = next.length === 1 && next[0]!.opType === 'Relu' && !next[0]!.domain ? next[0]! : undefined
    sites.push({ conv, input, output: relu ? relu.output![0]! : conv.output![0]!, weight, bias })
  }
  return sites
}

/** The names whose ranges `quantiseConvs` needs: every quantisable Conv's input and output. */
/**
 * Poolings that read a quantised convolution's output: quantised too, so that onnxruntime pools the 8-bit
 * values where they are (QLinearGlobalAveragePool, channels last) instead of turning the whole activation
 * back into float32 first.
 */
const pooling = new Set(['GlobalAveragePool', 'AveragePool', 'MaxPool'])
function poolSites(graph: OnnxTypes.IGraphProto, sites: readonly ConvSite[]): OnnxTypes.INodeProto[] {
  const quantised = new Set(sites.map((s) => s.output))
  return (graph.node ?? []).filter((n) => pooling.has(n.opType ?? '') && !n.domain && n.output?.length === 1 && quantised.has(n.input?.[0] ?? ''))
}

export function calibrationNames(bytes: Uint8Array): string[] {
  const graph = decodeModel(bytes).graph
  if (!graph) throw new PerceptError('INVALID_FILE', 'The ONNX model has no graph.')
  const sites = convSites(graph)
  return [...new Set([...sites.flatMap((s) => [s.input, s.output]), ...poolSites(graph, sites).map((n) => n.output![0]!)])]
}

/** The model with `names` added as float outputs, to read their values in a calibration run. */
export function calibrationGraph(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const model = decodeModel(bytes)
  const graph = model.graph!
  const present = new Set((graph.output ?? []).map((o) => o.name))
  graph.output = [...(graph.output ?? []), ...names.filter((n) => !present.has(n)).map((n) => makeValueInfo(n, 'float32', null))]
  return encodeModel(model)
}

/** uint8 scale and zero point covering [min, max] and 0 (which must be exact: padding and ReLU's floor). */
export function activationQuantisation(range: ValueRange): { scale: number; zero: number } {
  if (!Number.isFinite(range.min) || !Number.isFinite(range.max)) throw new PerceptError('VALIDATION', 'Calibration gave a range that is not finite; calibrate on valid inputs.')
  const min = Math.min(0, range.min)
  const max = Math.max(0, range.max)
  const scale = max > min ? (max - min) / 255 : 1
  return { scale, zero: Math.min(255, Math.max(0, Math.round(-min / scale))) }
}

/** Per-output-channel symmetric int8 of a Conv kernel [K, C, ...] in `steps` steps each side of zero: the codes and each channel's scale. */
export function quantiseKernel(weights: Float32Array, channels: number, steps = int8WeightSteps()): { codes: Int8Array; scales: Float32Array } {
  const per = weights.length / channels
  const scales = new Float32Array(channels)
  const codes = new Int8Array(weights.length)
  for (let k = 0; k < channels; k++) {
    let max = 0
    for (let i = k * per; i < (k + 1) * per; i++) max = Math.max(max, Math.abs(weights[i]!))
    scales[k] = max > 0 ? max / steps : 1
    for (let i = k * per; i < (k + 1) * per; i++) codes[i] = Math.round(weights[i]! / scales[k]!)
  }
  return { codes, scales }
}

/**
 * The graph with every Conv by constant weights in QDQ form, given the calibrated range of each name
 * `calibrationNames` lists. Other nodes stay float32.
 */
export function quantiseConvs(bytes: Uint8Array, ranges: ReadonlyMap<string, ValueRange>): { bytes: Uint8Array; convs: number } {
  const model = decodeModel(bytes)
  const graph = model.graph
  if (!graph?.node) throw new PerceptError('INVALID_FILE', 'The ONNX model has no nodes.')
  const sites = convSites(graph)
  const added: OnnxTypes.ITensorProto[] = []
  const dropped = new Set<string>()
  const before = new Map<OnnxTypes.INodeProto, OnnxTypes.INodeProto[]>()
  const after = new Map<OnnxTypes.INodeProto, OnnxTypes.INodeProto[]>()
  // Each quantised tensor's QDQ pair is made once; its readers are rewired to the dequantised name.
  const dequantised = new Map<string, { name: string; scale: number }>()
  const qdq = (name: string, producer: OnnxTypes.INodeProto | null, site: OnnxTypes.INodeProto): { name: string; scale: number } => {
    const known = dequantised.get(name)
    if (known) return known
    const range = ranges.get(name)
    if (!range) throw new PerceptError('VALIDATION', `No calibrated range for '${name}'; calibrate with calibrationNames().`)
    const { scale, zero } = activationQuantisation(range)
    added.push(makeTensor(`${name}/q_scale`, [], Float32Array.of(scale)), makeTensor(`${name}/q_zero`, [], Uint8Array.of(zero), 'uint8'))
    const nodes: OnnxTypes.INodeProto[] = [
      { name: `${name}/Quantize`, opType: 'QuantizeLinear', input: [name, `${name}/q_scale`, `${name}/q_zero`], output: [`${name}/q`] },
      { name: `${name}/Dequantize`, opType: 'DequantizeLinear', input: [`${name}/q`, `${name}/q_scale`, `${name}/q_zero`], output: [`${name}/dq`] },
    ]
    // Right after the producer, or before the first reader for a graph input.
    const anchor = producer ?? site
    const list = producer ? after : before
    list.set(anchor, [...(list.get(anchor) ?? []), ...nodes])
    const made = { name: `${name}/dq`, scale }
    dequantised.set(name, made)
    return made
  }
  const producers = new Map<string, OnnxTypes.INodeProto>()
  for (const node of graph.node) for (const out of node.output ?? []) producers.set(out, node)

  for (const site of sites) {
    const x = qdq(site.input, producers.get(site.input) ?? null, site.conv)
    const dims = site.weight.dims!.map(Number)
    const channels = dims[0]!
    const { codes, scales } = quantiseKernel(initializerFloats(site.weight), channels)
    const w = site.weight.name!
    added.push(
      makeTensor(`${w}/int8`, dims, new Uint8Array(codes.buffer), 'int8'),
      makeTensor(`${w}/scale`, [channels], scales),
      makeTensor(`${w}/zero`, [channels], new Uint8Array(channels), 'int8'),
    )
    const wNode: OnnxTypes.INodeProto = {
      name: `${w}/Dequantize`,
      opType: 'DequantizeLinear',
      input: [`${w}/int8`, `${w}/scale`, `${w}/zero`],
      output: [`${w}/dq`],
      attribute: [makeAttribute('axis', 0)],
    }
    const inputs = [x.name, `${w}/dq`]
    const pre = [wNode]
    if (site.bias) {
      const b = site.bias.name!
      const values = initializerFloats(site.bias)
      const biasScales = scales.map((s) => s * x.scale)
      added.push(
        makeTensor(`${b}/int32`, [channels], Int32Array.from(values, (v, k) => Math.round(v / biasScales[k]!))),
        makeTensor(`${b}/scale`, [channels], biasScales),
        makeTensor(`${b}/zero`, [channels], new Int32Array(channels)),
      )
      pre.push({ name: `${b}/Dequantize`, opType: 'DequantizeLinear', input: [`${b}/int32`, `${b}/scale`, `${b}/zero`], output: [`${b}/dq`], attribute: [makeAttribute('axis', 0)] })
      inputs.push(`${b}/dq`)
      dropped.add(b)
    }
    dropped.add(w)
    before.set(site.conv, [...(before.get(site.conv) ?? []), ...pre])
    site.conv.input = inputs
    qdq(site.output, producers.get(site.output)!, site.conv)
  }
  for (const pool of poolSites(graph, sites)) qdq(pool.output![0]!, pool, pool)

  // Readers of a quantised tensor read its dequantised copy (the Quantize node itself excepted); a graph
  // output stays the float tensor it was.
  const quantiseNodes = new Set([...after.values(), ...before.values()].flat().filter((n) => n.opType === 'QuantizeLinear'))
  for (const node of graph.node) {
    if (quantiseNodes.has(node)) continue
    node.input = (node.input ?? []).map((i) => dequantised.get(i)?.name ?? i)
  }
  const nodes: OnnxTypes.INodeProto[] = []
  for (const node of graph.node) nodes.push(...(before.get(node) ?? []), node, ...(after.get(node) ?? []))
  graph.node = nodes
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name!)), ...added]
  return { bytes: encodeModel(model), convs: sites.length }
}
