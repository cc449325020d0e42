import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// The process-level last resort of `percept serve`, in a real process: an error that escapes one request
// fails that request and the server carries on; one from anywhere else stops the process with code 1 and
// a message, after marking the running job interrupted (resumable from its checkpoint).

let root: string
let cleanup: () => void
let child: ChildProcess | undefined

beforeEach(() => ({ home: root, cleanup } = tempHome()))
afterEach(() => {
  child?.kill('SIGKILL')
  child = undefined
  cleanup()
})

interface Host {
  child: ChildProcess
  output: () => string
  /** The first JSON line printed with this key. */
  line: (key: string) => Promise<string>
  exited: Promise<number | null>
}

function startHost(mode: 'request' | 'exception' | 'rejection'): Host {
  const rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Percept Workbench</title>')
  const script = fileURLToPath(new URL('./fixtures/last-resort-host.ts', import.meta.url))
  const started = spawn(process.execPath, ['--import', 'tsx', script, join(root, 'workspace'), rendererDir, mode], {
    cwd: repoRoot,
    // The logger's lines must reach stderr here: the test reads them.
    env: { ...process.env, PERCEPT_QUIET: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child = started
  let output = ''
  started.stdout!.on('data', (d) => (output += d))
  started.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((done) => started.once('exit', (code) => done(code)))
  const line = (key: string) =>
    new Promise<string>((done, fail) => {
      const look = (): boolean => {
        const match = new RegExp(`\\{"${key}":"([^"]+)"\\}`).exec(output)
        if (match) done(match[1]!)
        return Boolean(match)
      }
      if (look()) return
      started.stdout!.on('data', look)
      void exited.then((code) => fail(new Error(`the host exited (${code}) before printing ${key}:\n${output}`)))
    })
  return { child: started, output: () => output, line, exited }
}

describe('the last resort of percept serve', () => {
  it('fails only the request an escaped error came from, and keeps serving', async () => {
    const host = startHost('request')
    const url = new URL(await host.line('url'))
    const token = url.searchParams.get('token')!
    const call = await fetch(`${url.origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ method: 'settings.set', input: { key: 'theme', value: 'dark' } }),
    })
    expect(call.status).toBe(200)
    await expect.poll(host.output, { timeout: 10_000 }).toMatch(/an uncaught exception escaped from one web request, which failed; the server keeps serving\. Error: a bug reached from one request/)
    expect((await fetch(`${url.origin}/`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200)
    expect(host.child.exitCode).toBe(null)
  })

  for (const [mode, what] of [
    ['exception', 'an uncaught exception: Error: a bug outside any request'],
    ['rejection', 'an unhandled promise rejection: Error: a rejection outside any request'],
  ] as const) {
    it(`stops on ${mode === 'exception' ? 'an uncaught exception' : 'an unhandled rejection'} outside any request: job interrupted, workspace closed, code 1`, async () => {
      const host = startHost(mode)
      const jobId = await host.line('running')
      expect(await host.exited).toBe(1)
      expect(host.output()).toContain(`percept: stopped after ${what}. 1 running job(s) were marked interrupted; \`percept jobs resume <id>\` continues a resumable one from its last checkpoint.`)

      // Read as stored by the stopped process: the next start would otherwise mark it interrupted itself.
      const db = new Database(join(root, 'workspace', 'percept.db'), { readonly: true })
      const job = db.prepare('SELECT state FROM jobs WHERE id = ?').get(jobId) as { state: string }
      const logs = db.prepare('SELECT message FROM job_logs WHERE job_id = ?').all(jobId) as { message: string }[]
      db.close()
      expect(job.state).toBe('interrupted')
      expect(logs.map((l) => l.message)).toContain('interrupted: the app is closing')
      expect(existsSync(join(root, 'workspace', 'percept.lock'))).toBe(false)
    })
  }
})
