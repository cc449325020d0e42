import type { Session, WebContents } from 'electron'

/**
 * Keeps every web page inside the app: no new windows, no navigation or redirect to another origin,
 * no <webview>, no permissions. Applied to every webContents Electron creates, not only ours.
 */

/** scheme://host[:port] of a URL, or null for URLs without a host (data:, about:, junk). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url)
    // URL.origin is "null" for non-special schemes such as app:, so build it from its parts.
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null
  } catch {
    return null
  }
}

export function isAllowedUrl(url: string, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(url)
  return origin !== null && allowedOrigins.includes(origin)
}

export function guardWebContents(
  contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>,
  allowedOrigins: readonly string[],
): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => {
    if (!isAllowedUrl(event.url, allowedOrigins)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isAllowedUrl(event.url, allowedOrigins)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Camera, microphone, notifications, geolocation...: the workbench needs none, so every request is refused. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}
