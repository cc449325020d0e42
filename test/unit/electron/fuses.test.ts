import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'

/*
 * Packaged builds flip Electron's fuses so that the shipped binary cannot be reused as a general Node.js
 * (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect) and loads only its integrity-checked app.asar.
 */
const config = load(readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8')) as {
  electronFuses?: Record<string, unknown>
}

describe('Electron fuses in the build configuration', () => {
  it('turns off run-as-node, NODE_OPTIONS and inspect, and turns on cookie encryption and ASAR integrity', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('uses only fuse names electron-builder knows (a misspelt one would be ignored silently)', () => {
    const schema = createRequire(import.meta.url)('app-builder-lib/scheme.json') as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } }
      properties: Record<string, unknown>
    }
    expect(schema.properties).toHaveProperty('electronFuses')
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties)
    for (const name of Object.keys(config.electronFuses ?? {})) expect(known, name).toContain(name)
  })
})
