import { app, BrowserWindow, dialog, ipcMain, protocol, session, type Session, type WebContents } from 'electron'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPercept, type PerceptApp } from '../main/app/compose'
import { appLastResort, installLastResort, type LastResortOptions } from '../main/app/last-resort'
import { handleAppProtocol, registerAppScheme } from './app-protocol'
import { forwardEvents, registerIpcBridge } from './ipc-bridge'
import { createMainWindow, startLocation } from './main-window'
import { chooseSqliteBinding } from './native-binding'
import { denyAllPermissions, guardWebContents } from './navigation-guard'
import { appPaths } from './paths'
import { describeStartupError } from './startup-error'

/**
 * The Electron door's entry. Order matters: the single-instance lock, the app:// scheme and the
 * navigation guard are set up before ready; the workspace, protocol handler, IPC and window after.
 * Every piece lives in its own module; this file only wires them.
 */

const TITLE = 'Percept Workbench'
const mainDir = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url))

export interface Shell {
  percept: PerceptApp
  /** The workbench window, or null while none is open (macOS keeps running without one). */
  window(): BrowserWindow | null
  openWindow(): BrowserWindow
}

function fail(error: unknown): null {
  dialog.showErrorBox(TITLE, describeStartupError(error))
  app.quit()
  return null
}

/** Opens the workspace; a locked or damaged workspace is reported in a dialog and the app quits. */
export function openPercept(): PerceptApp | null {
  const binding = chooseSqliteBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    electron: process.versions.electron,
    abi: process.versions.modules,
  })
  try {
    const percept = createPercept({
      door: 'electron',
      proposedHome: app.getPath('userData'),
      sqliteBinding: binding.sqliteBinding,
    })
    const log = percept.log.child('electron')
    // Worth seeing in a development terminal; routine in a packaged app.
    if (app.isPackaged) log.debug(binding.note)
    else log.info(binding.note)
    return percept
  } catch (error) {
    return fail(error)
  }
}

/**
 * Nothing thrown in the main process passes silently: running jobs are marked interrupted (they resume
 * from their checkpoints), a dialog says what happened, and the app exits.
 */
export function mainLastResort(percept: Pick<PerceptApp, 'log' | 'jobs' | 'close'>): LastResortOptions {
  return {
    ...appLastResort(percept),
    write: (text, done) => {
      dialog.showErrorBox(TITLE, text.replace(/^percept: /, ''))
      done()
    },
    exit: (code) => app.exit(code),
  }
}

export async function bootstrap(): Promise<Shell | null> {
  // A second launch hands over to the first (which focuses its window, below) and leaves.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  registerAppScheme(protocol)
  app.enableSandbox()
  const paths = appPaths(mainDir)
  const location = startLocation(app.isPackaged, process.env.ELECTRON_RENDERER_URL)
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, location.allowedOrigins))
  app.on('session-created', (created: Session) => denyAllPermissions(created))

  await app.whenReady()
  const percept = openPercept()
  if (!percept) return null
  const log = percept.log.child('electron')
  const removeLastResort = installLastResort(mainLastResort(percept))
  denyAllPermissions(session.defaultSession)
  handleAppProtocol(protocol, paths.rendererRoot, percept.resources)

  let mainWindow: BrowserWindow | null = null
  const isTrustedContents = (contents: WebContents): boolean =>
    mainWindow !== null && !mainWindow.isDestroyed() && contents === mainWindow.webContents
  const removeIpc = registerIpcBridge(ipcMain, {
    router: percept.router,
    allowedOrigins: location.allowedOrigins,
    isTrustedContents,
    onRejected: (reason, method) => log.warn(`refused IPC call ${String(method)}: ${reason}`),
  })

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow({
      preload: paths.preload,
      url: location.url,
      onLoadFailed: (error) => log.error(`cannot load ${location.url}: ${error.message}`),
    })
    mainWindow = window
    forwardEvents(percept.events, window)
    window.webContents.on('render-process-gone', (_event, details) => log.error(`renderer gone: ${details.reason}`))
    window.once('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    return window
  }

  app.on('second-instance', () => {
    const window = mainWindow ?? openWindow()
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('activate', () => {
    if (mainWindow === null) openWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    removeIpc()
    removeLastResort()
    percept.close()
  })

  openWindow()
  return { percept, window: () => mainWindow, openWindow }
}

/** Resolves to the running shell, or null when this launch quit (second instance, workspace refused). */
export const started: Promise<Shell | null> = bootstrap().catch(fail)
