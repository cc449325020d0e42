#!/usr/bin/env node
// `npm start`: Electron where its binary is installed and a display exists, else browser mode.
// Builds first when needed (scripts/build-if-needed.mjs). Extra arguments go to
// `percept serve` (e.g. `npm start -- --open --port 8080`); PERCEPT_MODE=browser forces browser mode.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './build-if-needed.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
function electronBinary() {
  try {
    const path = require('electron') // the package exports the binary's path, or throws when it is missing
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
}

ensureBuilt()

const electron = electronBinary()
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
if (electron && hasDisplay && process.env.PERCEPT_MODE !== 'browser') {
  run(electron, [root, ...process.argv.slice(2)])
} else {
  const why = !electron ? 'Electron is not installed here' : !hasDisplay ? 'there is no display' : 'PERCEPT_MODE=browser'
  console.log(`Starting in browser mode (${why}).`)
  const args = process.argv.slice(2)
  if (process.env.PERCEPT_OPEN === '1' && !args.includes('--open')) args.push('--open')
  run(process.execPath, [join(root, 'bin/percept.mjs'), 'serve', ...args])
}
