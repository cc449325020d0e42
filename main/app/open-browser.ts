import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // keep looking
    }
  }
  return null
}

/**
 * The browser to start for a URL and its arguments: PERCEPT_BROWSER, else Chromium, else the desktop's
 * default handler. Arguments are readable by every local user (ps), so the URL given here must carry no
 * lasting secret: `percept serve --open` passes a one-time code (WebServer.openUrl), never the token.
 */
export function browserCommand(url: string): { path: string; args: string[] } | null {
  const candidates = [process.env.PERCEPT_BROWSER, 'chromium', 'chromium-browser', 'google-chrome', 'xdg-open', 'open']
  for (const name of candidates) {
    if (!name) continue
    const path = name.includes('/') ? name : onPath(name)
    if (!path) continue
    const isChromium = /chrom/i.test(path)
    return { path, args: isChromium ? [`--app=${url}`, '--disable-background-networking', '--no-first-run'] : [url] }
  }
  return null
}

/** Opens the URL (see browserCommand); returns the browser started, or null when none was found. */
export function openBrowser(url: string): string | null {
  const command = browserCommand(url)
  if (!command) return null
  // A browser that fails to start must not take the server down with an unhandled 'error' event.
  const child = spawn(command.path, command.args, { detached: true, stdio: 'ignore' })
  child.on('error', (error) => process.stderr.write(`percept: could not start ${command.path}: ${error.message}\n`))
  child.unref()
  return command.path
}
