import fc from 'fast-check'

/*
 * Mutations of real, valid files: the damage that reaches parsers in practice (bit rot, truncated
 * downloads, hostile headers). Offsets are drawn mostly inside the first KiB, where headers live,
 * and taken modulo the length so that every mutation applies to any seed.
 */

const interesting32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 0x40000000, 348, 540, 44]
const interestingFloat = [Number.NaN, Infinity, -Infinity, 0, -0, 1e38, -1e38, 1e-45, -1]

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'int32' | 'int16' | 'int64'; at: number; value: number; little: boolean }
  | { kind: 'float32' | 'float64'; at: number; value: number; little: boolean }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }

const offset = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 1024 }) }, { weight: 1, arbitrary: fc.nat() })
const little = fc.boolean()

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: offset, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: offset }),
  fc.record({
    kind: fc.constantFrom('int32' as const, 'int16' as const, 'int64' as const),
    at: offset,
    value: fc.oneof(fc.constantFrom(...interesting32), fc.integer()),
    little,
  }),
  fc.record({ kind: fc.constantFrom('float32' as const, 'float64' as const), at: offset, value: fc.constantFrom(...interestingFloat), little }),
  fc.record({ kind: fc.constant('insert' as const), at: offset, bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: offset, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: offset, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 64 }) }),
)

/** Applies mutations in order; each returns a new array, the seed is never changed. */
export function applyMutations(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = seed
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length
    switch (m.kind) {
      case 'flip': {
        if (bytes.length === 0) break
        bytes = bytes.slice()
        bytes[at] = bytes[at]! ^ (1 << m.bit)
        break
      }
      case 'truncate':
        bytes = bytes.slice(0, at)
        break
      case 'int16':
      case 'int32':
      case 'int64':
      case 'float32':
      case 'float64': {
        const width = { int16: 2, int32: 4, int64: 8, float32: 4, float64: 8 }[m.kind]
        if (bytes.length < width) break
        bytes = bytes.slice()
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        const where = Math.min(at, bytes.length - width)
        if (m.kind === 'int16') view.setInt16(where, m.value, m.little)
        else if (m.kind === 'int32') view.setInt32(where, m.value, m.little)
        else if (m.kind === 'int64') view.setBigInt64(where, BigInt(Math.trunc(m.value)), m.little)
        else if (m.kind === 'float32') view.setFloat32(where, m.value, m.little)
        else view.setFloat64(where, m.value, m.little)
        break
      }
      case 'insert':
        bytes = concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at))
        break
      case 'delete':
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.length))
        break
      case 'repeat': {
        const piece = bytes.subarray(at, at + m.length)
        bytes = concat(bytes.subarray(0, at), ...Array.from({ length: m.times }, () => piece), bytes.subarray(at))
        break
      }
    }
  }
  return bytes
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Inputs for a parser: each seed as it is, mutated seeds, and a few raw random byte strings. */
export function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error('a fuzz target needs at least one seed')
  const seed = fc.constantFrom(...seeds)
  return fc.oneof(
    { weight: 1, arbitrary: seed },
    { weight: 12, arbitrary: fc.tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([s, ms]) => applyMutations(s, ms)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  )
}
