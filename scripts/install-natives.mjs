#!/usr/bin/env node
// postinstall: gets the desktop app's native pieces ready, and never fails the install.
//
// 1. Electron's binary: npm may skip Electron's own install script, and offline machines cannot
//    download it. We run that script (with a time limit); without the binary the workbench still runs
//    in browser mode (`npm start`).
// 2. better-sqlite3 for Electron: node_modules/better-sqlite3 stays built for Node (CLI, web door,
//    tests). A copy built for Electron's ABI goes to node_modules/.percept-electron/better_sqlite3.node,
//    which electron/native-binding.ts hands to the workspace in development. Packaged builds do not
//    need it: electron-builder rebuilds the addon for Electron itself.
//
// Prints one line per outcome, prefixed "natives:". Always exits 0.
// Environment: PERCEPT_SKIP_NATIVES=1 skips everything (CI); ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips step 1.

import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = join(root, 'node_modules')
const electronDir = join(modules, 'electron')
const sqliteDir = join(modules, 'better-sqlite3')
const outDir = join(modules, '.percept-electron')
const outBinding = join(outDir, 'better_sqlite3.node')
const outMarker = join(outDir, 'better_sqlite3.json')
const headersUrl = 'https://electronjs.org/headers'

const DOWNLOAD_TIMEOUT_MS = 120_000
const PREBUILD_TIMEOUT_MS = 120_000
const COMPILE_TIMEOUT_MS = 600_000

function say(line) {
  console.log(`natives: ${line}`)
}

/** The first meaningful line of a child's output, to say why something failed without a wall of text. */
function reason(result) {
  if (result.error) return result.error.code === 'ETIMEDOUT' ? 'timed out' : result.error.message
  if (result.signal) return `killed by ${result.signal}`
  const text = `${result.stderr ?? ''}\n${result.stdout ?? ''}`
  // node-gyp explains a failed header download over several lines; say it in one.
  if (/related to network connectivity/.test(text)) return `cannot download Electron's headers from ${headersUrl} (no network?)`
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at /.test(l))
  // Most telling first: a network failure, then a tool's error line, then anything that looks like one.
  const line =
    lines.find((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|certificate/i.test(l)) ??
    lines.find((l) => /ERR!|^error\b/i.test(l)) ??
    lines.find((l) => /error|fail/i.test(l))
  return (line ?? `exit code ${result.status}`).slice(0, 200)
}

function run(command, args, options) {
  return spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
}

/** Environment for the build tools, without npm settings that would override the Electron target (nodedir!). */
function buildEnv() {
  const env = { ...process.env }
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|build_from_source)$/i.test(key)) delete env[key]
  }
  return env
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return null
  }
}

/** Same test as electron/install.js: dist/version matches and the executable named in path.txt exists. */
function electronBinary(version) {
  try {
    const installed = readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '')
    const executable = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()
    const path = join(electronDir, 'dist', executable)
    return installed === version && existsSync(path) ? path : null
  } catch {
    return null
  }
}

function ensureElectron(version) {
  const present = electronBinary(version)
  if (present) return present
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    say(`Electron ${version} binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set); the workbench runs in browser mode: npm start`)
    return null
  }
  const result = run(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    timeout: DOWNLOAD_TIMEOUT_MS,
  })
  const installed = result.status === 0 ? electronBinary(version) : null
  if (installed) {
    say(`downloaded Electron ${version}`)
    return installed
  }
  say(
    `Electron ${version} could not be downloaded (${reason(result)}); the desktop app is unavailable, ` +
      'the workbench runs in browser mode: npm start. To retry: node node_modules/electron/install.js && node scripts/install-natives.mjs',
  )
  return null
}

/** Loads the addon inside Electron running as Node, which proves it was built for Electron's ABI. */
function loadsInElectron(electronPath, binding) {
  const probe = `require(${JSON.stringify(binding)}); process.exit(0)`
  const result = run(electronPath, ['-e', probe], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  })
  return result.status === 0 ? null : reason(result)
}

