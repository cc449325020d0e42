import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrossValidationReportData, SoundExperiment } from '../../main/api'
import { generateUrbanSoundFixture } from '../../main/sound/fixtures/urbansound-synth'
import { repoRoot, requireBuild, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { tempHome } from '../helpers/temp-home'

// The Sound workspace's Training view in Chromium against the built app (`percept serve`): a
// cross-validation of 'dilated' against 'pooling' started from the form (data set chosen in the
// in-app file browser; all ten folds of a 100-clip synthetic UrbanSound8K held out in turn, two epochs,
// filters 2,2,4,4), followed live to the end; the per-fold table, per-class accuracy, confusion
// matrices and the comparison table checked against the reports the API answers; a run cancelled
// and resumed; each state screenshot in both themes, without a CSP violation, console error or
// foreign request.

const shots = join(repoRoot, 'test-results', 'screenshots')

let served: Served
let browser: Browser
let page: Page
let home: string
let dataset: string
let cleanup: () => void
let foreignRequests: string[] = []
let consoleErrors: string[] = []
/** The runs of the experiment, by preset. */
const runs = { dilated: '', pooling: '' }

beforeAll(async () => {
  requireBuild()
  mkdirSync(shots, { recursive: true })
  const temp = tempHome()
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  dataset = join(temp.home, 'data', 'UrbanSound8K')
  mkdirSync(home)
  await generateUrbanSoundFixture(dataset, { seed: 7, clipsPerClassPerFold: 1, folds: 10 })
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

/** A call through the web door, as the page makes it. */
async function call<T>(method: string, input: unknown): Promise<T> {
  const response = await fetch(new URL('/api/call', served.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
    body: JSON.stringify({ method, input }),
  })
  const result = (await response.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } }
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`)
  return result.value
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`
const view = () => page.getByTestId('sound-training')
const row = (id: string) => view().locator(`[data-testid="training-run-row"][data-job-id="${id}"]`)
const detail = () => view().getByTestId('training-run-detail')
const comparison = () => view().getByTestId('comparison')

/** The theme through the settings API (the page follows the change), so it can change under an open dialog too. */
async function setTheme(wanted: 'light' | 'dark'): Promise<void> {
  await call('settings.set', { key: 'theme', value: wanted })
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(wanted)
  await page.waitForTimeout(200)
}

/** Screenshots in both themes, ending in the light one. */
async function shootBoth(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `sound-training-${name}.png`) })
  await setTheme('dark')
  await page.screenshot({ path: join(shots, `sound-training-${name}-dark.png`) })
  await setTheme('light')
}

/** Scrolls the main area (only it: the window itself never scrolls) so that `locator` is at its top. */
async function scrollTo(locator: Locator): Promise<void> {
  await locator.evaluate((element) => {
    const main = document.getElementById('main-content')!
    main.scrollTop += element.getBoundingClientRect().top - main.getBoundingClientRect().top - 16
  })
  await page.waitForTimeout(150)
}

/** Every cell's count of the confusion matrix shown, row by row. */
async function matrixCounts(): Promise<number[][]> {
  return detail()
    .getByTestId('confusion-row')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td[data-count]')).map((c) => Number(c.getAttribute('data-count')))))
}

