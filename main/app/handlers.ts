import type { AppInfo } from '../api'
import { probeBackends } from '../compute/backends'
import { onnxRuntimeVersion } from '../compute/onnx-runtime'
import type { JobStore } from '../core/job-store'
import type { SettingsStore } from '../core/settings-store'
import type { Workspace } from '../core/workspace'
import { appMeta } from './app-meta'
import type { Door, Handlers } from './router'

/** Facts about this installation that need no workspace: what `percept info` prints. */
export async function collectAppInfo(workspace: string, door: Door): Promise<AppInfo> {
  const [backends, onnxruntime] = await Promise.all([probeBackends(), onnxRuntimeVersion()])
  return {
    name: appMeta.name,
    version: appMeta.version,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    onnxruntime,
    tfBackends: backends.available,
    tfBackend: backends.available[0] ?? null,
    workspace,
    door,
  }
}

export interface Services {
  workspace: Workspace
  settings: SettingsStore
  jobs: JobStore
}

export function createHandlers({ workspace, settings, jobs }: Services): Handlers {
  return {
    'app.info': (_input, context) => collectAppInfo(workspace.home, context.door),
    'workspace.info': () => ({
      path: workspace.home,
      schemaVersion: workspace.schemaVersion,
      folders: {
        datasets: workspace.folder('datasets'),
        models: workspace.folder('models'),
        runs: workspace.folder('runs'),
        cache: workspace.folder('cache'),
      },
    }),
    'settings.get': ({ key }) => ({ key, value: settings.get(key) }),
    'settings.set': ({ key, value }) => ({ key, value: settings.set(key, value) }),
    'jobs.list': ({ states }) => jobs.list(states),
  }
}

