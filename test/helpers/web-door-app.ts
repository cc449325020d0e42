import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPercept, type PerceptApp } from '../../main/app/compose'
import { startWebServer, type WebServer } from '../../main/app/web-server'
import { tempHome } from './temp-home'

export interface WebDoorApp {
  app: PerceptApp
  server: WebServer
  /** http://127.0.0.1:<port> */
  base: string
  /** The temp folder holding the workspace and the renderer. */
  root: string
  /** Whether the server still answers an authorised request: resolves to its status. */
  servingStatus(): Promise<number>
  close(): Promise<void>
}

/** A real app (throwaway workspace) behind a web door on a free loopback port, with a two-file renderer. */
export async function startWebDoorApp(): Promise<WebDoorApp> {
  const { home: root, cleanup } = tempHome()
  const rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Percept Workbench</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  process.env.PERCEPT_HOME = join(root, 'workspace')
  let app: PerceptApp
  try {
    app = createPercept({ door: 'web' })
  } finally {
    delete process.env.PERCEPT_HOME
  }
  const server = await startWebServer({ router: app.router, resources: app.resources, log: app.log, rendererDir, port: 0 })
  const base = `http://127.0.0.1:${server.port}`
  return {
    app,
    server,
    base,
    root,
    servingStatus: async () => (await fetch(`${base}/`, { headers: { Authorization: `Bearer ${server.token}` } })).status,
    close: async () => {
      await server.close()
      app.close()
      cleanup()
    },
  }
}
