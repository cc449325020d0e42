import { describe, expect, it } from 'vitest'
import { encodeMeshBinary, meshByteLength, parseMeshBinary } from '../../../../renderer/src/workspaces/mri/lib/3d/mesh-binary'

// A unit tetrahedron written byte by byte in the layout main/api/mri.ts documents.
const positions = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]
const normals = [-0.577, -0.577, -0.577, 1, 0, 0, 0, 1, 0, 0, 0, 1]
const indices = [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]

function handWritten(offset = 0): Uint8Array {
  const bytes = new Uint8Array(offset + 8 + 4 * 24 + 4 * 12)
  const view = new DataView(bytes.buffer, offset)
  view.setUint32(0, 4, true)
  view.setUint32(4, 4, true)
  positions.forEach((v, i) => view.setFloat32(8 + i * 4, v, true))
  normals.forEach((v, i) => view.setFloat32(8 + 48 + i * 4, v, true))
  indices.forEach((v, i) => view.setUint32(8 + 96 + i * 4, v, true))
  return bytes.subarray(offset)
}

describe('mesh binary', () => {
  it('reads counts, positions, normals and indices of a hand-written tetrahedron', () => {
    const mesh = parseMeshBinary(handWritten().slice().buffer)
    expect(mesh.vertexCount).toBe(4)
    expect(mesh.triangleCount).toBe(4)
    expect([...mesh.positions]).toEqual(positions)
    expect(mesh.normals[3]).toBe(1)
    expect(mesh.normals[0]).toBeCloseTo(-0.577, 6)
    expect([...mesh.indices]).toEqual(indices)
  })

  it('reads a view at an unaligned offset (copies) the same as an aligned buffer', () => {
    const mesh = parseMeshBinary(handWritten(3))
    expect([...mesh.positions]).toEqual(positions)
    expect([...mesh.indices]).toEqual(indices)
  })

  it('round-trips through the encoder', () => {
    const buffer = encodeMeshBinary({ positions: new Float32Array(positions), normals: new Float32Array(normals), indices: new Uint32Array(indices) })
    expect(buffer.byteLength).toBe(8 + 4 * 24 + 4 * 12)
    expect(new Uint8Array(buffer)).toEqual(handWritten())
    const mesh = parseMeshBinary(buffer)
    expect([...mesh.positions]).toEqual(positions)
    expect([...mesh.indices]).toEqual(indices)
  })

  it('takes an empty mesh (a label too small to surface)', () => {
    const mesh = parseMeshBinary(new ArrayBuffer(8))
    expect(mesh.vertexCount).toBe(0)
    expect(mesh.positions.length).toBe(0)
  })

  it('refuses a buffer shorter than its header', () => {
    expect(() => parseMeshBinary(new ArrayBuffer(5))).toThrow(/5 bytes long, too short for its 8-byte header/)
  })

  it('refuses a truncated body, naming the sizes', () => {
    const whole = handWritten()
    expect(meshByteLength(4, 4)).toBe(whole.byteLength)
    expect(() => parseMeshBinary(whole.slice(0, whole.byteLength - 4))).toThrow(`need ${whole.byteLength} bytes, got ${whole.byteLength - 4}`)
    expect(() => parseMeshBinary(whole.slice(0, whole.byteLength - 4))).toThrow(/short/)
  })

  it('refuses trailing bytes and an index past the vertices', () => {
    const longer = new Uint8Array(handWritten().byteLength + 4)
    longer.set(handWritten())
    expect(() => parseMeshBinary(longer)).toThrow(/long/)
    const damaged = handWritten().slice()
    new DataView(damaged.buffer).setUint32(8 + 96 + 5 * 4, 9, true)
    expect(() => parseMeshBinary(damaged)).toThrow(/triangle 1 uses vertex 9 of 4/)
  })
})
