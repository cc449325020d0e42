import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, requireBuild, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { tempHome } from '../helpers/temp-home'

// The Runs and Models pages in Chromium against the built app (`percept serve` on a throwaway workspace):
// a demo training watched live and cancelled, another one finished, the model it installed checked,
// exported, imported (a refusal first), its card rendered safely, deleted; all without a CSP violation.

const shots = join(repoRoot, 'test-results', 'screenshots')

let served: Served
let browser: Browser
let page: Page
let home: string
let cleanup: () => void
/** A folder outside the workspace for exports and imports, as a user's Documents would be. */
let exchange: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []

/** Runs of the test, by role. */
const runs = { cancelled: '', finished: '' }
let modelId = ''

beforeAll(async () => {
  requireBuild()
  mkdirSync(shots, { recursive: true })
  const temp = tempHome()
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  exchange = join(temp.home, 'exchange')
  mkdirSync(home)
  mkdirSync(join(exchange, 'not-a-package'), { recursive: true })
  writeFileSync(join(exchange, 'not-a-package', 'notes.json'), '{"not": "a model"}\n')
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })
const detail = () => page.getByTestId('run-detail')
const stepChart = () => detail().locator('[data-metric="loss"]').getByTestId('metric-chart')

async function openPage(name: 'Runs' | 'Models'): Promise<void> {
  await nav().getByRole('link', { name, exact: true }).click()
  await page.getByRole('heading', { level: 1, name }).waitFor()
}

async function points(chart: Locator): Promise<number> {
  return Number((await chart.getAttribute('data-points')) ?? 0)
}

/** The run named in the page's address: `…#/runs?run=<id>`. */
function runIdFromUrl(): string {
  const hash = new URL(page.url()).hash
  const id = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('run')
  expect(id).toBeTruthy()
  return id!
}

/** Fills the demo dialog and starts the run; answers the new run's id (the page opens it). */
async function startDemo(fields: Record<string, string>): Promise<string> {
  const before = page.url()
  await page.getByTestId('new-demo-training').click()
  const dialog = page.getByRole('dialog', { name: 'New demo training' })
  await dialog.waitFor()
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label, { exact: true }).fill(value)
  await dialog.getByRole('button', { name: 'Start demo training' }).click()
  await dialog.waitFor({ state: 'detached' })
  await expect.poll(() => page.url()).not.toBe(before)
  return runIdFromUrl()
}

async function scrollMainTo(locator: Locator): Promise<void> {
  await locator.evaluate((element) => element.scrollIntoView({ block: 'start' }))
  await page.waitForTimeout(150)
}

