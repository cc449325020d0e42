import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STRUCTURES } from '../../main/mri/segmentation/cohort/structures'
import { requireBuild, runCli, startServe, type Served } from '../helpers/built-app'
import { openInDialog } from '../helpers/file-dialog'
import { openMriImage } from '../helpers/mri-page'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// A clinician's path with the model that ships (models/mri/gabor-mixed-fixture), in Chromium against the built
// app: a deformed subject the model never saw (drawn by `percept mri cohort` from mricron-data with a seed of its
// own, scalp and skull included, in a voxel order of its own) opened through the file browser, Segment with the
// default model, the 19 structures in the overlay, the table and 3D, then Compare with the subject's labels for
// Dice per structure. Needs Debian's mricron-data, as the cohort does.
const templates = '/usr/share/mricron/templates'
const haveTemplates = existsSync(join(templates, 'aal.nii.gz'))

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let subject: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []

const { shoot, shootBoth } = themedScreenshots(() => page, 'mri-bundled')


describe.skipIf(!haveTemplates)('the bundled segmentation model in the MRI workspace', () => {
  beforeAll(async () => {
    requireBuild()
    mkdirSync(screenshotsDir, { recursive: true })
    const temp = tempHome()
    cleanup = temp.cleanup
    const home = join(temp.home, 'workspace')
    mkdirSync(home)
    const cohort = join(temp.home, 'cohort')
    const made = await runCli(['mri', 'cohort', cohort, '--subjects', '1', '--test-subjects', '1', '--seed', '31', '--json'], { PERCEPT_HOME: home })
    expect(made.code, made.stderr).toBe(0)
    subject = join(cohort, 'test')
    served = await startServe(home)
    browser = await launchChromium()
    ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    cleanup?.()
  })

  it('segments a subject it never saw with the bundled model: 19 structures in the table and in 3D', async () => {
    await openMriImage(page, subject, 'test-001_t1.nii.gz')
    const model = page.getByTestId('segment-model')
    await expect.poll(() => model.locator('option:checked').innerText()).toBe('gabor-mixed-fixture (bundled)')
    await page.getByTestId('segment-run').click()
    await page.getByTestId('labels-name').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('segment-done').innerText()).toMatch(/^Segmented with gabor-mixed-fixture in \d+\.\d s\.$/)
    const rows = page.getByTestId('structure-row')
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(17)
    const names = await page.locator('[data-testid="structure-row"] td:nth-child(4)').allInnerTexts()
    for (const name of names) expect(STRUCTURES.map((s) => s.name)).toContain(name)
    await expect.poll(async () => Number(await page.getByTestId('mri-view3d').getAttribute('data-surfaces')), { timeout: 90_000 }).toBe(await rows.count())
    await page.mouse.move(0, 0)
    await shootBoth('labels')
  }, 180_000)

  it('compares with the subject’s own labels: Dice per structure, most structures found', async () => {
    await page.getByTestId('compare-labels').click()
    await openInDialog(page.getByRole('dialog', { name: 'Compare with a label map' }), subject, 'test-001_labels.nii.gz')
    await page.getByTestId('dice-table').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByTestId('dice-row').count()).toBe(19)
    const mean = Number(/(\d\.\d+)/.exec(await page.getByTestId('mean-dice').innerText())?.[1])
    // The card's held-out mean is 55%; the lobes alone are above 50% (test/integration/cli-mri-bundled.test.ts).
    expect(mean).toBeGreaterThan(0.4)
    await page.mouse.move(0, 0)
    await shoot('compare')
  }, 90_000)

  it('made no foreign request and logged no error', () => {
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
