import { EventEmitter } from 'node:events'

/**
 * A stand-in for the 'electron' module, just large enough for electron/main.ts and preload.ts:
 * it records what the shell asks of Electron so tests can check it and call the registered handlers.
 */

export interface FakeOptions {
  singleInstance?: boolean
  isPackaged?: boolean
  appPath?: string
  userData?: string
}

type Handler = (...args: unknown[]) => unknown
export interface WindowOpenResult {
  action: string
}

export class FakeSession {
  permissionRequest: Handler | null = null
  permissionCheck: Handler | null = null
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequest = handler
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheck = handler
  }
}

export class FakeWebContents extends EventEmitter {
  readonly sent: unknown[][] = []
  windowOpenHandler: ((details: { url: string }) => WindowOpenResult) | null = null
  destroyed = false
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args])
  }
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenResult): void {
    this.windowOpenHandler = handler
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Emits a navigation event the way Electron 39 does and says whether it was prevented. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false
    this.emit(kind, { url, preventDefault: () => (prevented = true) }, url)
    return prevented
  }
}

export function createFakeElectron(options: FakeOptions = {}) {
  const record = {
    quit: 0,
    exitCodes: [] as number[],
    sandboxEnabled: false,
    errorBoxes: [] as Array<[string, string]>,
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, Handler>(),
    windows: [] as FakeBrowserWindow[],
    webContents: [] as FakeWebContents[],
  }
  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    quit: () => {
      record.quit++
    },
    exit: (code = 0) => {
      record.exitCodes.push(code)
    },
    enableSandbox: () => {
      record.sandboxEnabled = true
    },
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`)
      return options.userData ?? '/nonexistent/user-data'
    },
    getAppPath: () => options.appPath ?? '/nonexistent/app',
  })

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents()
    loadedUrl: string | null = null
    shown = false
    focused = 0
    destroyed = false
    constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
      super()
      record.windows.push(this)
      record.webContents.push(this.webContents)
      app.emit('web-contents-created', {}, this.webContents)
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url
      return Promise.resolve()
    }
    show(): void {
      this.shown = true
    }
    focus(): void {
      this.focused++
    }
    isMinimized(): boolean {
      return false
    }
    restore(): void {}
    isDestroyed(): boolean {
      return this.destroyed
    }
    close(): void {
      this.destroyed = true
      this.webContents.destroyed = true
      this.emit('closed')
    }
  }

  const defaultSession = new FakeSession()
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      showErrorBox: (title: string, content: string) => {
        record.errorBoxes.push([title, content])
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        record.privilegedSchemes.push(...schemes)
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        record.protocolHandlers.set(scheme, handler)
      },
    },
    ipcMain: {
      handle: (channel: string, handler: Handler) => {
        if (record.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
        record.ipcHandlers.set(channel, handler)
      },
      removeHandler: (channel: string) => {
        record.ipcHandlers.delete(channel)
      },
    },
    session: { defaultSession },
  }
  return { module, record, app, defaultSession }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>
