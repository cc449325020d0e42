import type { CallResult, MethodInput, MethodName, MethodOutput } from '../api'
import { PerceptError } from '../core/errors'
import { createPercept, type PerceptApp } from './compose'
import { appLastResort, installLastResort } from './last-resort'
import { findRunningInstance, type InstanceEndpoint, type RunningInstance } from './instance-endpoint'

/**
 * How a CLI command reaches a workspace. When an app already holds it (its lock names a live process) the
 * command calls that app through the loopback API address its lock advertises; otherwise it opens the
 * workspace in this process.
 */

export interface ConnectOptions {
  /** Opens the workspace in this process when no running app holds it. */
  openLocal?: (home: string) => PerceptApp
}

export interface WorkspaceClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  /** Set when the workspace is open in this process (no other app held it). */
  local: PerceptApp | null
  where: string
  close(): void
}

function remoteClient(owner: RunningInstance, api: InstanceEndpoint): WorkspaceClient {
  return {
    local: null,
    where: `the running app (${owner.door}, process ${owner.pid})`,
    close: () => {},
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let response: Response
      try {
        response = await fetch(`${api.url}/api/call`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input }),
        })
      } catch (error) {
        throw new PerceptError(
          'UNAVAILABLE',
          `The workspace is open in process ${owner.pid} (${owner.door}), but its API at ${api.url} does not answer ` +
            `(${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}). ` +
            'If that app has hung, stop it and retry.',
        )
      }
      if (response.status === 401) {
        throw new PerceptError('UNAUTHORIZED', `The running app at ${api.url} refused the token in its lock file; restart it and retry.`)
      }
      const result = (await response.json()) as CallResult<MethodOutput<M>>
      if (!result.ok) throw PerceptError.fromWire(result.error)
      return result.value
    },
  }
}

function localClient(app: PerceptApp): WorkspaceClient {
  // Jobs started by this command run in this process: an error nothing caught marks them interrupted.
  const removeLastResort = installLastResort(appLastResort(app))
  return {
    local: app,
    where: 'this process',
    close: () => {
      removeLastResort()
      app.close()
    },
    call: (method, input) => app.router.invoke(method, input, { door: 'cli' }),
  }
}

function lockedWithoutApi(owner: RunningInstance, home: string): PerceptError {
  return new PerceptError(
    'WORKSPACE_LOCKED',
    `The workspace ${home} is open in Percept Workbench (${owner.door}, process ${owner.pid}), which takes no ` +
      'commands from other processes. Use it directly, or close it and run this again.',
  )
}

export function connectWorkspace(home: string, options: ConnectOptions = {}): WorkspaceClient {
  const open = options.openLocal ?? ((at: string) => createPercept({ door: 'cli', proposedHome: at, runQueuedJobs: false }))
  for (let attempt = 0; ; attempt++) {
    const owner = findRunningInstance(home)
    if (owner?.api) return remoteClient(owner, owner.api)
    if (owner) throw lockedWithoutApi(owner, home)
    try {
      return localClient(open(home))
    } catch (error) {
      // An app may have started between the look and the open: look once more.
      if (error instanceof PerceptError && error.code === 'WORKSPACE_LOCKED' && attempt === 0) continue
      throw error
    }
  }
}

/** Runs work with a client for the workspace at home and always lets go of it afterwards. */
export async function withWorkspace<T>(home: string, options: ConnectOptions, work: (client: WorkspaceClient) => Promise<T>): Promise<T> {
  const client = connectWorkspace(home, options)
  try {
    return await work(client)
  } finally {
    client.close()
  }
}

/** Rows of cells as aligned columns; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n'
}
