import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const perceptBin = `${repoRoot}bin/percept.mjs`

/** The CLI and e2e tests run the built app, as a user would; `npm test` builds before it tests. */
export function requireBuild(): void {
  if (!existsSync(`${repoRoot}out/main/cli.js`) || !existsSync(`${repoRoot}out/renderer/index.html`)) {
    throw new Error('The app is not built: run `npm run build` first (`npm test` does it for you).')
  }
}

export interface Served {
  url: string
  port: number
  token: string
  child: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** Starts `percept serve --port 0` on the given workspace and waits for the URL it prints. */
export async function startServe(home: string, extraArgs: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [perceptBin, 'serve', '--port', '0', ...extraArgs], {
    env: { ...process.env, PERCEPT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL within 30 s:\n${output}`)), 30_000)
    child.stdout!.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        done(match[1]!)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`serve exited with ${code}:\n${output}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [perceptBin, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }))
  })
}
