import type { Mesh } from './mesh'

/** Positions to 0.1 µm and normals to 1e-6: well under float32's own precision at brain scale. */
function formatted(value: number, digits: number): string {
  const text = value.toFixed(digits).replace(/\.?0+$/, '')
  return text === '-0' || text === '' ? '0' : text
}

/**
 * Wavefront OBJ text: one object named for the structure, `v` positions (mm), `vn` unit normals, and
 * `f a//a b//b c//c` faces with 1-based indices (the format counts from 1), counter-clockwise seen from
 * outside as OBJ expects.
 */
export function meshToObj(mesh: Mesh, name: string): string {
  const { positions, normals, indices } = mesh
  const objectName = name.trim().replace(/\s+/g, '_') || 'surface'
  const lines: string[] = [
    `# ${name.replace(/[\r\n]+/g, ' ')}: ${positions.length / 3} vertices, ${indices.length / 3} triangles, world mm (RAS+)`,
    `o ${objectName}`,
  ]
  for (let v = 0; v < positions.length; v += 3) {
    lines.push(`v ${formatted(positions[v]!, 4)} ${formatted(positions[v + 1]!, 4)} ${formatted(positions[v + 2]!, 4)}`)
  }
  for (let v = 0; v < normals.length; v += 3) {
    lines.push(`vn ${formatted(normals[v]!, 6)} ${formatted(normals[v + 1]!, 6)} ${formatted(normals[v + 2]!, 6)}`)
  }
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! + 1
    const b = indices[t + 1]! + 1
    const c = indices[t + 2]! + 1
    lines.push(`f ${a}//${a} ${b}//${b} ${c}//${c}`)
  }
  return lines.join('\n') + '\n'
}
