import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium (or PERCEPT_CHROMIUM), started so that it makes no connection of its own. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.PERCEPT_CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install it (apt-get install chromium) or set PERCEPT_CHROMIUM.`)
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  })
}

/** A page on the app at `url`, with what a test must watch: requests leaving the origin, console errors, CSP violations. */
export interface WatchedPage {
  page: Page
  foreignRequests: string[]
  consoleErrors: string[]
}

export async function openWatchedPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })
  // CSP violations (an inline style attribute, a remote image) are reported to the page; keep them.
  await context.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { __cspViolations: seen })
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective}: ${event.blockedURI}`))
  })
  const page = await context.newPage()
  const origin = new URL(url).origin
  const watched: WatchedPage = { page, foreignRequests: [], consoleErrors: [] }
  page.on('request', (request) => {
    const target = request.url()
    if (!target.startsWith(origin) && !target.startsWith(origin.replace('http', 'ws')) && !target.startsWith('data:')) {
      watched.foreignRequests.push(target)
    }
  })
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => watched.consoleErrors.push(error.message))
  await page.goto(url)
  return watched
}
