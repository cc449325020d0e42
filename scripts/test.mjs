#!/usr/bin/env node
// `npm test`: type-check, build (the CLI and end-to-end tests run the built app), then every vitest
// project; ends with one plain "N passed, N failed" line whatever happened.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const report = join(root, 'test-results', 'vitest.json')
const bin = (name) => join(root, 'node_modules', '.bin', name)

function step(label, command, args) {
  console.log(`\n== ${label}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  return result.status === 0
}

const ok =
  step('type-check', 'npm', ['run', '--silent', 'typecheck']) &&
  step('build', bin('electron-vite'), ['build']) &&
  (rmSync(report, { force: true }),
  step('tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]))

let passed = 0
let failed = 0
if (existsSync(report)) ({ numPassedTests: passed, numFailedTests: failed } = JSON.parse(readFileSync(report, 'utf8')))
// A failed type-check or build, or a test file that did not load, has no failing test of its own to count.
if (!ok && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
process.exit(ok ? 0 : 1)