describe('training from the Sound workspace', () => {
  it('opens the Training tab, which explains itself while there are no runs', async () => {
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Sound', exact: true }).click()
    const tab = page.getByRole('tab', { name: 'Training' })
    await tab.click()
    await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true')
    expect(page.url()).toContain('tab=training')
    await view().getByText('No cross-validation runs yet').waitFor()
    // The tabs answer the arrow keys.
    await tab.focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => page.getByRole('tab', { name: 'Editor' }).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true')
    await shootBoth('empty')
  })

  it('fills the form: data set through the file browser, folds, epochs, filters; says what is missing', async () => {
    await view().getByTestId('new-cross-validation').click()
    const dialog = page.getByRole('dialog', { name: 'New cross-validation' })
    await dialog.waitFor()
    expect(await dialog.getByRole('checkbox', { name: /^dilated / }).isChecked()).toBe(true)
    expect(await dialog.getByRole('checkbox', { name: /^pooling / }).isChecked()).toBe(true)
    expect(await dialog.getByRole('checkbox', { name: /^t2-g2-rate3 / }).isChecked()).toBe(false)
    expect(await dialog.innerText()).toContain('t2-g2-rate3 Group 2, test 4: Cov1 + Cov2 + DilaCov1(3) + DilaCov2(3)')
    await dialog.getByTestId('cv-start').click()
    await expect.poll(() => dialog.getByTestId('cv-problems').innerText()).toContain('Choose a data set folder')

    await dialog.getByRole('button', { name: 'Choose…' }).click()
    const browserDialog = page.getByRole('dialog', { name: 'Choose a data set' })
    await browserDialog.waitFor()
    const path = browserDialog.getByLabel('Folder path')
    await path.fill(dataset)
    await path.press('Enter')
    await browserDialog.getByRole('option', { name: /^metadata/ }).waitFor()
    await browserDialog.getByRole('button', { name: 'Use this data set', exact: true }).click()
    await browserDialog.waitFor({ state: 'detached' })
    await expect.poll(() => dialog.getByTestId('cv-dataset-info').innerText()).toBe('Synthetic fixture in UrbanSound8K layout (urbansound8k): 100 clips, 10 classes, folds 1, 2, 3, 4, 5, 6, 7, 8, 9, 10')

    await dialog.getByLabel('Epochs per fold').fill('0')
    await expect.poll(() => dialog.getByTestId('cv-problems').innerText()).toContain('Epochs: a whole number from 1 to 10000')
    await dialog.getByLabel('Epochs per fold').fill('2')
    await dialog.getByLabel('Filters per convolution').fill('2,2,4,4')
    await dialog.getByLabel('Learning rate').fill('0.05')
    await dialog.getByTestId('cv-problems').waitFor({ state: 'detached' })
    expect(await dialog.getByTestId('cv-summary').innerText()).toBe('Trains 20 models: 2 presets × 10 held-out folds.')
    const body = dialog.locator('.modal-body')
    await body.evaluate((element) => element.scrollTo(0, 0))
    await shootBoth('form')
    await body.evaluate((element) => element.scrollTo(0, element.scrollHeight))
    await shootBoth('form-end')
  })

  it('starts one run per preset and shows them live', async () => {
    const dialog = page.getByRole('dialog', { name: 'New cross-validation' })
    await dialog.getByTestId('cv-start').click()
    await dialog.waitFor({ state: 'detached' })
    const rows = view().getByTestId('training-run-row')
    await expect.poll(() => rows.count()).toBe(2)
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id')!))
    // newest first: pooling was queued after dilated
    ;[runs.pooling, runs.dilated] = ids as [string, string]
    expect(await row(runs.dilated).innerText()).toContain('dilated')
    expect(await row(runs.pooling).innerText()).toContain('pooling')
    await expect.poll(() => row(runs.dilated).getAttribute('data-state'), { timeout: 60_000 }).toBe('running')
    expect(await row(runs.pooling).getAttribute('data-state')).toBe('queued')
    // The first run is open; its report comes with its first fold.
    await expect.poll(() => detail().getAttribute('data-report')).toBe('missing')
    expect(await detail().getByTestId('report-missing').innerText()).toMatch(/has no report yet/)
    await expect.poll(() => row(runs.dilated).getByTestId('training-run-stage').innerText(), { timeout: 60_000 }).toMatch(/^fold 1: epoch [12]\/2/)
    await shootBoth('running')
    // After its first fold the run shows the folds done so far while the others train.
    await expect.poll(() => detail().getAttribute('data-report'), { timeout: 60_000 }).toBe('partial')
    expect(await detail().getByTestId('report-partial').innerText()).toMatch(/^Partial report: [1-9] of 10 held-out folds done\./)
    expect(await detail().getByTestId('fold-row').count()).toBeGreaterThanOrEqual(1)
    await scrollTo(detail())
    await shootBoth('partial')
  }, 120_000)

  it('runs both to the end: the per-fold table, class accuracy and confusion matrix show the report', async () => {
    await expect.poll(() => row(runs.pooling).getAttribute('data-state'), { timeout: 240_000, interval: 1000 }).toBe('done')
    expect(await row(runs.dilated).getAttribute('data-state')).toBe('done')
    const report = await call<CrossValidationReportData>('sound.trainingReport', { id: runs.dilated })
    expect(report.folds.map((f) => f.fold)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(await row(runs.dilated).getByTestId('training-run-folds').innerText()).toBe('10 folds')
    expect(await row(runs.dilated).getByTestId('training-run-accuracy').innerText()).toBe(`${pct(report.summary.accuracy.mean)} ± ${pct(report.summary.accuracy.std)}`)

    await expect.poll(() => detail().getAttribute('data-report'), { timeout: 10_000 }).toBe('ready')
    const folds = detail().getByTestId('fold-row')
    expect(await folds.count()).toBe(10)
    for (const [i, fold] of report.folds.entries()) {
      const line = folds.nth(i)
      expect(await line.getAttribute('data-fold')).toBe(String(fold.fold))
      expect(await line.getByTestId('fold-train-clips').innerText()).toBe(String(fold.trainClips))
      expect(await line.getByTestId('fold-test-clips').innerText()).toBe(String(fold.testClips))
      expect(await line.getByTestId('fold-accuracy').innerText()).toBe(pct(fold.accuracy))
      expect(fold.testClips).toBe(10)
    }
    expect(await detail().getByTestId('fold-mean').innerText()).toBe(`${pct(report.summary.accuracy.mean)} ± ${pct(report.summary.accuracy.std)}`)
    expect(await detail().getByTestId('report-accuracy').innerText()).toBe(`${pct(report.summary.accuracy.mean)} ± ${pct(report.summary.accuracy.std)}`)
    const classValues = await detail().getByTestId('class-accuracy-value').allInnerTexts()
    expect(classValues).toEqual(report.summary.perClass.map((v) => (v === null ? 'no clips' : pct(v))))

    const matrix = detail().getByTestId('confusion-matrix')
    expect(await matrix.getAttribute('data-total')).toBe('100')
    expect(await matrix.getAttribute('data-correct')).toBe(String(report.summary.confusion.reduce((s, r, k) => s + r[k]!, 0)))
    expect(await matrixCounts()).toEqual(report.summary.confusion)
    expect(await detail().getByTestId('confusion-row').evaluateAll((r) => r.map((e) => e.getAttribute('data-class')))).toEqual(report.classNames)
    await detail().getByRole('button', { name: 'Fold 2' }).click()
    await expect.poll(() => matrix.getAttribute('data-total')).toBe('10')
    expect(await matrixCounts()).toEqual(report.folds[1]!.confusion)
    await detail().getByRole('button', { name: 'All folds' }).click()
    await scrollTo(detail())
    await shootBoth('report')
    await scrollTo(matrix)
    await shootBoth('confusion')
  }, 300_000)

  it("shows the experiment's comparison table in the paper's shape, the same numbers as the API's", async () => {
    const [experiment] = await call<SoundExperiment[]>('sound.experiments', {})
    expect(experiment!.state).toBe('done')
    await expect.poll(() => comparison().getAttribute('data-state')).toBe('done')
    expect(await comparison().getByTestId('comparison-heading').innerText()).toBe('Table 1: Different convolution network structure comparison')
    const lines = comparison().getByTestId('comparison-row')
    expect(await lines.count()).toBe(2)
    for (const [i, preset] of (['dilated', 'pooling'] as const).entries()) {
      const report = await call<CrossValidationReportData>('sound.trainingReport', { id: runs[preset] })
      const line = lines.nth(i)
      expect(await line.getAttribute('data-job-id')).toBe(runs[preset])
      const cells = await line.locator('td').allInnerTexts()
      expect(cells.slice(0, 3)).toEqual(['Group3', i === 0 ? 'Test5' : 'Test6', i === 0 ? 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3' : 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4'])
      expect(await line.getByTestId('comparison-accuracy').innerText()).toBe(`${pct(report.summary.accuracy.mean)} ± ${pct(report.summary.accuracy.std)}`)
      expect(experiment!.rows[i]).toMatchObject({ jobId: runs[preset], mean: report.summary.accuracy.mean, std: report.summary.accuracy.std })
    }
    await comparison().getByText(/^As Markdown/).click()
    expect(await comparison().getByTestId('comparison-markdown').textContent()).toBe(experiment!.markdown)
    expect(readFileSync(join(home, 'runs', 'experiments', `${experiment!.id}.md`), 'utf8')).toBe(experiment!.markdown)
    await scrollTo(comparison())
    await shootBoth('comparison')
  })

  it('links a run to the Runs workspace for its loss curves, and back', async () => {
    await detail().getByTestId('open-in-runs').click()
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor()
    expect(page.url()).toContain(`run=${runs.dilated}`)
    await expect.poll(() => page.getByTestId('run-detail').getAttribute('data-state')).toBe('done')
    await page.goBack()
    await view().waitFor()
    expect(page.url()).toContain('tab=training')
  })

  it('cancels a run (after asking) and resumes it to the end', async () => {
    const started = await call<{ jobIds: string[] }>('sound.startExperiment', { dataset, presets: ['t1-g1-dilated'], epochs: 6, folds: [1, 2], filters: [2, 2, 4, 4], learningRate: 0.01 })
    const id = started.jobIds[0]!
    await expect.poll(() => row(id).getAttribute('data-state'), { timeout: 60_000 }).toBe('running')
    await expect.poll(() => row(id).getByTestId('training-run-stage').innerText(), { timeout: 60_000 }).toMatch(/^fold 1: epoch/)
    await row(id).getByRole('button', { name: 'Cancel' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Cancel this run?' })
    await confirm.getByRole('button', { name: 'Cancel run' }).click()
    await confirm.waitFor({ state: 'detached' })
    await expect.poll(() => row(id).getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled')
    await row(id).getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => row(id).getAttribute('data-state'), { timeout: 240_000, interval: 1000 }).toBe('done')
    const report = await call<CrossValidationReportData>('sound.trainingReport', { id })
    expect(report.folds.map((f) => f.fold)).toEqual([1, 2])
    // The state comes with the job's event; the accuracy with the list fetched after it.
    await expect.poll(() => row(id).getByTestId('training-run-accuracy').innerText()).toBe(`${pct(report.summary.accuracy.mean)} ± ${pct(report.summary.accuracy.std)}`)
    expect(existsSync(join(home, 'runs', id, 'report.json'))).toBe(true)
  }, 360_000)

  it('compares runs ticked by hand', async () => {
    const source = comparison().getByTestId('comparison-source')
    await source.selectOption('')
    for (const id of [runs.pooling, runs.dilated]) await row(id).getByRole('checkbox').check()
    const lines = comparison().getByTestId('comparison-row')
    await expect.poll(() => lines.count()).toBe(2)
    expect(await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-preset')))).toEqual(['dilated', 'pooling'])
    expect(await comparison().getByTestId('comparison-heading').innerText()).toBe('Runs ticked in the list')
  })

  it('made no request outside its own origin, logged no errors and violated no CSP directive', async () => {
    expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