/** better-sqlite3's own prebuilt binary for this Electron (GitHub releases): fast, no compiler needed. */
function tryPrebuilt(workDir, version) {
  const prebuild = join(modules, 'prebuild-install', 'bin.js')
  if (!existsSync(prebuild)) return 'prebuild-install is not installed'
  const result = run(process.execPath, [prebuild, '--runtime', 'electron', '--target', version, '--verbose'], {
    cwd: workDir,
    env: buildEnv(),
    timeout: PREBUILD_TIMEOUT_MS,
  })
  return result.status === 0 ? null : reason(result)
}

/** Compile from source against Electron's headers. */
function tryCompile(workDir, version) {
  const nodeGyp = join(modules, 'node-gyp', 'bin', 'node-gyp.js')
  const [command, prefix] = existsSync(nodeGyp) ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']]
  const args = [...prefix, 'rebuild', '--release', '--runtime=electron', `--target=${version}`, `--dist-url=${headersUrl}`]
  const result = run(command, args, {
    cwd: workDir,
    env: buildEnv(),
    timeout: COMPILE_TIMEOUT_MS,
    shell: process.platform === 'win32' && command === 'npx',
  })
  return result.status === 0 ? null : reason(result)
}

function buildSqliteForElectron(electronPath, version) {
  if (!existsSync(join(sqliteDir, 'package.json'))) {
    say('better-sqlite3 is not installed; nothing to build for Electron')
    return
  }
  const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim()
  const sqliteVersion = readJson(join(sqliteDir, 'package.json'))?.version
  const marker = readJson(outMarker)
  const rel = relative(root, outBinding)
  if (existsSync(outBinding) && marker?.electron === version && marker?.betterSqlite3 === sqliteVersion) {
    say(`better-sqlite3 ${sqliteVersion} for Electron ${version} is up to date (${rel})`)
    return
  }

  // Work on a copy so the Node build in node_modules/better-sqlite3 is never touched.
  const workDir = mkdtempSync(join(tmpdir(), 'percept-sqlite-electron-'))
  try {
    const source = realpathSync(sqliteDir)
    cpSync(source, workDir, {
      recursive: true,
      dereference: true,
      filter: (path) => relative(source, path).split(/[\\/]/)[0] !== 'build',
    })
    const built = join(workDir, 'build', 'Release', 'better_sqlite3.node')
    const failures = []
    for (const [how, attempt] of [
      ['prebuilt download', tryPrebuilt],
      ['compile', tryCompile],
    ]) {
      const failure = attempt(workDir, version)
      if (failure === null && existsSync(built)) {
        const mismatch = loadsInElectron(electronPath, built)
        if (mismatch === null) {
          mkdirSync(outDir, { recursive: true })
          const staging = `${outBinding}.${process.pid}.tmp`
          cpSync(built, staging)
          renameSync(staging, outBinding)
          writeFileSync(outMarker, JSON.stringify({ electron: version, abi, betterSqlite3: sqliteVersion }, null, 2) + '\n')
          say(`built better-sqlite3 ${sqliteVersion} for Electron ${version} (ABI ${abi}, ${how}) into ${rel}`)
          return
        }
        failures.push(`${how}: built, but Electron cannot load it (${mismatch})`)
      } else {
        failures.push(`${how}: ${failure ?? 'no addon produced'}`)
      }
    }
    say(
      `could not build better-sqlite3 for Electron ${version} (${failures.join('; ')}); the desktop app cannot open ` +
        'its workspace in development until it is built, browser mode (npm start) is unaffected. ' +
        'To retry (needs the network, Python and a C++ compiler): node scripts/install-natives.mjs',
    )
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

function main() {
  if (process.env.PERCEPT_SKIP_NATIVES === '1') {
    say('skipped (PERCEPT_SKIP_NATIVES=1)')
    return
  }
  const electronPackage = readJson(join(electronDir, 'package.json'))
  if (!electronPackage) {
    say('Electron is not installed (production install?); nothing to do, browser mode: npm start')
    return
  }
  const electronPath = ensureElectron(electronPackage.version)
  if (electronPath) buildSqliteForElectron(electronPath, electronPackage.version)
}

try {
  main()
} catch (error) {
  say(`unexpected failure (${error instanceof Error ? error.message : String(error)}); the install goes on. To retry: node scripts/install-natives.mjs`)
}
process.exitCode = 0
