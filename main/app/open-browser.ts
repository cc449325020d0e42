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

/** Opens the URL in PERCEPT_BROWSER, else Chromium, else the desktop's default handler. */
export function openBrowser(url: string): string | null {
  const candidates = [process.env.PERCEPT_BROWSER, 'chromium', 'chromium-browser', 'google-chrome', 'xdg-open', 'open']
  for (const name of candidates) {
    if (!name) continue
    const path = name.includes('/') ? name : onPath(name)
    if (!path) continue
    const isChromium = /chrom/i.test(path)
    const args = isChromium ? [`--app=${url}`, '--disable-background-networking', '--no-first-run'] : [url]
    spawn(path, args, { detached: true, stdio: 'ignore' }).unref()
    return path
  }
  return null
}