describe('the Runs page', () => {
  it('explains itself while empty, and the demo dialog keeps focus inside until Escape returns it', async () => {
    await openPage('Runs')
    expect(await page.locator('main').innerText()).toContain('No training runs yet')
    const opener = page.getByTestId('new-demo-training')
    await opener.click()
    const dialog = page.getByRole('dialog', { name: 'New demo training' })
    await dialog.waitFor()
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    expect(await dialog.innerText()).toMatch(/Demo\s+Trains a tiny two-layer network/)
    const inDialog = () => dialog.evaluate((element) => element.contains(document.activeElement))
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await dialog.getByLabel('Epochs', { exact: true }).getAttribute('id'))
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab')
      expect(await inDialog()).toBe(true)
    }
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => opener.evaluate((element) => element === document.activeElement)).toBe(true)
  })

  it('starts a demo training, shows live progress and a chart that gains points, and cancels it', async () => {
    runs.cancelled = await startDemo({ Epochs: '60', 'Pause per epoch (ms)': '300', Seed: '1', 'Learning rate': '0.01' })
    const row = page.locator(`[data-testid="run-row"][data-job-id="${runs.cancelled}"]`)
    await expect.poll(() => row.getByTestId('job-state').textContent(), { timeout: 30_000 }).toBe('Running')
    await expect.poll(() => detail().getAttribute('data-state')).toBe('running')
    await expect.poll(() => points(stepChart()), { timeout: 30_000 }).toBeGreaterThan(8)
    const first = await points(stepChart())
    const firstPercent = await detail().getByTestId('run-percent').textContent()
    await expect.poll(() => points(stepChart()), { timeout: 30_000 }).toBeGreaterThan(first + 8)
    await expect.poll(() => detail().getByTestId('run-percent').textContent()).not.toBe(firstPercent)
    expect(await detail().getByTestId('run-stage').textContent()).toMatch(/^epoch \d+\/60$/)
    expect(await detail().getByTestId('run-config').textContent()).toContain('"epochs": 60')
    await expect.poll(() => detail().getByTestId('run-log').innerText()).toContain('training from scratch')
    expect(await page.getByTestId('status-jobs').textContent()).toBe('1 job running')
    await page.screenshot({ path: join(shots, 'runs-live.png') })

    await detail().getByRole('button', { name: 'Cancel run' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Cancel this run?' })
    await confirm.waitFor()
    expect(await confirm.innerText()).toContain(runs.cancelled)
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Keep running')
    await confirm.getByRole('button', { name: 'Cancel run' }).click()
    await confirm.waitFor({ state: 'detached', timeout: 15_000 })
    await expect.poll(() => detail().getAttribute('data-state'), { timeout: 15_000 }).toBe('cancelled')
    expect(await row.getByTestId('job-state').textContent()).toBe('Cancelled')
    await detail().getByRole('button', { name: 'Resume' }).waitFor()
    expect(await detail().getByRole('button', { name: 'Cancel run' }).count()).toBe(0)
    await expect.poll(() => detail().getByTestId('run-log').innerText()).toContain('cancel')
  })

  it('resumes the cancelled run from its checkpoint, then cancels it again', async () => {
    await detail().getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => detail().getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
    await expect.poll(() => detail().getByTestId('run-log').innerText(), { timeout: 30_000 }).toMatch(
      /resume requested \(was cancelled\)[\s\S]*continuing at epoch \d+/,
    )
    expect(await detail().innerText()).toMatch(/Attempts\s+2/i)
    await detail().getByRole('button', { name: 'Cancel run' }).click()
    await page.getByRole('alertdialog', { name: 'Cancel this run?' }).getByRole('button', { name: 'Cancel run' }).click()
    await expect.poll(() => detail().getAttribute('data-state'), { timeout: 15_000 }).toBe('cancelled')
  })

  it('finishes a second run: result, log, done badge', async () => {
    runs.finished = await startDemo({ Epochs: '8', 'Pause per epoch (ms)': '100', Seed: '7', 'Learning rate': '0.05' })
    await expect.poll(() => detail().getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    await expect.poll(() => detail().getByTestId('run-result').textContent()).toContain('"finalLoss"')
    expect(await detail().getByTestId('run-percent').textContent()).toBe('100%')
    await expect.poll(() => detail().getByTestId('run-log').innerText()).toMatch(/epoch 8\/8: loss/)
    const row = page.locator(`[data-testid="run-row"][data-job-id="${runs.finished}"]`)
    expect(await row.getByTestId('job-state').textContent()).toBe('Done')
    // Per epoch: one point per epoch.
    await detail().getByRole('button', { name: 'Per epoch' }).click()
    await expect.poll(() => points(stepChart())).toBe(8)
    await detail().getByRole('button', { name: 'Per step' }).click()
    await expect.poll(() => points(stepChart())).toBe(64) // 256 samples / 32 per batch x 8 epochs
  })

  it('compares the two runs on one chart', async () => {
    const compare = page.getByTestId('run-compare')
    await compare.getByLabel('Run', { exact: true }).selectOption(runs.cancelled)
    await compare.getByLabel('Metric', { exact: true }).selectOption('accuracy')
    const chart = compare.getByTestId('metric-chart')
    await chart.waitFor()
    await expect.poll(() => chart.getAttribute('aria-label')).toMatch(
      new RegExp(`^Chart of accuracy per step, this run and ${runs.cancelled}\\. this run \\(${runs.finished}\\): 64 points.*; Demo training \\(${runs.cancelled}\\): \\d+ points`),
    )
    expect(await chart.locator('canvas').count()).toBe(1)
    await scrollMainTo(compare)
    await page.screenshot({ path: join(shots, 'runs-compare.png') })
  })

  it('keeps the list keyboard navigable', async () => {
    await page.locator(`[data-job-id="${runs.finished}"] button.list-table-open`).focus()
    await page.keyboard.press('ArrowDown')
    await expect.poll(() => runIdFromUrl()).toBe(runs.cancelled)
    await page.keyboard.press('ArrowUp')
    await expect.poll(() => runIdFromUrl()).toBe(runs.finished)
    await expect.poll(() => detail().getAttribute('data-state')).toBe('done')
  })
})

describe('the Models page', () => {
  it('shows the model the finished run installed, with its provenance and a link to the run', async () => {
    modelId = `demo-circle-${runs.finished}`
    await openPage('Models')
    const card = page.locator(`[data-testid="model-card"][data-model-id="${modelId}"]`)
    await card.waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-testid="model-card"]:not([data-bundled])').count()).toBe(1) // the cancelled run installed nothing
    const text = await card.innerText()
    expect(text).toContain(modelId)
    expect(text).toMatch(/Inputs\s+\S+\s+\[N, 2\]\s+float32/i)
    expect(text).toMatch(/Outputs\s+\S+\s+\[N, 1\]\s+float32/i)
    expect(text).toMatch(/1 label/)
    expect(text).toMatch(/demo circle, 256 samples, seed 7/)
    expect(text).toMatch(/Accuracy\s+\d+(\.\d)?% \(what it was measured on is not recorded\)/i) // the label is uppercased by CSS
    await card.getByRole('button', { name: 'Show model card' }).click()
    const cardText = card.getByTestId('model-card-text')
    await cardText.getByRole('heading', { name: 'Provenance' }).waitFor()
    await page.screenshot({ path: join(shots, 'models.png') })

    await card.getByTestId('model-run-link').click()
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor()
    expect(runIdFromUrl()).toBe(runs.finished)
    await expect.poll(() => detail().locator('h2').textContent()).toBe('Demo training')
    await openPage('Models')
  })

  it('lists the model bundled with the app, marked bundled, read-only, its accuracy saying on what', async () => {
    const card = page.locator('[data-testid="model-card"][data-model-id="bundled/dilated-fixture"]')
    await card.waitFor({ timeout: 30_000 })
    expect(await card.getAttribute('data-bundled')).toBe('true')
    expect(await card.getByTestId('model-bundled').innerText()).toBe('Bundled')
    expect(await card.getByTestId('model-accuracy').innerText()).toBe('90% on 30 synthetic clips (1 held-out fold)')
    expect(await card.getByRole('button', { name: 'Delete…' }).count()).toBe(0)
    expect(await card.getByRole('button', { name: 'Check' }).count()).toBe(1)
    await scrollMainTo(card)
    await page.screenshot({ path: join(shots, 'models-bundled.png') })
  })

  it('checks the model: ok, timing, output shapes and finiteness', async () => {
    const card = page.locator(`[data-model-id="${modelId}"]`)
    await card.getByRole('button', { name: 'Check' }).click()
    const report = card.getByTestId('model-check-report')
    await report.waitFor({ timeout: 60_000 })
    expect(await report.getAttribute('data-ok')).toBe('true')
    const text = await report.innerText()
    expect(text).toMatch(/Check passed\s+Loaded in [\d.]+ (ms|s), ran in [\d.]+ (ms|s)/)
    expect(text).toMatch(/out\s+\S+\s+\[1, 1\]\s+float32\s+yes\s+[\d.e-]+ … [\d.e-]+\s+yes/)
    await scrollMainTo(card)
    await page.screenshot({ path: join(shots, 'models-check.png') })
  })

  it('exports the model to a folder chosen in the in-app file browser', async () => {
    const card = page.locator(`[data-model-id="${modelId}"]`)
    await card.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: `Export ${modelId}` })
    await dialog.waitFor()
    await dialog.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Home' }).waitFor()
    const path = dialog.getByLabel('Folder path')
    await path.fill(exchange)
    await path.press('Enter')
    await dialog.getByRole('option', { name: /not-a-package/ }).waitFor()
    // Only folders and .zip files are listed.
    expect(await dialog.getByRole('option').count()).toBe(1)
    await dialog.getByRole('button', { name: 'Export here' }).click()
    await dialog.waitFor({ state: 'detached' })
    const written = join(exchange, `${modelId}.zip`)
    await expect.poll(() => card.getByTestId('model-exported').innerText(), { timeout: 30_000 }).toContain(written)
    expect(existsSync(written)).toBe(true)
  })

  it('refuses a folder that is not a package with the core’s message, then imports the .zip (keyboard only)', async () => {
    await page.getByTestId('import-model').click()
    const dialog = page.getByRole('dialog', { name: 'Import a model package' })
    await dialog.waitFor()
    // As in the export test: the dialog's first listing first, so that it cannot land after the typed path's.
    await dialog.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Home' }).waitFor()
    const path = dialog.getByLabel('Folder path')
    await path.fill(exchange)
    await path.press('Enter')
    await dialog.getByRole('option', { name: /\.zip/ }).waitFor()
    await page.screenshot({ path: join(shots, 'file-browser.png') })
    const list = dialog.getByRole('listbox')
    await list.focus()
    // Folders first: not-a-package, then the zip. Enter on a folder opens it; Backspace comes back with it selected.
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await dialog.getByRole('option', { name: /notes\.json/ }).waitFor()
    await page.keyboard.press('Backspace')
    await expect.poll(() => dialog.getByRole('option', { selected: true }).textContent()).toContain('not-a-package')
    await dialog.getByRole('button', { name: 'Import' }).click()
    const error = dialog.getByTestId('file-browser-error')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.innerText()).toMatch(/not-a-package|model\.json|model\.onnx/)
    // Still open, still usable: the zip, chosen with the keyboard.
    await list.focus()
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached', timeout: 30_000 })
    await expect.poll(() => page.locator('[data-testid="model-card"]:not([data-bundled])').count(), { timeout: 30_000 }).toBe(2)
    expect(await page.getByRole('status').filter({ hasText: 'Installed' }).innerText()).toContain(modelId)
  })

  it('renders a model card through DOMPurify: no script, handler, inline style or remote image', async () => {
    const evil = join(exchange, 'evil-card')
    cpSync(join(home, 'models', modelId), evil, { recursive: true })
    const meta = JSON.parse(readFileSync(join(evil, 'model.json'), 'utf8')) as { name: string }
    writeFileSync(join(evil, 'model.json'), JSON.stringify({ ...meta, name: 'card-sanitising-test' }, null, 2))
    writeFileSync(
      join(evil, 'card.md'),
      [
        '# Sanitised card',
        '',
        '<script>window.__pwned = "script"</script>',
        '<img src="x" onerror="window.__pwned = \'onerror\'">',
        '<img src="https://example.invalid/track.png" alt="remote">',
        '<p style="color: red" onclick="window.__pwned = \'click\'">Styled paragraph</p>',
        '',
        '| metric | value |',
        '|---|---|',
        '| accuracy | 0.9 |',
        '',
        '[a link](https://example.invalid/)',
      ].join('\n'),
    )
    await page.getByTestId('import-model').click()
    const dialog = page.getByRole('dialog', { name: 'Import a model package' })
    await dialog.getByRole('navigation', { name: 'Places' }).getByRole('button', { name: 'Home' }).waitFor()
    const path = dialog.getByLabel('Folder path')
    await path.fill(evil)
    await path.press('Enter')
    await dialog.getByRole('option', { name: /model\.onnx/ }).waitFor()
    await dialog.getByRole('button', { name: 'Import' }).click() // the folder shown: the package itself
    await dialog.waitFor({ state: 'detached', timeout: 30_000 })
    const card = page.locator('[data-testid="model-card"][data-model-id="card-sanitising-test"]')
    await card.getByRole('button', { name: 'Show model card' }).click()
    const body = card.getByTestId('model-card-text')
    await body.getByRole('heading', { name: 'Sanitised card' }).waitFor()
    await body.getByRole('cell', { name: 'accuracy' }).waitFor()
    // Raw HTML shows as text; nothing in it became an element or an attribute.
    expect(await body.innerText()).toContain('<script>window.__pwned = "script"</script>')
    expect(await body.locator('script, [onerror], [onclick], [style], [href], img[src]').count()).toBe(0)
    expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined()
  })

  it('deletes a model after a confirmation that names it', async () => {
    const card = page.locator('[data-model-id="card-sanitising-test"]')
    await card.getByRole('button', { name: 'Delete…' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Delete card-sanitising-test?' })
    await confirm.waitFor()
    expect(await confirm.innerText()).toContain(join(home, 'models', 'card-sanitising-test'))
    await confirm.getByRole('button', { name: 'Delete model' }).click()
    await confirm.waitFor({ state: 'detached' })
    await card.waitFor({ state: 'detached' })
    expect(existsSync(join(home, 'models', 'card-sanitising-test'))).toBe(false)
    expect(readdirSync(join(home, 'models')).filter((name) => !name.startsWith('.')).sort()).toEqual([modelId, `${modelId}-2`].sort())
  })

  it('looks right in the dark theme too', async () => {
    const toggle = page.getByRole('button', { name: 'Toggle theme' })
    for (let i = 0; i < 3 && (await toggle.getAttribute('data-theme-preference')) !== 'dark'; i++) await toggle.click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    const card = page.locator(`[data-model-id="${modelId}"]`)
    await scrollMainTo(card)
    await page.screenshot({ path: join(shots, 'models-check-dark.png') })
    await openPage('Runs')
    await detail().getAttribute('data-state')
    await expect.poll(() => points(stepChart())).toBe(64)
    await page.screenshot({ path: join(shots, 'runs-dark.png') })
    const compare = page.getByTestId('run-compare')
    await compare.getByLabel('Run', { exact: true }).selectOption(runs.cancelled)
    await expect.poll(async () => points(compare.getByTestId('metric-chart'))).toBe(64)
    await scrollMainTo(compare)
    await page.screenshot({ path: join(shots, 'runs-compare-dark.png') })
    await toggle.click() // back to system
  })

  it('made no request outside its own origin, logged no errors and violated no CSP directive', async () => {
    expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
