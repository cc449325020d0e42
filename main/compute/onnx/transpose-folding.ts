/**
 * Removes the layout transposes the converters write around each channels-first block, once the whole graph
 * is known. Every converter keeps TF.js's channels-last layout at its boundary (NHWC in, NHWC out), so a
 * stack of convolutions reads: Transpose, Conv, Transpose, Relu, Transpose, Conv, Transpose, Relu, ...
 * Three rewrites, repeated until none applies, leave one Transpose after the graph's input and, for a
 * channels-last output, one before it; the convolutions between run channels-first:
 *   1. Transpose(p) then Transpose(q) with q undoing p: the second one's users read the first one's input.
 *   2. Transpose then an elementwise op that is its only user (Relu, Sigmoid, ...): the op runs first, on
 *      the untransposed tensor, and the Transpose moves after it, where rule 1 can meet the next one.
 *   3. Transpose to channels-last then a mean or max over every spatial axis (global pooling) that is its
 *      only user: GlobalAveragePool / GlobalMaxPool on the channels-first tensor, then Flatten (or, keeping
 *      dims, a transpose of the small [N, C, 1, ...] result).
 * onnxruntime's own transpose optimiser cancels many of these pairs too, but not across a global pooling,
 * and with the graph written channels-first its NCHWc layout pass keeps the whole stack in blocked layout
 * (the last Relu fused into its Conv, the pooling blocked; measured in compute-bench's PyTorch comparison).
 * The graph's inputs and outputs keep the layout model.json declares.
 */
import { makeAttribute, type OnnxTypes } from './onnx-proto'

type NodeProto = OnnxTypes.INodeProto
type TensorProto = OnnxTypes.ITensorProto
/** A node whose inputs and outputs are present (the builder always writes both). */
type Node = NodeProto & { input: string[]; output: string[] }

/** Ops applied element by element to their first input (later inputs, if any, are scalars). */
const elementwise = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'LeakyRelu', 'HardSigmoid', 'Softplus', 'Softsign', 'Abs', 'Neg',
  'Exp', 'Erf', 'Clip',
])

function ints(node: NodeProto, name: string): number[] | null {
  const attribute = node.attribute?.find((a) => a.name === name)
  return attribute?.ints ? attribute.ints.map(Number) : null
}

function int(node: NodeProto, name: string, fallback: number): number {
  const attribute = node.attribute?.find((a) => a.name === name)
  return attribute && attribute.i !== undefined && attribute.i !== null ? Number(attribute.i) : fallback
}

/** Transpose(Transpose(x, p), q) is x when p[q[i]] = i for every axis. */
function undoes(p: number[], q: number[]): boolean {
  return p.length === q.length && q.every((axis, i) => p[axis] === i)
}

/** [0, 2, ..., r - 1, 1]: channels-first to channels-last. */
function isToChannelsLast(perm: number[]): boolean {
  const r = perm.length
  return r >= 3 && perm[0] === 0 && perm[r - 1] === 1 && perm.slice(1, r - 1).every((axis, i) => axis === i + 2)
}

function int64Values(tensor: TensorProto): number[] | null {
  if (tensor.int64Data?.length) return tensor.int64Data.map(Number)
  if (!tensor.rawData || tensor.dataType !== 7) return null
  const bytes = tensor.rawData
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)))
}

export interface FoldedGraph {
  nodes: NodeProto[]
  initializers: TensorProto[]
}

/**
 * The graph with its layout transposes folded (see the file header). `graphOutputs` are never renamed or
 * removed. Nodes stay in topological order; initializers no node reads any more are dropped.
 */
