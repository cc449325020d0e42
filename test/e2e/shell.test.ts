import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, requireBuild, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { tempHome } from '../helpers/temp-home'

const workspaces = ['Sound', 'Speech', 'MRI', 'Faces', 'Runs', 'Models'] as const
const shots = join(repoRoot, 'test-results', 'screenshots')

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let foreignRequests: string[] = []
let consoleErrors: string[] = []

beforeAll(async () => {
  requireBuild()
  mkdirSync(shots, { recursive: true })
  const temp = tempHome()
  cleanup = temp.cleanup
  served = await startServe(temp.home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })

describe('the app shell in Chromium', () => {
  it('shows the six workspaces in the sidebar and the compute backends in the status bar', async () => {
    for (const name of workspaces) await expect(nav().getByRole('link', { name, exact: true }).count()).resolves.toBe(1)
    // Every workspace has a working tool now: none is marked "coming" as a whole in the sidebar.
    expect(await nav().getByTestId('sidebar-coming').count()).toBe(0)
    // No workspace has anything still coming: Speech's tooltip names enhancement among what works.
    expect(await nav().getByRole('link', { name: 'Speech', exact: true }).getAttribute('title')).toMatch(/speech enhancement/)
    for (const name of ['Speech', 'Faces', 'MRI']) expect(await nav().getByRole('link', { name, exact: true }).getAttribute('title')).not.toMatch(/coming/)
    const backends = page.getByTestId('status-backends')
    await backends.waitFor()
    await expect.poll(() => backends.textContent()).toMatch(/wasm/)
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toMatch(/no jobs|0/i)
  })

  it('opens every workspace as a page with its own heading and empty state', async () => {
    for (const name of workspaces) {
      await nav().getByRole('link', { name, exact: true }).click()
      await page.getByRole('heading', { level: 1, name }).waitFor()
      expect(page.url()).toContain(`#/${name.toLowerCase()}`)
      const main = await page.locator('main').innerText()
      expect(main.length, `${name} page explains itself`).toBeGreaterThan(80)
      // Every tool works: no page says one is coming.
      expect(main).not.toMatch(/coming:/i)
      await page.screenshot({ path: join(shots, `light-${name.toLowerCase()}.png`) })
    }
  })

  it('moves between workspaces with the keyboard', async () => {
    await page.keyboard.press('Control+3')
    await page.getByRole('heading', { level: 1, name: 'MRI' }).waitFor()
    await page.keyboard.press('Alt+6')
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor()
    await nav().getByRole('link', { name: 'Sound', exact: true }).focus()
    await page.keyboard.press('ArrowDown')
    const focused = await page.evaluate(() => document.activeElement?.querySelector('.sidebar-label')?.textContent?.trim())
    expect(focused).toBe('Speech')
  })

  it('follows the system theme, toggles, and keeps the choice across reloads', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme)
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(await theme()).toBe('light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(theme).toBe('dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expect.poll(theme).toBe('light')
    const lightBackground = await background()

    const toggle = page.getByRole('button', { name: 'Toggle theme' })
    // system -> light -> dark
    for (let i = 0; i < 3 && (await toggle.getAttribute('data-theme-preference')) !== 'dark'; i++) await toggle.click()
    expect(await toggle.getAttribute('data-theme-preference')).toBe('dark')
    await expect.poll(theme).toBe('dark')
    expect(await background()).not.toBe(lightBackground)
    for (const name of workspaces) {
      await nav().getByRole('link', { name, exact: true }).click()
      await page.getByRole('heading', { level: 1, name }).waitFor()
      await page.screenshot({ path: join(shots, `dark-${name.toLowerCase()}.png`) })
    }
    await page.reload()
    await expect.poll(theme).toBe('dark')
  })

  it('made no request outside its own origin and logged no errors (CSP included)', async () => {
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
  })
})
