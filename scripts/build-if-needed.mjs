#!/usr/bin/env node
// Builds the app (electron-vite) when out/ is missing or older than the sources; used by `npm start` and
// `npm run bench`, and runnable on its own.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outputs = ['out/main/index.js', 'out/main/cli.js', 'out/main/job-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html']
const sources = ['main', 'electron', 'renderer', 'package.json', 'electron.vite.config.ts']

function newestMtime(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function needsBuild() {
  const built = outputs.map((p) => join(root, p))
  if (!built.every(existsSync)) return true
  const oldestOutput = Math.min(...built.map((p) => statSync(p).mtimeMs))
  return sources.some((p) => existsSync(join(root, p)) && newestMtime(join(root, p)) > oldestOutput)
}

export function ensureBuilt() {
  if (!needsBuild()) return
  console.log('Building Percept Workbench…')
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}


if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuilt()
