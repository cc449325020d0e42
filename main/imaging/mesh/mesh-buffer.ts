import { PerceptError } from '../../core/errors'
import type { Mesh } from './mesh'

const headerBytes = 8

/** Typed arrays use the host's byte order; on a little-endian host (all we ship for) they are copied in bulk. */
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * The mesh as the viewer fetches it, little endian: uint32 V, uint32 T, V*3 float32 positions,
 * V*3 float32 normals, T*3 uint32 indices. Every section starts 4-byte aligned, so the reader can view
 * them in place with typed arrays.
 */
export function meshToBuffer(mesh: Mesh): Uint8Array {
  const vertices = mesh.positions.length / 3
  const triangles = mesh.indices.length / 3
  const bytes = new Uint8Array(headerBytes + vertices * 24 + triangles * 12)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, vertices, true)
  view.setUint32(4, triangles, true)
  const normalsAt = headerBytes + vertices * 12
  const indicesAt = headerBytes + vertices * 24
  if (littleEndianHost) {
    new Float32Array(bytes.buffer, headerBytes, vertices * 3).set(mesh.positions)
    new Float32Array(bytes.buffer, normalsAt, vertices * 3).set(mesh.normals)
    new Uint32Array(bytes.buffer, indicesAt, triangles * 3).set(mesh.indices)
    return bytes
  }
  for (let i = 0; i < mesh.positions.length; i++) view.setFloat32(headerBytes + 4 * i, mesh.positions[i]!, true)
  for (let i = 0; i < mesh.normals.length; i++) view.setFloat32(normalsAt + 4 * i, mesh.normals[i]!, true)
  for (let i = 0; i < mesh.indices.length; i++) view.setUint32(indicesAt + 4 * i, mesh.indices[i]!, true)
  return bytes
}

/** Reads meshToBuffer's layout back; a buffer whose size does not match its counts is refused. */
export function meshFromBuffer(bytes: Uint8Array): Mesh {
  if (bytes.byteLength < headerBytes) {
    throw new PerceptError('INVALID_FILE', 'This mesh buffer is shorter than its 8-byte header; build the surface again.')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vertices = view.getUint32(0, true)
  const triangles = view.getUint32(4, true)
  const expected = headerBytes + vertices * 24 + triangles * 12
  if (bytes.byteLength !== expected) {
    throw new PerceptError(
      'INVALID_FILE',
      `This mesh buffer holds ${bytes.byteLength} bytes but its header announces ${expected}; build the surface again.`,
    )
  }
  const positions = new Float32Array(vertices * 3)
  const normals = new Float32Array(vertices * 3)
  const indices = new Uint32Array(triangles * 3)
  const normalsAt = headerBytes + vertices * 12
  const indicesAt = headerBytes + vertices * 24
  if (littleEndianHost) {
    // Copied through a byte view, since the caller's bytes need not start 4-byte aligned.
    new Uint8Array(positions.buffer).set(bytes.subarray(headerBytes, normalsAt))
    new Uint8Array(normals.buffer).set(bytes.subarray(normalsAt, indicesAt))
    new Uint8Array(indices.buffer).set(bytes.subarray(indicesAt))
  } else {
    for (let i = 0; i < positions.length; i++) positions[i] = view.getFloat32(headerBytes + 4 * i, true)
    for (let i = 0; i < normals.length; i++) normals[i] = view.getFloat32(normalsAt + 4 * i, true)
    for (let i = 0; i < indices.length; i++) indices[i] = view.getUint32(indicesAt + 4 * i, true)
  }
  for (const index of indices) {
    if (index >= vertices) {
      throw new PerceptError('INVALID_FILE', `This mesh buffer names vertex ${index} of ${vertices}; build the surface again.`)
    }
  }
  return { positions, normals, indices }
}
