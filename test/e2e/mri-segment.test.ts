import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePhantom, phantomLabelAt, PHANTOM_MARKER, PHANTOM_SHELLS } from '../../main/imaging/fixtures/phantom'
import { readNifti, writeNifti } from '../../main/imaging/nifti'
import { reorient } from '../../main/imaging/reorient'
import { voxelToWorld, type Vec3 } from '../../main/imaging/volume'
import { BAND_LABELS, headZscore, writeBandModel } from '../fixtures/mri-seg/band-model'
import { requireBuild, startServe, type Served } from '../helpers/built-app'
import { openInDialog } from '../helpers/file-dialog'
import { openMriImage } from '../helpers/mri-page'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// Segment in the MRI page, in Chromium against the built app (`percept serve`): the hand-built band model
// (labels by intensity, test/fixtures/mri-seg/band-model.ts) installed in the workspace's models/, a phantom
// head (stored LPS) opened through the file browser. Segment shows its progress, then the label overlay and
// the structure table with the phantom's own volumes; Confidence colours the slices by the model's top
// probability; Save segmentation writes the label map, its colour table and the confidence map through the
// save dialog; Compare with the drawn labels gives Dice 1; a run cancelled opens nothing. Each state is
// screenshot, without a CSP violation, a console error or a foreign request.

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let exchange: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []
const dims: Vec3 = [54, 58, 52]
const counts = [0, 0, 0, 0, 0]

const { shoot, shootBoth } = themedScreenshots(() => page, 'mri-segment')
const canvasOf = (plane: 'axial' | 'coronal' | 'sagittal') => page.getByTestId(`slice-${plane}`).locator('canvas')


/** How many pixels differ between two PNGs of the same size (decoded in the page). */
function changedPixels(before: Buffer, after: Buffer): Promise<number> {
  return page.evaluate(
    async ([a, b]) => {
      const decode = async (base64: string) => {
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }))
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
        const context = canvas.getContext('2d')!
        context.drawImage(bitmap, 0, 0)
        return context.getImageData(0, 0, bitmap.width, bitmap.height).data
      }
      const [one, two] = [await decode(a!), await decode(b!)]
      let changed = 0
      for (let i = 0; i < Math.min(one.length, two.length); i += 4) {
        if (Math.abs(one[i]! - two[i]!) + Math.abs(one[i + 1]! - two[i + 1]!) + Math.abs(one[i + 2]! - two[i + 2]!) > 24) changed++
      }
      return changed
    },
    [before.toString('base64'), after.toString('base64')],
  )
}

