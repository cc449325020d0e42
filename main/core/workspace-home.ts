import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Where the workspace lives: PERCEPT_HOME when set, else the folder the door proposes
 * (Electron's userData), else ~/.percept.
 */
export function resolveWorkspaceHome(proposed?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PERCEPT_HOME && env.PERCEPT_HOME.trim() !== '') return resolve(env.PERCEPT_HOME)
  if (proposed) return resolve(proposed)
  return join(homedir(), '.percept')
}

export const workspaceFolders = ['datasets', 'models', 'runs', 'cache', 'faces'] as const
export type WorkspaceFolder = (typeof workspaceFolders)[number]
