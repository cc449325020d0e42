/**
 * The ONNX protobuf schema, from the `onnx-proto` package (static protobufjs code generated from onnx.proto
 * of ONNX 1.10), plus the few helpers every writer of ONNX graphs needs: tensors, attributes, value infos.
 * Nothing here encodes protobuf by hand; protobufjs does the wire format.
 */
import protoPackage from 'onnx-proto'
import type { onnx as OnnxTypes } from 'onnx-proto'
import { PerceptError } from '../../core/errors'

/** The generated message classes (`onnx.ModelProto.encode(...)`, `onnx.TensorProto.DataType`, ...). */
export const onnx: typeof protoPackage.onnx = protoPackage.onnx
export type { OnnxTypes }

/** ONNX element types by the names TF.js and onnxruntime use. */
export const onnxDataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
} as const
export type OnnxDtypeName = keyof typeof onnxDataType

/** A dimension: a fixed size, a symbolic name (`'N'`), or null for an unnamed unknown size. */
export type OnnxDim = number | string | null

export type AttributeValue = number | string | number[] | string[] | OnnxTypes.ITensorProto | { float: number } | { floats: number[] }

const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const

const utf8 = new TextEncoder()

/**
 * Builds an attribute. Plain numbers become INT when integral (ONNX attributes such as `axis`, `group` are
 * INTs); pass `{ float: 1 }` / `{ floats: [...] }` to force FLOAT for values like `alpha` or `epsilon`.
 */
export function makeAttribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: AttrType.INT, i: value } : { name, type: AttrType.FLOAT, f: value }
  }
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: utf8.encode(value) }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return { name, type: AttrType.STRINGS, strings: (value as string[]).map((s) => utf8.encode(s)) }
    }
    const numbers = value as number[]
    return numbers.every((v) => Number.isInteger(v))
      ? { name, type: AttrType.INTS, ints: numbers }
      : { name, type: AttrType.FLOATS, floats: numbers }
  }
  if ('float' in value) return { name, type: AttrType.FLOAT, f: value.float }
  if ('floats' in value) return { name, type: AttrType.FLOATS, floats: value.floats }
  return { name, type: AttrType.TENSOR, t: value }
}

function littleEndianBytes(data: Float32Array | Int32Array | BigInt64Array | Float64Array | Uint8Array): Uint8Array {
  // Every platform Node runs on is little-endian, which is what ONNX raw_data requires.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
}

/** A tensor stored as raw little-endian bytes (compact for weights, exact for float32). */
export function makeTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array | Int32Array | BigInt64Array | Float64Array | Uint8Array,
  dtype?: OnnxDtypeName,
): OnnxTypes.ITensorProto {
  const dataType =
    dtype !== undefined
      ? onnxDataType[dtype]
      : data instanceof Float32Array
        ? onnxDataType.float32
        : data instanceof Int32Array
          ? onnxDataType.int32
          : data instanceof BigInt64Array
            ? onnxDataType.int64
            : data instanceof Float64Array
              ? onnxDataType.float64
              : onnxDataType.uint8
  const count = dims.reduce((a, b) => a * b, 1)
  if (count !== data.length) {
    throw new Error(`tensor ${name}: ${data.length} values do not fill dims [${dims.join(', ')}]`)
  }
  return { name, dims: [...dims], dataType, rawData: littleEndianBytes(data) }
}

export function int64Tensor(name: string, values: readonly number[], dims: readonly number[] = [values.length]): OnnxTypes.ITensorProto {
  return makeTensor(name, dims, BigInt64Array.from(values.map((v) => BigInt(v))))
}

/** A value info: name, element type and shape (dims as numbers, symbolic names, or null for unknown). */
export function makeValueInfo(name: string, dtype: OnnxDtypeName, shape: readonly OnnxDim[] | null): OnnxTypes.IValueInfoProto {
  const tensorType: OnnxTypes.TypeProto.ITensor = { elemType: onnxDataType[dtype] }
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    }
  }
  return { name, type: { tensorType } }
}

/** Encodes a model; the result is a plain Uint8Array of its own (not a view into protobufjs's buffer pool). */
export function encodeModel(model: OnnxTypes.IModelProto): Uint8Array {
  return new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish())
}

/**
 * Decodes a model into plain objects (int64 as numbers, bytes as Uint8Array), for inspection and tests.
 * Bytes that are not a model are INVALID_FILE (protobufjs throws plain errors, or overflows the stack on
 * absurd nesting).
 */
export function decodeModel(bytes: Uint8Array): OnnxTypes.IModelProto {
  try {
    const message = onnx.ModelProto.decode(bytes)
    return onnx.ModelProto.toObject(message, { longs: Number, defaults: false }) as OnnxTypes.IModelProto
  } catch {
    throw new PerceptError('INVALID_FILE', 'This is not a readable ONNX model: its protobuf encoding is damaged or cut short. Export or copy the model again.')
  }
}
