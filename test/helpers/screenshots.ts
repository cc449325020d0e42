import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { repoRoot } from './built-app'

/** Where e2e tests leave their screenshots, to be looked at. */
export const screenshotsDir = join(repoRoot, 'test-results', 'screenshots')

/** Sets the theme with the sidebar's toggle, then gives the keyboard back to the page (Space would press the toggle). */
export async function setThemeByToggle(page: Page, wanted: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Toggle theme' })
  for (let i = 0; i < 3 && (await toggle.getAttribute('data-theme-preference')) !== wanted; i++) await toggle.click()
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(wanted)
  await page.locator('#main-content').focus()
  await page.waitForTimeout(300)
}

/** `shoot(name)` saves <prefix>-<name>.png after the next two frames (canvases drawn); `shootBoth` also the -dark one, ending light. */
export function themedScreenshots(page: () => Page, prefix: string) {
  async function shoot(name: string): Promise<void> {
    await page().evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))))
    await page().screenshot({ path: join(screenshotsDir, `${prefix}-${name}.png`) })
  }
  async function shootBoth(name: string): Promise<void> {
    await shoot(name)
    await setThemeByToggle(page(), 'dark')
    await shoot(`${name}-dark`)
    await setThemeByToggle(page(), 'light')
  }
  return { shoot, shootBoth }
}
