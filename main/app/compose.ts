import { EventBus } from '../core/event-bus'
import { JobStore } from '../core/job-store'
import { Logger } from '../core/logger'
import { SettingsStore } from '../core/settings-store'
import { Workspace } from '../core/workspace'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { createHandlers } from './handlers'
import { Router, type Door } from './router'

export interface PerceptOptions {
  door: Door
  /** The door's preferred workspace folder (Electron's userData); PERCEPT_HOME still wins. */
  proposedHome?: string
  sqliteBinding?: string
}

export interface PerceptApp {
  router: Router
  events: EventBus
  log: Logger
  workspace: Workspace
  close(): void
}

/** The composition root: every service is created here and handed down, never reached through a global. */
export function createPercept(options: PerceptOptions): PerceptApp {
  const events = new EventBus()
  const log = new Logger(events)
  const workspace = Workspace.open({
    home: resolveWorkspaceHome(options.proposedHome),
    door: options.door,
    sqliteBinding: options.sqliteBinding,
  })
  const settings = new SettingsStore(workspace, events)
  const jobs = new JobStore(workspace)
  const interrupted = jobs.markInterrupted()
  if (interrupted) log.warn(`${interrupted} job(s) were running when the app last stopped; they can be resumed.`)
  const router = new Router(createHandlers({ workspace, settings, jobs }), events, log.child('router'))
  log.info(`workspace ${workspace.home} (schema ${workspace.schemaVersion}) opened by ${options.door}`)
  return {
    router,
    events,
    log,
    workspace,
    close: () => workspace.close(),
  }
}
