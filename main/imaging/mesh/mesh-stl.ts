import { faceNormal, type Mesh } from './mesh'

const headerBytes = 80
const facetBytes = 50

/**
 * Binary STL (the 3D Systems format): an 80-byte header, a little-endian uint32 triangle count, then per
 * triangle its unit normal, its three vertices (float32 x, y, z each) and a zero uint16 attribute. STL
 * has no units; ours are mm. The header holds the name in printable ASCII and never starts with "solid",
 * which some readers take as the mark of an ASCII STL.
 */
export function meshToStl(mesh: Mesh, name: string): Uint8Array {
  const { positions: p, indices } = mesh
  const triangles = indices.length / 3
  const bytes = new Uint8Array(headerBytes + 4 + triangles * facetBytes)
  const header = `binary STL, mm: ${name}`.replace(/[^\x20-\x7e]/g, '_').slice(0, headerBytes)
  for (let i = 0; i < header.length; i++) bytes[i] = header.charCodeAt(i)
  const view = new DataView(bytes.buffer)
  view.setUint32(headerBytes, triangles, true)
  let at = headerBytes + 4
  const normal = new Float64Array(3)
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3
    const b = indices[t + 1]! * 3
    const c = indices[t + 2]! * 3
    faceNormal(p, a, b, c, normal)
    let nx = normal[0]!
    let ny = normal[1]!
    let nz = normal[2]!
    const length = Math.hypot(nx, ny, nz)
    if (length > 0) {
      nx /= length
      ny /= length
      nz /= length
    }
    view.setFloat32(at, nx, true)
    view.setFloat32(at + 4, ny, true)
    view.setFloat32(at + 8, nz, true)
    at += 12
    for (const v of [a, b, c]) {
      view.setFloat32(at, p[v]!, true)
      view.setFloat32(at + 4, p[v + 1]!, true)
      view.setFloat32(at + 8, p[v + 2]!, true)
      at += 12
    }
    view.setUint16(at, 0, true)
    at += 2
  }
  return bytes
}
