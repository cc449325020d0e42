/**
 * The label-surface binary that `mri.meshes` serves (layout in main/api/mri.ts, MeshSummary.url), all
 * little endian: uint32 vertex count V, uint32 triangle count T, V x 3 float32 positions (world mm, RAS+),
 * V x 3 float32 normals, T x 3 uint32 indices.
 */
export interface MeshArrays {
  vertexCount: number
  triangleCount: number
  /** x, y, z per vertex, world mm (RAS+). */
  positions: Float32Array
  /** Unit normals, one per vertex. */
  normals: Float32Array
  /** Three vertex indices per triangle. */
  indices: Uint32Array
}

const headerBytes = 8

/** Bytes a mesh of V vertices and T triangles takes. */
export function meshByteLength(vertexCount: number, triangleCount: number): number {
  return headerBytes + vertexCount * 24 + triangleCount * 12
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

function asBytes(source: ArrayBuffer | ArrayBufferView): Uint8Array {
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
}

/**
 * Reads a mesh binary into typed arrays. Throws an Error naming what is wrong when the buffer is shorter
 * or longer than its header announces or an index points past the vertices. The arrays view the buffer
 * directly when it is aligned and the host is little endian (every platform Electron ships on); otherwise
 * they are copies.
 */
export function parseMeshBinary(source: ArrayBuffer | ArrayBufferView): MeshArrays {
  const bytes = asBytes(source)
  if (bytes.byteLength < headerBytes) {
    throw new Error(`The mesh data is ${bytes.byteLength} bytes long, too short for its 8-byte header; reload the surfaces.`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vertexCount = view.getUint32(0, true)
  const triangleCount = view.getUint32(4, true)
  const expected = meshByteLength(vertexCount, triangleCount)
  if (bytes.byteLength !== expected) {
    const which = bytes.byteLength < expected ? 'short' : 'long'
    throw new Error(
      `The mesh data is ${which}: ${vertexCount} vertices and ${triangleCount} triangles need ${expected} bytes, got ${bytes.byteLength}; reload the surfaces.`,
    )
  }
  const positionsAt = headerBytes
  const normalsAt = positionsAt + vertexCount * 12
  const indicesAt = normalsAt + vertexCount * 12
  let positions: Float32Array
  let normals: Float32Array
  let indices: Uint32Array
  if (littleEndianHost && bytes.byteOffset % 4 === 0) {
    positions = new Float32Array(bytes.buffer, bytes.byteOffset + positionsAt, vertexCount * 3)
    normals = new Float32Array(bytes.buffer, bytes.byteOffset + normalsAt, vertexCount * 3)
    indices = new Uint32Array(bytes.buffer, bytes.byteOffset + indicesAt, triangleCount * 3)
  } else {
    positions = new Float32Array(vertexCount * 3)
    normals = new Float32Array(vertexCount * 3)
    indices = new Uint32Array(triangleCount * 3)
    for (let i = 0; i < positions.length; i++) {
      positions[i] = view.getFloat32(positionsAt + i * 4, true)
      normals[i] = view.getFloat32(normalsAt + i * 4, true)
    }
    for (let i = 0; i < indices.length; i++) indices[i] = view.getUint32(indicesAt + i * 4, true)
  }
  for (let i = 0; i < indices.length; i++) {
    if (indices[i]! >= vertexCount) {
      throw new Error(`The mesh data is damaged: triangle ${Math.floor(i / 3)} uses vertex ${indices[i]} of ${vertexCount}; reload the surfaces.`)
    }
  }
  return { vertexCount, triangleCount, positions, normals, indices }
}

/** Writes typed arrays in the same layout (for exports and tests). */
export function encodeMeshBinary(mesh: Pick<MeshArrays, 'positions' | 'normals' | 'indices'>): ArrayBuffer {
  const vertexCount = mesh.positions.length / 3
  const triangleCount = mesh.indices.length / 3
  if (!Number.isInteger(vertexCount) || !Number.isInteger(triangleCount) || mesh.normals.length !== mesh.positions.length) {
    throw new Error('A mesh needs three position and three normal values per vertex and three indices per triangle.')
  }
  const buffer = new ArrayBuffer(meshByteLength(vertexCount, triangleCount))
  const view = new DataView(buffer)
  view.setUint32(0, vertexCount, true)
  view.setUint32(4, triangleCount, true)
  let at = headerBytes
  for (const value of mesh.positions) {
    view.setFloat32(at, value, true)
    at += 4
  }
  for (const value of mesh.normals) {
    view.setFloat32(at, value, true)
    at += 4
  }
  for (const value of mesh.indices) {
    view.setUint32(at, value, true)
    at += 4
  }
  return buffer
}