export function foldLayoutTransposes(nodes: readonly NodeProto[], initializers: readonly TensorProto[], graphOutputs: ReadonlySet<string>): FoldedGraph {
  const list: Node[] = nodes.map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] }))
  const constants = new Map(initializers.map((t) => [t.name!, t]))
  let fresh = 0
  const freshName = (base: string) => `${base}/folded_${fresh++}`

  const producerOf = () => {
    const producers = new Map<string, Node>()
    for (const node of list) for (const out of node.output) producers.set(out, node)
    return producers
  }
  const usersOf = () => {
    const users = new Map<string, Node[]>()
    for (const node of list) for (const input of node.input) users.set(input, [...(users.get(input) ?? []), node])
    return users
  }
  const rename = (from: string, to: string) => {
    for (const node of list) node.input = node.input.map((v) => (v === from ? to : v))
  }

  /** Rule 1: a Transpose undoing the Transpose it reads is bypassed. */
  const bypassInverse = (): boolean => {
    const producers = producerOf()
    for (const node of list) {
      if (node.opType !== 'Transpose' || graphOutputs.has(node.output[0]!)) continue
      const before = producers.get(node.input[0]!)
      const p = before?.opType === 'Transpose' ? ints(before, 'perm') : null
      const q = ints(node, 'perm')
      if (!before || !p || !q || !undoes(p, q)) continue
      rename(node.output[0]!, before.input[0]!)
      list.splice(list.indexOf(node), 1)
      return true
    }
    return false
  }

  /** Rules 2 and 3, for a Transpose whose only user is an elementwise op or a global reduction. */
  const sinkOrPool = (): boolean => {
    const users = usersOf()
    for (const t of list) {
      if (t.opType !== 'Transpose' || graphOutputs.has(t.output[0]!)) continue
      const perm = ints(t, 'perm')
      const using = users.get(t.output[0]!) ?? []
      if (!perm || using.length !== 1) continue
      const user = using[0]!
      if (user.input.indexOf(t.output[0]!) !== 0 || user.input.lastIndexOf(t.output[0]!) !== 0) continue
      if (elementwise.has(user.opType!) && user.output.length === 1) {
        const mid = freshName(t.output[0]!)
        const out = user.output[0]!
        user.input[0] = t.input[0]!
        user.output[0] = mid
        t.input[0] = mid
        t.output[0] = out
        list.splice(list.indexOf(t), 1)
        list.splice(list.indexOf(user) + 1, 0, t)
        return true
      }
      if ((user.opType === 'ReduceMean' || user.opType === 'ReduceMax') && isToChannelsLast(perm)) {
        const rank = perm.length
        const axesInput = user.input[1] ? constants.get(user.input[1]) : undefined
        const axes = user.input[1] ? (axesInput ? int64Values(axesInput) : null) : ints(user, 'axes')
        const spatial = axes?.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b)
        if (!spatial || spatial.length !== rank - 2 || spatial.some((a, i) => a !== i + 1)) continue
        const keepdims = int(user, 'keepdims', 1) === 1
        const pooled = freshName(t.output[0]!)
        const pool: Node = {
          name: freshName(user.name ?? 'pool'),
          opType: user.opType === 'ReduceMean' ? 'GlobalAveragePool' : 'GlobalMaxPool',
          input: [t.input[0]!],
          output: [pooled],
          attribute: [],
        }
        const shape: Node = keepdims
          ? { name: freshName(user.name ?? 'transpose'), opType: 'Transpose', input: [pooled], output: [user.output[0]!], attribute: t.attribute ?? [] }
          : { name: freshName(user.name ?? 'flatten'), opType: 'Flatten', input: [pooled], output: [user.output[0]!], attribute: [makeAttribute('axis', 1)] }
        list.splice(list.indexOf(user), 1, pool, shape)
        list.splice(list.indexOf(t), 1)
        return true
      }
    }
    return false
  }

  /** Transposes nothing reads any more. */
  const dropDead = (): boolean => {
    const users = usersOf()
    const dead = list.findIndex((n) => n.opType === 'Transpose' && !graphOutputs.has(n.output[0]!) && !users.has(n.output[0]!))
    if (dead < 0) return false
    list.splice(dead, 1)
    return true
  }

  while (bypassInverse() || sinkOrPool() || dropDead()) {
    // each pass changes one thing; the graph is small (hundreds of nodes), so rescanning is cheap
  }
  const read = new Set(list.flatMap((n) => n.input))
  return { nodes: list, initializers: initializers.filter((t) => read.has(t.name!) || graphOutputs.has(t.name!)) }
}
