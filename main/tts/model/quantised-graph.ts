import { decodeModel, encodeModel, initializerFloats, int8WeightSteps, makeTensor, type OnnxTypes } from '../../compute/onnx'
import { PerceptError } from '../../core/errors'

/*
 * An 8-bit copy of a voice's dense graph for synthesis, made in memory when the voice opens (the package
 * keeps float32, which training checks and `tts eval` scores). Each MatMul by a constant weight matrix, and
 * the bias Add after it, becomes onnxruntime's DynamicQuantizeMatMul (com.microsoft): the weights int8,
 * symmetric, one scale per output column (max |w| / 127, or / 63 on x86 without VNNI: int8-weight-steps.ts);
 * the activations quantised to uint8 per call.
 * Why: the paper's networks are ~30 M weights (the post-filter alone 17 M), 11 GFLOP per second of speech
 * for MDNNs2; int8 products (VNNI where the CPU has it) run them 2-4 x faster than float32, which is what
 * the synthesis budget (real-time factor 0.05 on 2 cores) needs. The error this brings is measured against
 * the float32 graphs (test/unit/tts/model/quantised-graph.test.ts; `percept bench tts` reports it in MCD).
 */

const msDomain = 'com.microsoft'

/** Per-column symmetric int8 of a [rows, cols] matrix in `steps` steps each side of zero (int8-weight-steps.ts): the codes and each column's scale. */
export function quantiseColumns(weights: Float32Array, rows: number, cols: number, steps = int8WeightSteps()): { codes: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c]!, Math.abs(weights[r * cols + c]!))
  for (let c = 0; c < cols; c++) scales[c] = scales[c]! > 0 ? scales[c]! / steps : 1
  const codes = new Int8Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) codes[r * cols + c] = Math.round(weights[r * cols + c]! / scales[c]!)
  return { codes, scales }
}

/**
 * The graph with every MatMul by a float32 initializer (and its bias Add, when one follows) replaced by
 * DynamicQuantizeMatMul. `minWeights`: smaller matrices stay float32 (their time is noise, their error not).
 */
export function quantiseDenseGraph(bytes: Uint8Array, minWeights = 16384): Uint8Array {
  const model = decodeModel(bytes)
  const graph = model.graph
  if (!graph?.node) throw new PerceptError('INVALID_FILE', 'The voice graph has no nodes; install the voice again.')
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name!, t]))
  const consumers = new Map<string, OnnxTypes.INodeProto[]>()
  for (const node of graph.node) for (const input of node.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), node])
  const replaced = new Set<OnnxTypes.INodeProto>()
  const nodes: OnnxTypes.INodeProto[] = []
  const added: OnnxTypes.ITensorProto[] = []
  const dropped = new Set<string>()
  for (const node of graph.node) {
    if (replaced.has(node)) continue
    const weight = node.opType === 'MatMul' ? initializers.get(node.input?.[1] ?? '') : undefined
    const dims = weight?.dims?.map(Number)
    if (!weight || weight.dataType !== 1 || dims?.length !== 2 || dims[0]! * dims[1]! < minWeights) {
      nodes.push(node)
      continue
    }
    const [rows, cols] = dims as [number, number]
    const { codes, scales } = quantiseColumns(initializerFloats(weight), rows, cols)
    const name = weight.name!
    added.push(makeTensor(`${name}/int8`, [rows, cols], new Uint8Array(codes.buffer), 'int8'), makeTensor(`${name}/scale`, [cols], scales), makeTensor(`${name}/zero`, [cols], new Uint8Array(cols), 'int8'))
    dropped.add(name)
    // A bias Add on the product alone (the exporter's Dense: MatMul -> Add(bias)) folds into the node.
    const next = consumers.get(node.output![0]!) ?? []
    const add = next.length === 1 && next[0]!.opType === 'Add' ? next[0]! : undefined
    const bias = add ? add.input!.find((i) => i !== node.output![0] && initializers.get(i)?.dims?.length === 1) : undefined
    if (add && bias) replaced.add(add)
    nodes.push({
      name: `${node.name ?? name}/int8`,
      opType: 'DynamicQuantizeMatMul',
      domain: msDomain,
      input: [node.input![0]!, `${name}/int8`, `${name}/scale`, `${name}/zero`, ...(add && bias ? [bias] : [])],
      output: add && bias ? add.output! : node.output!,
    })
  }
  graph.node = nodes
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name!)), ...added]
  model.opsetImport = [...(model.opsetImport ?? []).filter((o) => o.domain !== msDomain), { domain: msDomain, version: 1 }]
  return encodeModel(model)
}
