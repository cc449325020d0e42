import { BrowserWindow, type WebPreferences } from 'electron'
import { APP_ORIGIN, APP_START_URL } from './ipc-channels'
import { originOf } from './navigation-guard'

/** The renderer gets no Node, no Electron and no shared world: only window.percept from the preload. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  }
}

export interface StartLocation {
  /** What the window loads first. */
  url: string
  /** Origins the window may navigate within and call the core from. */
  allowedOrigins: string[]
}

/**
 * app://percept/index.html, or electron-vite's dev server (ELECTRON_RENDERER_URL) in development.
 * A packaged app ignores the variable, so nobody can point an installed app at another server.
 */
export function startLocation(isPackaged: boolean, devServerUrl: string | undefined): StartLocation {
  const devOrigin = !isPackaged && devServerUrl ? originOf(devServerUrl) : null
  if (devServerUrl && devOrigin) return { url: devServerUrl, allowedOrigins: [APP_ORIGIN, devOrigin] }
  return { url: APP_START_URL, allowedOrigins: [APP_ORIGIN] }
}

export interface MainWindowOptions {
  preload: string
  url: string
  /** Told when the first load fails (dev server down, missing build). */
  onLoadFailed?(error: Error): void
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'Percept Workbench',
    show: false,
    webPreferences: secureWebPreferences(options.preload),
  })
  window.once('ready-to-show', () => window.show())
  window.loadURL(options.url).catch((error: unknown) => options.onLoadFailed?.(error as Error))
  return window
}
