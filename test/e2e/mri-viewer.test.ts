import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, runCli, startServe, type Served } from '../helpers/built-app'
import { pickInDialog } from '../helpers/file-dialog'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// The MRI page in Chromium against the built app (`percept serve`), on Debian's mricron-data: the
// ch2better T1 template (0.5 mm) with the AAL atlas (1 mm, another grid) over it, opened through the
// in-app file browser. The three views draw, the 3-D view shows the atlas's surfaces without a button
// pressed, the crosshair links the views, the readout names the AAL structure under the pointer with
// left and right where they belong, the structure table lists the atlas's 116 structures with the core's
// volumes and keeps the crosshair's row in sight, Fit fills the 3-D view with the brain (also with Clip
// on and enlarged), an error banner leaves the views where they are, labels are hidden in 2D and 3D,
// the labels are exported and read back, a comparison gives Dice, and the report downloads. Each state
// is screenshot, without a CSP violation, a console error or a foreign request.

const templates = '/usr/share/mricron/templates'
const image = join(templates, 'ch2better.nii.gz')
const atlas = join(templates, 'aal.nii.gz')
const haveData = existsSync(image) && existsSync(atlas)
if (!haveData) console.warn(`Skipping the MRI viewer e2e test: ${image} is absent (apt-get install mricron-data).`)


let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let exchange: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []
/** ch2better's index-to-world affine (row-major 4x4), as the core reads it. */
let imageAffine: number[] = []

interface StatsRow {
  label: number
  name: string
  voxels: number
  volumeMl: number
}

async function cliJson<T>(args: string[]): Promise<T> {
  const result = await runCli(args)
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as T
}

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })
const slice = (plane: 'axial' | 'coronal' | 'sagittal') => page.getByTestId(`slice-${plane}`)
const readout = () => page.getByTestId('mri-readout')

const { shoot, shootBoth } = themedScreenshots(() => page, 'mri')


/** Opens `path` through the in-app file browser that `opener` brings up. */
async function openThroughDialog(opener: Locator, title: string, path: string): Promise<void> {
  await opener.click()
  const dialog = page.getByRole('dialog', { name: title })
  await dialog.waitFor()
  await pickInDialog(dialog, templates, path.slice(templates.length + 1))
  await dialog.getByRole('button', { name: 'Open', exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
}

/** How many pixels of a PNG differ from its most common colour (decoded in the page, so no image library is needed here). */
function paintedPixelsOfPng(png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const context = canvas.getContext('2d')!
    context.drawImage(bitmap, 0, 0)
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height)
    const counts = new Map<number, number>()
    for (let i = 0; i < data.length; i += 4) {
      const key = ((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) >>> 0
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    return data.length / 4 - Math.max(...counts.values())
  }, png.toString('base64'))
}

/** How many pixels differ between two PNGs of the same size. */
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

const canvasOf = (plane: 'axial' | 'coronal' | 'sagittal') => slice(plane).locator('canvas')
const view3d = () => page.getByTestId('mri-view3d')

/** Waits until the page has drawn twice (a canvas changed by the last action is on screen). */
function nextFrames(): Promise<void> {
  return page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))))
}

/**
 * The box of the brain in the 3-D view, measured in screenshots of its canvas: the pixels that change
 * when every structure is hidden. `fill` is the brain's extent along the canvas's smaller side over
 * that side (1: touching both edges).
 */
async function brainInView(): Promise<{ width: number; height: number; box: { x: number; y: number; width: number; height: number }; fill: number }> {
  const canvas = view3d().locator('canvas')
  await nextFrames()
  const shown = await canvas.screenshot()
  await page.getByTestId('toggle-all').uncheck()
  await nextFrames()
  const empty = await canvas.screenshot()
  await page.getByTestId('toggle-all').check()
  await nextFrames()
  const measured = await page.evaluate(
    async ([a, b]) => {
      const decode = async (base64: string) => {
        const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }))
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
        const context = canvas.getContext('2d')!
        context.drawImage(bitmap, 0, 0)
        return { data: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height }
      }
      const [one, two] = [await decode(a!), await decode(b!)]
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1]
      for (let y = 0; y < one.height; y++) {
        for (let x = 0; x < one.width; x++) {
          const i = (y * one.width + x) * 4
          if (Math.abs(one.data[i]! - two.data[i]!) + Math.abs(one.data[i + 1]! - two.data[i + 1]!) + Math.abs(one.data[i + 2]! - two.data[i + 2]!) > 24) {
            ;[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)]
          }
        }
      }
      return { width: one.width, height: one.height, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } }
    },
    [shown.toString('base64'), empty.toString('base64')],
  )
  const fill = measured.width <= measured.height ? measured.box.width / measured.width : measured.box.height / measured.height
  return { ...measured, fill }
}

