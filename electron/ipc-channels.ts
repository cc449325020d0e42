/**
 * The two IPC channels between the main process and the preload bridge. Imported by both sides, so
 * this file must stay free of runtime imports (the sandboxed preload bundles it).
 */
export const CALL_CHANNEL = 'percept:call'
export const EVENT_CHANNEL = 'percept:event'

/** The origin the packaged renderer runs at: app://percept (see app-protocol.ts). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'percept'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_START_URL = `${APP_ORIGIN}/index.html`
