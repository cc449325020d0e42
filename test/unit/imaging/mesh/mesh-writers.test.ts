import { describe, expect, it } from 'vitest'
import { marchingCubes, meshArea, meshFromBuffer, meshToBuffer, meshToObj, meshToStl, meshVolumeMm3, type Mesh } from '../../../../main/imaging/mesh'
import { labelVolume, scaled } from './mesh-phantoms'

/** A unit cube [0,1]^3 by hand: 8 vertices, 12 triangles counter-clockwise seen from outside. */
function unitCube(): Mesh {
  const positions = Float32Array.from([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1])
  // prettier-ignore
  const indices = Uint32Array.from([
    0, 2, 1, 0, 3, 2, // z = 0, normal -z
    4, 5, 6, 4, 6, 7, // z = 1, normal +z
    0, 1, 5, 0, 5, 4, // y = 0, normal -y
    3, 7, 6, 3, 6, 2, // y = 1, normal +y
    0, 4, 7, 0, 7, 3, // x = 0, normal -x
    1, 2, 6, 1, 6, 5, // x = 1, normal +x
  ])
  return { positions, normals: new Float32Array(24), indices }
}

describe('mesh measures', () => {
  it('gives the unit cube volume 1 and area 6, and -1 when turned inside out', () => {
    const cube = unitCube()
    expect(meshVolumeMm3(cube)).toBeCloseTo(1, 12)
    expect(meshArea(cube)).toBeCloseTo(6, 12)
    const inverted = { ...cube, indices: cube.indices.map((_, t, all) => all[t - (t % 3) + [0, 2, 1][t % 3]!]!) }
    expect(meshVolumeMm3(inverted)).toBeCloseTo(-1, 12)
  })
})

const sample = marchingCubes(
  labelVolume([4, 4, 4], scaled([1.5, 1, 2], [10, -5, 3]), (i, j, k) => (i >= 1 && i <= 2 && j >= 1 && k === 1 ? 1 : 0)),
  1,
)

describe('meshToStl', () => {
  it('writes an 80-byte header, the count and 50 bytes per facet with unit outward normals', () => {
    const bytes = meshToStl(sample, 'Hippocampus_L')
    const triangles = sample.indices.length / 3
    expect(bytes.byteLength).toBe(80 + 4 + 50 * triangles)
    const header = new TextDecoder().decode(bytes.subarray(0, 80))
    expect(header.startsWith('solid')).toBe(false)
    expect(header).toContain('Hippocampus_L')
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    expect(view.getUint32(80, true)).toBe(triangles)
    // Rebuild the triangles from the facets: same vertices, same enclosed volume, normals along the
    // right-hand cross product of the edges.
    let volume = 0
    for (let t = 0; t < triangles; t++) {
      const at = 84 + 50 * t
      const f = (o: number): number => view.getFloat32(at + o, true)
      const n = [f(0), f(4), f(8)]
      const [a, b, c] = [0, 1, 2].map((v) => [f(12 + 12 * v), f(16 + 12 * v), f(20 + 12 * v)]) as [number[], number[], number[]]
      for (let v = 0; v < 3; v++) {
        const index = sample.indices[3 * t + v]!
        expect([a, b, c][v]).toEqual(Array.from(sample.positions.subarray(index * 3, index * 3 + 3)))
      }
      const u = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!]
      const w = [c[0]! - a[0]!, c[1]! - a[1]!, c[2]! - a[2]!]
      const cross = [u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!]
      const length = Math.hypot(cross[0]!, cross[1]!, cross[2]!)
      for (let i = 0; i < 3; i++) expect(n[i]!).toBeCloseTo(cross[i]! / length, 5)
      volume += (a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) - a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) + a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!)) / 6
      expect(view.getUint16(at + 48, true)).toBe(0)
    }
    expect(volume).toBeCloseTo(meshVolumeMm3(sample), 3)
  })

  it('never starts the header with "solid", even for a structure named so', () => {
    const header = new TextDecoder().decode(meshToStl(sample, 'solid thing').subarray(0, 5))
    expect(header).not.toBe('solid')
  })
})

describe('meshToObj', () => {
  it('parses back to the same vertices, normals and triangles (1-based faces)', () => {
    const text = meshToObj(sample, 'Left Amygdala')
    const lines = text.trim().split('\n')
    expect(lines).toContain('o Left_Amygdala')
    const v = lines.filter((l) => l.startsWith('v ')).map((l) => l.slice(2).split(' ').map(Number))
    const vn = lines.filter((l) => l.startsWith('vn ')).map((l) => l.slice(3).split(' ').map(Number))
    const f = lines.filter((l) => l.startsWith('f ')).map((l) => l.slice(2).split(' '))
    expect(v.length).toBe(sample.positions.length / 3)
    expect(vn.length).toBe(v.length)
    expect(f.length).toBe(sample.indices.length / 3)
    v.forEach((xyz, i) => xyz.forEach((x, a) => expect(x).toBeCloseTo(sample.positions[3 * i + a]!, 4)))
    vn.forEach((xyz, i) => xyz.forEach((x, a) => expect(x).toBeCloseTo(sample.normals[3 * i + a]!, 5)))
    f.forEach((corners, t) =>
      corners.forEach((corner, c) => {
        const [vi, empty, ni] = corner.split('/')
        expect(empty).toBe('')
        expect(Number(vi)).toBe(sample.indices[3 * t + c]! + 1)
        expect(ni).toBe(vi)
      }),
    )
  })
})

describe('meshToBuffer', () => {
  it('lays out V, T, positions, normals, indices little endian and reads back exactly', () => {
    const bytes = meshToBuffer(sample)
    const vertices = sample.positions.length / 3
    const triangles = sample.indices.length / 3
    expect(bytes.byteLength).toBe(8 + vertices * 24 + triangles * 12)
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    expect(view.getUint32(0, true)).toBe(vertices)
    expect(view.getUint32(4, true)).toBe(triangles)
    expect(view.getFloat32(8, true)).toBe(sample.positions[0])
    expect(view.getFloat32(8 + vertices * 12, true)).toBe(sample.normals[0])
    expect(view.getUint32(8 + vertices * 24 + 4, true)).toBe(sample.indices[1])
    const back = meshFromBuffer(bytes)
    expect(back.positions).toEqual(sample.positions)
    expect(back.normals).toEqual(sample.normals)
    expect(back.indices).toEqual(sample.indices)
  })

  it('reads a buffer that does not start 4-byte aligned', () => {
    const bytes = meshToBuffer(sample)
    const shifted = new Uint8Array(bytes.byteLength + 1)
    shifted.set(bytes, 1)
    expect(meshFromBuffer(shifted.subarray(1)).positions).toEqual(sample.positions)
  })

  it('refuses a buffer naming a vertex it does not hold', () => {
    const bytes = meshToBuffer(sample)
    new DataView(bytes.buffer).setUint32(bytes.byteLength - 4, sample.positions.length / 3, true)
    expect(() => meshFromBuffer(bytes)).toThrow(expect.objectContaining({ code: 'INVALID_FILE' }))
  })

  it('refuses a truncated buffer', () => {
    const bytes = meshToBuffer(sample)
    expect(() => meshFromBuffer(bytes.subarray(0, bytes.byteLength - 4))).toThrow(expect.objectContaining({ code: 'INVALID_FILE' }))
  })
})