/** "−38.0, −20.0, 56.0" -> [-38, -20, 56] */
function numbers(text: string): number[] {
  return text
    .replace(/\u2212/g, '-')
    .split(',')
    .map((part) => Number(part.trim()))
}

async function sliceIndex(plane: 'axial' | 'coronal' | 'sagittal'): Promise<number> {
  return Number(await slice(plane).getAttribute('data-slice'))
}

/** The display index of ch2better (RAS+, axis-aligned) nearest a world point. */
function imageIndex(world: readonly number[]): number[] {
  return [0, 1, 2].map((axis) => Math.round((world[axis]! - imageAffine[axis * 4 + 3]!) / imageAffine[axis * 5]!))
}

/** The pointer's world position (mm) and label when it is at (x, y) of the page. */
async function hoverAt(x: number, y: number): Promise<{ world: number[]; label: string }> {
  await page.mouse.move(x, y)
  await expect.poll(() => readout().locator('.status-from').innerText()).toMatch(/pointer/i)
  return { world: numbers(await page.getByTestId('readout-world').innerText()), label: await page.getByTestId('readout-label').innerText() }
}

/**
 * Where a world point (mm) at the axial slice shown lies on the page: two pointer readings give the
 * axial view's linear map from page pixels to world x and y.
 */
async function axialPixelOf(worldX: number, worldY: number): Promise<{ x: number; y: number; box: { x: number; y: number; width: number; height: number } }> {
  const box = (await canvasOf('axial').boundingBox())!
  const [x0, y0, x1, y1] = [box.x + box.width * 0.4, box.y + box.height * 0.4, box.x + box.width * 0.6, box.y + box.height * 0.6]
  const a = (await hoverAt(x0, y0)).world
  const b = (await hoverAt(x1, y1)).world
  const perPxX = (b[0]! - a[0]!) / (x1 - x0)
  const perPxY = (b[1]! - a[1]!) / (y1 - y0)
  return { x: x0 + (worldX - a[0]!) / perPxX, y: y0 + (worldY - a[1]!) / perPxY, box }
}

async function goTo(world: string): Promise<void> {
  const input = page.getByTestId('goto-world')
  await input.fill(world)
  await input.press('Enter')
}

