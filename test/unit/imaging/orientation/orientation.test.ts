import { describe, expect, it } from 'vitest'
import { axisDirections, isOrientationCode, oppositeLetter, orientationCode, parseOrientationCode } from '../../../../main/imaging/orientation'
import type { Mat4, Vec3 } from '../../../../main/imaging/volume'

/** An affine whose voxel axes i, j, k point along the given world vectors (columns), offset 0. */
function affineOf(i: Vec3, j: Vec3, k: Vec3): Mat4 {
  return [i[0], j[0], k[0], 0, i[1], j[1], k[1], 0, i[2], j[2], k[2], 0, 0, 0, 0, 1]
}

function rotationZ(degrees: number): Mat4 {
  const t = (degrees * Math.PI) / 180
  return affineOf([Math.cos(t), Math.sin(t), 0], [-Math.sin(t), Math.cos(t), 0], [0, 0, 1])
}

describe('orientationCode', () => {
  it('names the world direction of each voxel axis', () => {
    expect(orientationCode(affineOf([1, 0, 0], [0, 1, 0], [0, 0, 1]))).toBe('RAS')
    expect(orientationCode(affineOf([-1, 0, 0], [0, -1, 0], [0, 0, 1]))).toBe('LPS')
    expect(orientationCode(affineOf([-2, 0, 0], [0, 2, 0], [0, 0, 2]))).toBe('LAS')
    // i runs Posterior, j Superior, k Right: a sagittal acquisition.
    expect(orientationCode(affineOf([0, -1, 0], [0, 0, 1], [1, 0, 0]))).toBe('PSR')
    expect(orientationCode(affineOf([0, 0, -3], [1, 0, 0], [0, -0.5, 0]))).toBe('IRP')
  })

  it('ignores scale and translation', () => {
    const a = affineOf([0.5, 0, 0], [0, -1.2, 0], [0, 0, 4])
    a[3] = -90
    a[7] = 120
    a[11] = -70
    expect(orientationCode(a)).toBe('RPS')
  })

  it('gives an oblique axis the world axis it is closest to', () => {
    expect(orientationCode(rotationZ(30))).toBe('RAS')
    // 60° about z: i points mostly Anterior, j mostly Left.
    expect(orientationCode(rotationZ(60))).toBe('ALS')
    expect(orientationCode(rotationZ(-150))).toBe('LPS')
  })

  it('always gives three different world axes, even at an exact 45° tie', () => {
    const directions = axisDirections(rotationZ(45))
    expect(new Set(directions.map((d) => d.world)).size).toBe(3)
    expect(directions[2]).toEqual({ world: 2, sign: 1 })
  })
})

describe('orientation codes', () => {
  it('parses valid codes in any case and refuses the rest', () => {
    expect(parseOrientationCode('lps')).toEqual([
      { world: 0, sign: -1 },
      { world: 1, sign: -1 },
      { world: 2, sign: 1 },
    ])
    expect(parseOrientationCode('PSR')).toEqual([
      { world: 1, sign: -1 },
      { world: 2, sign: 1 },
      { world: 0, sign: 1 },
    ])
    for (const bad of ['RLS', 'RRS', 'XYZ', 'RA', 'RASS', '']) expect(isOrientationCode(bad)).toBe(false)
  })

  it('pairs opposite letters', () => {
    expect(['R', 'L', 'A', 'P', 'S', 'I'].map(oppositeLetter).join('')).toBe('LRPAIS')
    expect(() => oppositeLetter('X')).toThrow(RangeError)
  })

  it('reads back the code of the affine it describes', () => {
    for (const code of ['RAS', 'LPS', 'PSR', 'AIL', 'SLA', 'IPR']) {
      const directions = parseOrientationCode(code)!
      const columns = directions.map((d) => [0, 1, 2].map((w) => (w === d.world ? d.sign : 0)) as Vec3)
      expect(orientationCode(affineOf(columns[0]!, columns[1]!, columns[2]!))).toBe(code)
    }
  })
})
