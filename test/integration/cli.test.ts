import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { repoRoot, requireBuild, runCli, startServe, type Served } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
const ortVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }).version

let home: string
let cleanup: () => void
const served: Served[] = []
beforeAll(requireBuild)
beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(async () => {
  for (const s of served.splice(0)) await s.stop()
  cleanup()
})

describe('percept CLI', () => {
  it('prints its version and help', async () => {
    const version = await runCli(['--version'])
    expect(version.stdout.trim()).toBe(pkg.version)
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['info', 'serve']) expect(help.stdout).toContain(command)
  })

  it('info --json lists versions, loadable TF.js backends and the workspace', async () => {
    const { code, stdout } = await runCli(['info', '--json'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(Object.keys(info).sort()).toEqual(
      ['electron', 'name', 'node', 'onnxruntime', 'tfBackend', 'tfBackendNotes', 'tfBackends', 'version', 'workspace'].sort(),
    )
    expect(info.version).toBe(pkg.version)
    expect(info.node).toBe(process.versions.node)
    expect(info.electron).toBeNull()
    expect(info.onnxruntime).toBe(ortVersion)
    expect(info.workspace).toBe(home)
    // wasm and cpu ship in the npm packages, so they load on every machine; the native one only where installed.
    expect(info.tfBackends).toEqual(expect.arrayContaining(['wasm', 'cpu']))
    expect(info.tfBackend).toBe(info.tfBackends[0])
    expect(Object.keys(info.tfBackendNotes).sort()).toEqual(['cpu', 'tensorflow', 'wasm'])
    expect(info.tfBackendNotes.cpu).toBe('plain JavaScript')
    expect(info.tfBackendNotes.wasm).toMatch(/^(threaded-simd|simd|plain), \d+ thread/)
  })

  it('explains a bad argument instead of failing obscurely', async () => {
    const { code, stderr } = await runCli(['serve', '--port', 'eighty'], { PERCEPT_HOME: home })
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/port is a whole number/)
  })

  it('serve binds loopback, requires the token, and a second instance is told the workspace is in use', async () => {
    const first = await startServe(home)
    served.push(first)
    expect(new URL(first.url).hostname).toBe('127.0.0.1')
    expect((await fetch(`http://127.0.0.1:${first.port}/`)).status).toBe(401)
    const page = await fetch(first.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app"')

    const second = await runCli(['serve', '--port', '0'], { PERCEPT_HOME: home })
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(/already open in another Percept Workbench/)
    expect(second.stderr).toMatch(/\[WORKSPACE_LOCKED\]/)

    await first.stop()
    expect(existsSync(join(home, 'percept.lock'))).toBe(false)
  })
})