describe.skipIf(!haveData)('the MRI viewer', () => {
  beforeAll(async () => {
    requireBuild()
    mkdirSync(screenshotsDir, { recursive: true })
    const temp = tempHome()
    cleanup = temp.cleanup
    const home = join(temp.home, 'workspace')
    exchange = join(temp.home, 'exchange')
    for (const folder of [home, exchange]) mkdirSync(folder)
    imageAffine = (await cliJson<{ affine: number[] }>(['mri', 'info', image, '--json'])).affine
    served = await startServe(home)
    browser = await launchChromium()
    ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    cleanup?.()
  })

  it('explains itself before a volume is open', async () => {
    await nav().getByRole('link', { name: 'MRI', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'MRI' }).waitFor()
    expect(await page.locator('main').innerText()).toContain('No volumes loaded')
    await shootBoth('empty')
  })

  it('opens ch2better and the AAL atlas through the file browser and draws the three views', async () => {
    await openThroughDialog(page.getByTestId('open-image'), 'Open an image', image)
    await page.getByTestId('image-name').waitFor({ timeout: 60_000 })
    await openThroughDialog(page.getByTestId('open-labels'), 'Open a label map', atlas)
    await page.getByTestId('labels-name').waitFor({ timeout: 60_000 })
    await page.getByTestId('structure-table').waitFor()
    for (const plane of ['axial', 'coronal', 'sagittal'] as const) {
      await expect.poll(async () => paintedPixelsOfPng(await canvasOf(plane).screenshot()), { timeout: 20_000 }).toBeGreaterThan(5000)
    }
    // Radiological by default: the patient's right on the screen's left.
    const letters = async (plane: 'axial' | 'coronal' | 'sagittal') =>
      Object.fromEntries(await Promise.all(['left', 'right', 'top', 'bottom'].map(async (edge) => [edge, await slice(plane).locator(`[data-edge="${edge}"]`).innerText()])))
    expect(await letters('axial')).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' })
    expect(await letters('coronal')).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' })
    expect(await letters('sagittal')).toMatchObject({ top: 'S', bottom: 'I' })
    expect(['A', 'P']).toContain((await letters('sagittal')).left)
    // The 3-D view builds the atlas's surfaces by itself, largest first, and shows the first ones while the rest build.
    await expect.poll(async () => Number(await view3d().getAttribute('data-surfaces')), { timeout: 120_000 }).toBeGreaterThan(0)
    expect(await paintedPixelsOfPng(await view3d().locator('.surface-stage').screenshot())).toBeGreaterThan(3000)
    await page.mouse.move(0, 0)
    await shootBoth('views')
  })

  it('names the AAL structure at a world point, with left on the left hemisphere and on the screen side radiologists expect', async () => {
    // (-38, -20, 56) mm lies in AAL's Precentral_L (label 1), its mirror (38, -20, 56) in Precentral_R (label 2).
    await goTo('-38, -20, 56')
    await page.mouse.move(0, 0)
    await expect.poll(() => page.getByTestId('readout-label').innerText()).toBe('Precentral_L (1)')
    const world = numbers(await page.getByTestId('readout-world').innerText())
    const [ix, iy, iz] = imageIndex([-38, -20, 56])
    expect(await sliceIndex('axial')).toBe(iz)
    expect(await sliceIndex('coronal')).toBe(iy)
    expect(await sliceIndex('sagittal')).toBe(ix)
    expect(Math.abs(world[0]! + 38)).toBeLessThanOrEqual(0.5)

    const left = await axialPixelOf(-38, -20)
    const onLeft = await hoverAt(left.x, left.y)
    expect(onLeft.label).toMatch(/_L \(\d+\)$/)
    expect(onLeft.label).toBe('Precentral_L (1)')
    expect(onLeft.world[0]).toBeLessThan(0)
    // Radiological: the left hemisphere on the screen's right half.
    expect(left.x).toBeGreaterThan(left.box.x + left.box.width / 2)
    const right = await axialPixelOf(38, -20)
    const onRight = await hoverAt(right.x, right.y)
    expect(onRight.label).toBe('Precentral_R (2)')
    expect(onRight.world[0]).toBeGreaterThan(0)
    expect(right.x).toBeLessThan(right.box.x + right.box.width / 2)
    await shootBoth('readout')

    // Neurological: the same point moves to the screen's left half, and the letters swap.
    await page.getByTestId('convention-neurological').click()
    await expect.poll(() => slice('axial').locator('[data-edge="left"]').innerText()).toBe('L')
    const flipped = await axialPixelOf(-38, -20)
    expect(flipped.x).toBeLessThan(flipped.box.x + flipped.box.width / 2)
    expect((await hoverAt(flipped.x, flipped.y)).label).toBe('Precentral_L (1)')
    await page.getByTestId('convention-radiological').click()
  })

  it('links the views through the crosshair: a click in the axial view moves the coronal and sagittal slices', async () => {
    const axialBefore = await sliceIndex('axial')
    const target = await axialPixelOf(20, 10)
    await page.mouse.click(target.x, target.y)
    const [ix, iy] = imageIndex([20, 10, 0])
    await expect.poll(() => sliceIndex('sagittal')).toBeGreaterThanOrEqual(ix! - 2)
    expect(Math.abs((await sliceIndex('sagittal')) - ix!)).toBeLessThanOrEqual(2)
    expect(Math.abs((await sliceIndex('coronal')) - iy!)).toBeLessThanOrEqual(2)
    expect(await sliceIndex('axial')).toBe(axialBefore)
    // The slice numbers the views show follow too (1-based).
    expect(await slice('sagittal').locator('.slice-position').innerText()).toBe(`${(await sliceIndex('sagittal')) + 1} / 301`)
  })

  it("lists AAL's 116 structures with the core's volumes", async () => {
    const rows = page.getByTestId('structure-row')
    await expect.poll(() => rows.count()).toBe(116)
    const stats = await cliJson<{ labels: StatsRow[] }>(['mri', 'stats', atlas, '--json'])
    expect(stats.labels).toHaveLength(116)
    for (const label of [1, 2, 57, 116]) {
      const expected = stats.labels.find((row) => row.label === label)!
      const cells = await page.locator(`[data-testid="structure-row"][data-label="${label}"] td`).allInnerTexts()
      expect(cells[3]).toBe(expected.name)
      expect(Number(cells[4]!.replace(/[^\d]/g, ''))).toBe(expected.voxels)
      expect(Number(cells[5])).toBeCloseTo(expected.volumeMl, 1)
    }
    // A row jumps the crosshair into its structure.
    await page.locator('[data-testid="structure-row"][data-label="57"]').click()
    await page.mouse.move(0, 0)
    await expect.poll(() => page.getByTestId('readout-label').innerText()).toBe('Postcentral_L (57)')
    await shootBoth('table')
  })

  it("keeps the crosshair's row in sight above the table's sticky Total row", async () => {
    // (25, -58, -24) mm lies in AAL's label 100, near the end of a table sorted by label.
    await goTo('25, -58, -24')
    const row = page.locator('[data-testid="structure-row"][data-label="100"]')
    await expect.poll(() => row.getAttribute('class')).toContain('is-selected')
    await nextFrames()
    const rowBox = (await row.boundingBox())!
    // The cells are what sticks (their rows stay where the table puts them).
    const footBox = (await page.getByTestId('structure-table').locator('tfoot th').boundingBox())!
    const headBox = (await page.getByTestId('structure-table').locator('thead th').first().boundingBox())!
    expect(rowBox.y + rowBox.height).toBeLessThanOrEqual(footBox.y + 0.5)
    expect(rowBox.y).toBeGreaterThanOrEqual(headBox.y + headBox.height - 0.5)
    await shoot('table-selected-row')
  })

  it('fills the 3D view with the brain: fitted as the surfaces arrive, after Fit, with Clip on, and enlarged', async () => {
    await expect.poll(() => view3d().getAttribute('data-surfaces'), { timeout: 180_000 }).toBe('116')
    await expect.poll(() => view3d().getAttribute('data-building')).toBe('false')
    expect(await page.getByTestId('build-surfaces').count()).toBe(0)
    const opened = await brainInView()
    expect(opened.fill).toBeGreaterThan(0.7)

    await view3d().getByRole('button', { name: 'Fit', exact: true }).click()
    const fitted = await brainInView()
    // Seen from the left the brain is longer than tall; the pane is wider still, so its height limits.
    expect(fitted.width).toBeGreaterThan(fitted.height)
    expect(fitted.fill).toBeGreaterThan(0.7)
    expect(fitted.fill).toBeLessThan(1)
    // Centred: as much room left as right, above as below (within a few pixels).
    expect(Math.abs(fitted.box.x - (fitted.width - fitted.box.x - fitted.box.width))).toBeLessThan(0.1 * fitted.width)
    expect(Math.abs(fitted.box.y - (fitted.height - fitted.box.y - fitted.box.height))).toBeLessThan(0.1 * fitted.height)
    await shoot('3d-fit')

    // Clip on, seen from above: the left hemisphere alone, fitted, in a view as large as before.
    const stageBefore = (await view3d().locator('canvas').boundingBox())!
    await page.getByTestId('clip-toggle').check()
    await view3d().getByRole('button', { name: 'View from above (superior)' }).click()
    await view3d().getByRole('button', { name: 'Fit', exact: true }).click()
    const stageClipped = (await view3d().locator('canvas').boundingBox())!
    expect(stageClipped.height).toBe(stageBefore.height)
    const clipped = await brainInView()
    expect(clipped.fill).toBeGreaterThan(0.7)
    await shoot('3d-clip')
    await page.getByTestId('clip-toggle').uncheck()
    await view3d().getByRole('button', { name: 'View from the left' }).click()

    // Enlarged: the 3-D view covers the four views' grid, still filled; Escape gives the grid back.
    const grid = (await page.locator('.mri-views').boundingBox())!
    await page.getByTestId('enlarge-3d').click()
    await expect.poll(() => page.locator('.mri-views').getAttribute('data-enlarged')).toBe('true')
    const slot = (await page.getByTestId('mri-view3d-slot').boundingBox())!
    expect(slot.width).toBeCloseTo(grid.width, 0)
    expect(slot.height).toBeCloseTo(grid.height, 0)
    const enlarged = await brainInView()
    expect(enlarged.fill).toBeGreaterThan(0.7)
    // The surfaces' opacity has room in the enlarged view's toolbar (a small pane leaves it out).
    expect(await page.getByTestId('surface-opacity').isVisible()).toBe(true)
    expect(enlarged.box.height).toBeGreaterThan(1.8 * fitted.box.height)
    await page.mouse.move(0, 0)
    await shootBoth('3d-enlarged')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('.mri-views').getAttribute('data-enlarged')).toBe('false')
    expect((await page.getByTestId('mri-view3d-slot').boundingBox())!.width).toBeLessThan(grid.width / 2 + 1)
    expect(await page.getByTestId('surface-opacity').isVisible()).toBe(false)
    // A double-click on the view enlarges it too.
    await view3d().locator('canvas').dblclick()
    await expect.poll(() => page.locator('.mri-views').getAttribute('data-enlarged')).toBe('true')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('.mri-views').getAttribute('data-enlarged')).toBe('false')
  }, 240_000)

  it('shows an error over the page header, leaving the views where they were', async () => {
    const views = page.locator('.mri-views')
    const before = (await views.boundingBox())!
    await goTo('500, 0, 0')
    const banner = page.getByTestId('error-banner')
    await banner.waitFor()
    expect(await banner.innerText()).toContain('lies outside the volume')
    const after = (await views.boundingBox())!
    expect(after.y).toBe(before.y)
    expect(after.height).toBe(before.height)
    const readoutBox = (await readout().boundingBox())!
    expect(readoutBox.y + readoutBox.height).toBeLessThanOrEqual(800)
    // Over the header, not over the toolbar.
    const bannerBox = (await banner.boundingBox())!
    const toolbarBox = (await page.getByRole('toolbar', { name: 'MRI viewer' }).boundingBox())!
    expect(bannerBox.y + bannerBox.height).toBeLessThanOrEqual(toolbarBox.y)
    await page.mouse.move(0, 0)
    await shoot('error-banner')
    await banner.getByRole('button', { name: 'Dismiss error' }).click()
    await banner.waitFor({ state: 'detached' })
  })

  it('hides a structure in the slice views', async () => {
    await goTo('-38, -20, 56')
    await page.mouse.move(0, 0)
    await page.waitForTimeout(300)
    const before = await canvasOf('axial').screenshot()
    await page.locator('[data-testid="structure-row"][data-label="1"] input[type="checkbox"]').uncheck()
    await expect.poll(async () => changedPixels(before, await canvasOf('axial').screenshot())).toBeGreaterThan(200)
    expect(await page.locator('[data-testid="structure-row"][data-label="1"]').getAttribute('class')).toContain('is-hidden')
    await page.locator('[data-testid="structure-row"][data-label="1"] input[type="checkbox"]').check()
  })

  it('shows three structures alone in 3D, and hides one of them', async () => {
    const view = view3d()
    const stage = view.locator('.surface-stage')
    const before = await stage.screenshot()
    await page.getByTestId('toggle-all').uncheck()
    for (const label of [1, 2, 57]) await page.locator(`[data-testid="structure-row"][data-label="${label}"] input[type="checkbox"]`).check()
    await expect.poll(async () => changedPixels(before, await stage.screenshot()), { timeout: 20_000 }).toBeGreaterThan(2000)
    // Their surfaces were built with the others: nothing more to build.
    expect(await view.getAttribute('data-surfaces')).toBe('116')
    expect(await view.getAttribute('data-building')).toBe('false')
    // Hiding one of them takes it out of the 3D view too.
    const built = await stage.screenshot()
    await page.locator('[data-testid="structure-row"][data-label="1"] input[type="checkbox"]').uncheck()
    await expect.poll(async () => changedPixels(built, await stage.screenshot())).toBeGreaterThan(300)
    await page.locator('[data-testid="structure-row"][data-label="1"] input[type="checkbox"]').check()
    await shootBoth('surfaces')
  }, 240_000)

  it('exports the surfaces built as OBJ files, one per structure', async () => {
    await page.getByTestId('export-meshes').click()
    const dialog = page.getByRole('dialog', { name: 'Export surfaces' })
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain('Writes 3 files')
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByRole('radio', { name: 'OBJ' }).click()
    expect(await dialog.getByRole('radio', { name: 'OBJ' }).getAttribute('aria-checked')).toBe('true')
    expect(await dialog.innerText()).toContain(`Into ${exchange}`)
    await shoot('export-surfaces')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 120_000 })
    await expect.poll(() => page.getByTestId('mri-notice').innerText()).toContain('Wrote 3 OBJ files')
    const objs = readdirSync(exchange).filter((name) => name.endsWith('.obj'))
    expect(objs).toHaveLength(3)
    for (const name of objs) {
      const text = readFileSync(join(exchange, name), 'utf8')
      expect(text).toMatch(/^v -?\d/m)
      expect(text).toMatch(/^f \d+/m)
    }
  }, 180_000)

  it('exports the labels as NIfTI that reads back on the same grid', async () => {
    await page.getByTestId('export-labels').click()
    const dialog = page.getByRole('dialog', { name: 'Export labels' })
    await dialog.waitFor()
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByLabel('File name').fill('aal copy')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 60_000 })
    const written = join(exchange, 'aal copy.nii.gz')
    await expect.poll(() => page.getByTestId('mri-notice').innerText()).toContain('aal copy.nii.gz')
    expect(existsSync(written)).toBe(true)
    const [copy, original] = await Promise.all([cliJson<{ dims: number[]; affine: number[]; max: number }>(['mri', 'info', written, '--json']), cliJson<{ dims: number[]; affine: number[]; max: number }>(['mri', 'info', atlas, '--json'])])
    expect(copy.dims).toEqual([181, 217, 181])
    expect(copy.affine).toEqual(original.affine)
    expect(copy.max).toBe(116)
  })

  it('compares the atlas with its exported copy: Dice 1 for every structure and nothing in the difference', async () => {
    await page.getByTestId('compare-labels').click()
    const dialog = page.getByRole('dialog', { name: 'Compare with a label map' })
    await dialog.waitFor()
    await pickInDialog(dialog, exchange, 'aal copy.nii.gz')
    await dialog.getByRole('button', { name: 'Open', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByTestId('dice-table').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('mean-dice').innerText()).toMatch(/1\.00/)
    expect(await page.getByTestId('difference-legend').innerText()).toMatch(/Only in A\s+0/)
    await expect.poll(() => page.getByTestId('dice-row').count()).toBe(116)
    await shootBoth('compare')
    await page.getByTestId('tab-structures').click()
  })

  it('downloads a report with the views, the 3D surfaces and the structure table', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()])
    expect(download.suggestedFilename()).toBe('ch2better-report.html')
    const path = join(exchange, 'report.html')
    await download.saveAs(path)
    const html = readFileSync(path, 'utf8')
    expect(html).toContain('Precentral_L')
    expect(html).toContain('Postcentral_L')
    expect(html).toContain('Total (116 structures)')
    expect(html).toContain('Mean Dice')
    const figures = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)" alt="([^"]+)">/g)]
    expect(figures.map((figure) => figure[2])).toEqual([expect.stringMatching(/^Axial/), expect.stringMatching(/^Coronal/), expect.stringMatching(/^Sagittal/), '3D surfaces'])
    for (const [, base64] of figures) expect(await paintedPixelsOfPng(Buffer.from(base64!, 'base64'))).toBeGreaterThan(1000)
  })

  it('opens a label map dropped from the desktop by uploading it', async () => {
    const dropped = join(templates, 'JHU-WhiteMatter-labels-2mm.nii.gz')
    const stats = await cliJson<{ labels: StatsRow[] }>(['mri', 'stats', dropped, '--json'])
    const transfer = await page.evaluateHandle(
      (data) => {
        const dt = new DataTransfer()
        dt.items.add(new File([new Uint8Array(data)], 'jhu-2mm.nii.gz', { type: 'application/gzip' }))
        return dt
      },
      [...readFileSync(dropped)],
    )
    const zone = page.getByTestId('mri-drop-zone')
    await zone.dispatchEvent('dragenter', { dataTransfer: transfer })
    await zone.dispatchEvent('dragover', { dataTransfer: transfer })
    await zone.locator('[data-drop="labels"]').dispatchEvent('drop', { dataTransfer: transfer })
    await expect.poll(() => page.getByTestId('structure-row').count(), { timeout: 30_000 }).toBe(stats.labels.length)
    expect(stats.labels.length).toBeGreaterThan(40)
    const first = stats.labels[0]!
    const cells = await page.locator(`[data-testid="structure-row"][data-label="${first.label}"] td`).allInnerTexts()
    // The upload carries no companion colour table (its names come with Colour table…), so labels go by number.
    expect(cells[3]).toBe(`Label ${first.label}`)
    expect(Number(cells[4]!.replace(/[^\d]/g, ''))).toBe(first.voxels)
  })

  it('fits its toolbar in a 1280 x 800 window', async () => {
    const toolbar = page.getByRole('toolbar', { name: 'MRI viewer' })
    const overflow = await toolbar.evaluate((element) => element.scrollWidth - element.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    const box = (await toolbar.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(1280)
  })

  it('made no request outside its own origin, logged no errors and violated no CSP directive', async () => {
    expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
