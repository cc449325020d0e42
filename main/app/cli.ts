import { Command, InvalidArgumentError } from 'commander'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PerceptError } from '../core/errors'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { appMeta } from './app-meta'
import { createPercept } from './compose'
import { registerAudioCommands } from './cli-audio'
import { registerBenchCommands } from './cli-bench'
import { registerEnhanceCommands } from './cli-enhance'
import { registerEscCommands } from './cli-esc'
import { registerFacesCommands } from './cli-faces'
import { registerJobCommands } from './cli-jobs'
import { registerModelCommands } from './cli-models'
import { registerMriCommands } from './cli-mri'
import { registerTtsCommands } from './cli-tts'
import { collectAppInfo } from './handlers'
import { advertiseEndpoint } from './instance-endpoint'
import { appLastResort, installLastResort } from './last-resort'
import { openBrowser } from './open-browser'
import { startWebServer } from './web-server'

/** The built renderer sits beside the built main process: out/main/cli.js -> out/renderer. */
const defaultRendererDir = resolve(dirname(fileURLToPath(import.meta.url)), '../renderer')

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 (any free port) to 65535.')
  }
  return port
}

async function info(json: boolean): Promise<void> {
  const facts = await collectAppInfo(resolveWorkspaceHome(), 'cli')
  if (json) {
    const { door: _door, ...rest } = facts
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n')
    return
  }
  const rows: [string, string][] = [
    ['Version', facts.version],
    ['Node.js', facts.node],
    ['Electron', facts.electron ?? 'not running under Electron'],
    ['ONNX Runtime', facts.onnxruntime ?? 'not loadable here'],
    ['TF.js backends', facts.tfBackends.join(', ') || 'none'],
    ['TF.js in use', facts.tfBackend ?? 'none'],
    ...Object.entries(facts.tfBackendNotes ?? {}).map(([name, note]): [string, string] => [`  ${name}`, note]),
    ['Workspace', facts.workspace],
  ]
  process.stdout.write(`${facts.name}\n` + rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join('\n') + '\n')
}

/** Set by commands that keep running (serve); every other command ends the process when it is done. */
let keepRunning = false

async function serve(options: { port: number; host: string; open?: boolean }): Promise<void> {
  const app = createPercept({ door: 'web' })
  let server
  try {
    server = await startWebServer({ router: app.router, resources: app.resources, log: app.log.child('web'), rendererDir: defaultRendererDir, ...options })
  } catch (error) {
    app.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new PerceptError('UNAVAILABLE', `Port ${options.port} is in use; pick another with --port, or --port 0 for any free port.`)
    throw error
  }
  keepRunning = true
  installLastResort(appLastResort(app, [server.claimError]))
  advertiseEndpoint(app.workspace.home, server)
  process.stdout.write(`Percept Workbench is running at ${server.url}\n`)
  process.stdout.write(`Workspace: ${app.workspace.home}. Press Ctrl+C to stop.\n`)
  // The browser gets a one-time code, not the token: its command line is readable by every local user.
  if (options.open && !openBrowser(server.openUrl())) process.stdout.write('No browser found to open; open the address above yourself.\n')
  const stop = (): void => {
    void server.close().finally(() => {
      app.close()
      process.exit(0)
    })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

export function buildProgram(): Command {
  const program = new Command('percept')
    .description(`${appMeta.name}: sound classification, brain MRI, face recognition, text-to-speech and speech enhancement tools that run offline.`)
    .version(appMeta.version, '-v, --version')
    .showHelpAfterError()
  program
    .command('info')
    .description('show versions, the TF.js backends that load here, and the workspace path')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => info(Boolean(opts.json)))
  program
    .command('serve')
    .description('serve the app to a browser on this machine (browser mode)')
    .option('-p, --port <port>', 'port (0 = any free port)', parsePort, 5757)
    .option('--host <host>', 'address to listen on; keep the default loopback unless you know why', '127.0.0.1')
    .option('--open', 'open the app in Chromium (or the default browser)')
    .action((opts: { port: number; host: string; open?: boolean }) => serve(opts))
  registerJobCommands(program)
  registerModelCommands(program)
  registerAudioCommands(program)
  registerMriCommands(program)
  registerEscCommands(program)
  registerEnhanceCommands(program)
  registerFacesCommands(program)
  registerTtsCommands(program)
  registerBenchCommands(program)
  return program
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv)
  } catch (error) {
    keepRunning = false
    const message = error instanceof PerceptError ? `${error.message} [${error.code}]` : (error as Error).stack ?? String(error)
    process.stderr.write(`percept: ${message}\n`)
    process.exitCode = 1
  }
  // Backends may leave threads behind (wasm's pthread pool, onnxruntime): a one-shot command must still end.
  if (!keepRunning) process.stdout.write('', () => process.exit(process.exitCode ?? 0))
}
