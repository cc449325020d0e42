import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// ARCHITECTURE.md: the renderer imports main/api as types only, and nothing else from main/.
const root = join(import.meta.dirname, '../../..')
const rendererSrc = join(root, 'renderer/src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return /\.(ts|vue)$/.test(entry.name) ? [path] : []
  })
}

/** Every import/export-from/dynamic import of something under main/, with whether it is type-only. */
function mainImports(code: string): Array<{ specifier: string; typeOnly: boolean }> {
  const found: Array<{ specifier: string; typeOnly: boolean }> = []
  const statement = /\b(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g
  for (const match of code.matchAll(statement)) {
    const specifier = match[4] ?? ''
    if (!/(^|\/)main\//.test(specifier)) continue
    const names = match[3] ?? ''
    // `import { type A, type B } from` is type-only too when every name is marked.
    const inline = /^\{[\s\S]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type'))
    found.push({ specifier, typeOnly: Boolean(match[2]) || inline })
  }
  for (const match of code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    if (/(^|\/)main\//.test(match[1] ?? '')) found.push({ specifier: match[1] ?? '', typeOnly: false })
  }
  return found
}

describe('renderer layering', () => {
  it('imports main/api as types only and nothing else from main/', () => {
    const offences: string[] = []
    let typeImports = 0
    for (const file of sources(rendererSrc)) {
      for (const { specifier, typeOnly } of mainImports(readFileSync(file, 'utf8'))) {
        const where = relative(root, file)
        if (!typeOnly) offences.push(`${where}: runtime import of ${specifier}`)
        else if (!/main\/api$/.test(specifier)) offences.push(`${where}: ${specifier} is not main/api`)
        else typeImports++
      }
    }
    expect(offences).toEqual([])
    expect(typeImports).toBeGreaterThan(0)
  })

  it('the checker catches a runtime import', () => {
    expect(mainImports("import { methods } from '../../../main/api'")).toEqual([{ specifier: '../../../main/api', typeOnly: false }])
    expect(mainImports("import type { AppInfo } from '../../main/api'")[0]?.typeOnly).toBe(true)
    expect(mainImports("const m = import('../../main/core/jobs')")[0]?.typeOnly).toBe(false)
  })
})