describe('Segment in the MRI workspace', () => {
  beforeAll(async () => {
    requireBuild()
    mkdirSync(screenshotsDir, { recursive: true })
    const temp = tempHome()
    cleanup = temp.cleanup
    const home = join(temp.home, 'workspace')
    exchange = join(temp.home, 'exchange')
    for (const folder of [home, exchange]) mkdirSync(folder)
    const ras = makePhantom({ dims, voxelMm: [2, 2, 2] })
    for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) counts[phantomLabelAt(voxelToWorld(ras.affine, i, j, k))]!++
    const { mean, std } = headZscore(ras.data)
    const centres = [0, ...PHANTOM_SHELLS.map((s) => s.intensity), PHANTOM_MARKER.intensity].map((c) => (c - mean) / std)
    // A soft softmax (temperature 0.2): the same labels, less sure of them, so the confidence overlay has warm parts to show.
    await writeBandModel(join(home, 'models', 'bands'), { centres, patch: [32, 40, 34], spacingMm: [2, 2, 2], temperature: 0.2 })
    await writeNifti(join(exchange, 'head-lps.nii.gz'), reorient(ras, 'LPS').volume)
    await writeNifti(join(exchange, 'drawn-labels.nii.gz'), makePhantom({ kind: 'labels', dims, voxelMm: [2, 2, 2] }))
    served = await startServe(home)
    browser = await launchChromium()
    ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    cleanup?.()
  })

  it('offers Segment with the installed model once an image is open', async () => {
    await openMriImage(page, exchange, 'head-lps.nii.gz')
    const box = page.getByTestId('segment-box')
    await box.waitFor()
    const model = page.getByTestId('segment-model')
    // The installed model comes first, before the one that ships with the app.
    await expect.poll(() => model.locator('option').allInnerTexts()).toEqual(['Intensity bands', 'gabor-mixed-fixture (bundled)'])
    expect(await model.locator('option:checked').innerText()).toBe('Intensity bands')
    expect(await page.getByTestId('segment-run').isEnabled()).toBe(true)
    expect(await page.getByTestId('segment-no-model').count()).toBe(0)
    await page.mouse.move(0, 0)
    await shoot('ready')
  }, 90_000)

  it('segments: progress, then the label overlay and the structure table with the phantom’s volumes', async () => {
    const before = await canvasOf('axial').screenshot()
    await page.getByTestId('segment-run').click()
    await page.getByTestId('segment-progress').waitFor()
    expect(await page.getByTestId('segment-cancel').isVisible()).toBe(true)
    await shoot('progress')
    await page.getByTestId('labels-name').waitFor({ timeout: 60_000 })
    await page.getByTestId('segment-progress').waitFor({ state: 'detached' })
    expect(await page.getByTestId('labels-name').innerText()).toContain('head-lps segmentation')
    expect(await page.getByTestId('segment-done').innerText()).toMatch(/^Segmented with Intensity bands in \d+\.\d s\.$/)
    const rows = page.getByTestId('structure-row')
    await expect.poll(() => rows.count()).toBe(4)
    for (const label of [1, 2, 3, 4]) {
      const cells = await page.locator(`[data-testid="structure-row"][data-label="${label}"] td`).allInnerTexts()
      expect(cells[3]).toBe(BAND_LABELS[label])
      expect(Number(cells[4]!.replace(/[^\d]/g, ''))).toBe(counts[label])
      expect(Number(cells[5])).toBeCloseTo((counts[label]! * 8) / 1000, 1)
    }
    // The overlay is drawn over the image.
    await expect.poll(async () => changedPixels(before, await canvasOf('axial').screenshot())).toBeGreaterThan(2000)
    // The 3-D view builds the structures' surfaces by itself.
    await expect.poll(async () => Number(await page.getByTestId('mri-view3d').getAttribute('data-surfaces')), { timeout: 60_000 }).toBe(4)
    await page.mouse.move(0, 0)
    await shootBoth('labels')
  }, 120_000)

  it('shows the model’s confidence as an overlay, and the labels again', async () => {
    const labelled = await canvasOf('axial').screenshot()
    await page.getByTestId('show-confidence').check()
    await page.getByTestId('confidence-legend').waitFor()
    expect(await page.getByTestId('confidence-legend').innerText()).toMatch(/lowest 0\.\d\d, mean 0\.\d\d/)
    await expect.poll(async () => changedPixels(labelled, await canvasOf('axial').screenshot())).toBeGreaterThan(2000)
    // The readout still names the structure under the crosshair (the middle of the head).
    expect(await page.getByTestId('readout-label').innerText()).toBe('Inner shell (3)')
    await page.mouse.move(0, 0)
    await shootBoth('confidence')
    await page.getByTestId('show-confidence').uncheck()
    await expect.poll(async () => changedPixels(labelled, await canvasOf('axial').screenshot())).toBeLessThan(50)
    await page.getByTestId('show-confidence').check()
  })

  it('saves the segmentation beside the image through the save dialog, with its colour table and confidence map', async () => {
    await page.getByTestId('save-segmentation').click()
    const dialog = page.getByRole('dialog', { name: 'Save segmentation' })
    await dialog.waitFor()
    expect(await dialog.getByLabel('Folder', { exact: true }).inputValue()).toBe(exchange)
    expect(await dialog.getByLabel('File name').inputValue()).toBe('head-lps-segmentation')
    await dialog.getByTestId('save-confidence').check()
    await shoot('save-dialog')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 60_000 })
    await expect.poll(() => page.getByTestId('segment-saved').innerText()).toBe(`Wrote head-lps-segmentation.nii.gz, its colour table and confidence map to ${exchange}`)
    const names = readdirSync(exchange).sort()
    expect(names).toEqual(['drawn-labels.nii.gz', 'head-lps-segmentation-confidence.nii.gz', 'head-lps-segmentation.nii.gz', 'head-lps-segmentation.nii.txt', 'head-lps.nii.gz'])
    const [written, source] = await Promise.all([readNifti(join(exchange, 'head-lps-segmentation.nii.gz')), readNifti(join(exchange, 'head-lps.nii.gz'))])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
    // The chip now names the file written.
    expect(await page.getByTestId('labels-name').innerText()).toContain('head-lps-segmentation.nii.gz')
  })

  it('compares the segmentation with the drawn labels: Dice 1 for every structure', async () => {
    await page.getByTestId('compare-labels').click()
    await openInDialog(page.getByRole('dialog', { name: 'Compare with a label map' }), exchange, 'drawn-labels.nii.gz')
    await page.getByTestId('dice-table').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('mean-dice').innerText()).toMatch(/1\.00/)
    await expect.poll(() => page.getByTestId('dice-row').count()).toBe(4)
    await page.mouse.move(0, 0)
    await shoot('compare')
    await page.getByTestId('tab-structures').click()
  })

  it('a run cancelled opens nothing and writes nothing', async () => {
    const before = readdirSync(exchange).sort()
    const labelsName = await page.getByTestId('labels-name').innerText()
    await page.getByTestId('segment-run').click()
    await page.getByTestId('segment-cancel').click()
    await expect.poll(() => page.getByTestId('segment-notice').innerText(), { timeout: 30_000 }).toContain('Segmentation cancelled')
    expect(await page.getByTestId('labels-name').innerText()).toBe(labelsName)
    expect(readdirSync(exchange).sort()).toEqual(before)
    expect(await page.getByTestId('error-banner').count()).toBe(0)
  })

  it('made no foreign request and logged no error', () => {
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
