import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudioFile, writeWavFile } from '../../main/dsp/io'
import { requireBuild, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// The Speech page's Enhancement tab in Chromium against the built app (`percept serve` on a throwaway
// workspace): bad input refused with what to do; a demo mixture made from the fixture corpus (festival);
// enhanced with the bundled Unimodal model plus the other kinds (lips given); the versions switched at the
// same playhead; the four masks drawn (Fig. 2); the metrics; the firing-rate charts; a small model trained
// and the models compared on the demo corpus, as jobs. Skipped where festival is absent.
const hasFestival = spawnSync('festival', ['--version']).error === undefined

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let home: string
let exchange: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []

const { shoot, shootBoth } = themedScreenshots(() => page, 'speech-enhance')

beforeAll(async () => {
  if (!hasFestival) return
  requireBuild()
  mkdirSync(screenshotsDir, { recursive: true })
  const temp = tempHome('percept-e2e-enhance-')
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  exchange = join(temp.home, 'exchange')
  mkdirSync(home)
  mkdirSync(exchange)
  // 0.15 s: under the 8 frames (0.214 s) a mask model needs.
  await writeWavFile(join(exchange, 'short.wav'), { sampleRate: 16000, channels: [Float32Array.from({ length: 2400 }, (_, i) => 0.1 * Math.sin(i / 5))] }, 'pcm16')
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })
const playheadSeconds = async () => Number(await page.getByTestId('playhead-time').getAttribute('data-seconds'))
const runs = (file: string) => (existsSync(join(home, 'runs')) ? readdirSync(join(home, 'runs')).filter((d) => existsSync(join(home, 'runs', d, file))).sort() : [])

async function chooseIn(title: string, folder: string, file: string | null, confirm: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title })
  await dialog.waitFor()
  const path = dialog.getByLabel('Folder path')
  await path.fill(folder)
  await path.press('Enter')
  if (file) await dialog.getByRole('option', { name: new RegExp(`^${file.replace('.', '\\.')}`) }).click()
  else await expect.poll(() => path.inputValue()).toBe(folder)
  await dialog.getByRole('button', { name: confirm, exact: true }).click()
  await dialog.waitFor({ state: 'detached' })
}

async function drawnCanvas(canvas: Locator): Promise<{ width: number; height: number; distinct: number }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const seen = new Set<number>()
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)
    return { width: c.width, height: c.height, distinct: seen.size }
  })
}

describe.skipIf(!hasFestival)('the Speech workspace, Enhancement tab', () => {
  it('opens with the bundled models and their firing-rate charts', async () => {
    await nav().getByRole('link', { name: 'Speech', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Speech' }).waitFor()
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['Synthesis', 'Listening test', 'Enhancement'])
    // The page no longer calls enhancement "coming": it is a tab of its own.
    const main = await page.locator('main').innerText()
    expect(main).toMatch(/listening tests, and audio-visual speech enhancement/)
    expect(main).not.toMatch(/coming: speech enhancement/i)
    await page.getByRole('tab', { name: 'Enhancement' }).click()
    await expect.poll(() => page.url()).toMatch(/tab=enhancement/)
    const model = page.getByTestId('enhance-model')
    await expect.poll(() => model.locator('option').count()).toBe(3)
    expect(await model.inputValue()).toBe('bundled/unimodal')
    // Seven layers across the three models (the lip channel's only in two of them), each a chart.
    await expect.poll(() => page.getByTestId('firing-chart').count()).toBe(7)
    expect(await page.getByTestId('firing-table').innerText()).toMatch(/audio_embed[\s\S]*network/)
  })

  it('refuses bad input with what to do', async () => {
    await page.getByTestId('enhance').click()
    expect(await page.getByTestId('enhance-error').innerText()).toBe('Choose the noisy clip first (a WAV), or make a demo mixture.')
    await page.getByTestId('enhance-pick-noisy').click()
    await chooseIn('Choose the noisy clip', exchange, 'short.wav', 'Choose')
    await page.getByTestId('enhance-model').selectOption('bundled/multimodal')
    await page.getByTestId('enhance').click()
    expect(await page.getByTestId('enhance-error').innerText()).toMatch(/Multimodal model: it needs the speaker's lips\. Choose the lip frames folder, or a Unimodal model\./)
    await page.getByTestId('enhance-model').selectOption('bundled/unimodal')
    await page.getByTestId('enhance').click()
    await expect.poll(() => page.getByTestId('enhance-error').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/short\.wav is 0\.150 s .* at least 8 are needed/)
  })

  it('makes a demo mixture from the fixture corpus', async () => {
    await page.getByTestId('demo-snr').selectOption('0')
    await page.getByTestId('make-mixture').click()
    await page.getByTestId('demo-made').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('demo-made').innerText()).toMatch(/^s1\/.+ \+ cafe-\d at 0 dB \(\d\.\d\d s, synthetic\)$/)
    expect(await page.getByTestId('enhance-noisy').innerText()).toBe('noisy.wav')
    expect(await page.getByTestId('enhance-clean').innerText()).toBe('clean.wav')
    expect(await page.getByTestId('enhance-lips').innerText()).toMatch(/^[a-z0-9]+$/)
    await shoot('form')
  })

  it('enhances with the bundled Unimodal model and the other kinds, and opens every version in the editor', async () => {
    await page.getByTestId('enhance').click()
    await page.getByTestId('enhance-editor').waitFor({ timeout: 60_000 })
    const versions = page.getByTestId('version')
    expect(await versions.count()).toBe(6)
    const labels = await versions.allInnerTexts()
    expect(labels.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringContaining('Noisy'),
      expect.stringContaining('Enhanced: Unimodal'),
      expect.stringContaining('Multimodal'),
      expect.stringContaining('MBURST'),
      expect.stringContaining('Clean'),
      expect.stringContaining('IBM oracle'),
    ])
    // The run folder: every version as long as the noisy clip, the oracle well above the noisy on SI-SDR.
    const [run] = runs('result.json')
    const result = JSON.parse(readFileSync(join(home, 'runs', run!, 'result.json'), 'utf8'))
    const lengths = await Promise.all(result.versions.map(async (v: { path: string }) => (await readAudioFile(v.path)).channels[0]!.length))
    expect(new Set(lengths).size).toBe(1)
    const metric = (key: string) => result.metrics.find((m: { key: string }) => m.key === key)
    expect(metric('oracle').siSdr).toBeGreaterThan(metric('noisy').siSdr + 5)
    expect(metric('noisy').snrDb).toBeCloseTo(0, 3)

    // Versions switch at the same playhead.
    await page.getByTestId('enhance-editor').scrollIntoViewIfNeeded()
    const box = (await page.getByTestId('waveform').boundingBox())!
    await page.mouse.click(box.x + box.width * 0.5, box.y + 10)
    await expect.poll(playheadSeconds).toBeGreaterThan(0.3)
    const before = await playheadSeconds()
    await versions.nth(5).click()
    await expect.poll(() => versions.nth(5).getAttribute('aria-pressed')).toBe('true')
    expect(Math.abs((await playheadSeconds()) - before)).toBeLessThan(0.01)
    await page.keyboard.press('2')
    await expect.poll(() => versions.nth(1).getAttribute('aria-pressed')).toBe('true')
    expect(Math.abs((await playheadSeconds()) - before)).toBeLessThan(0.01)
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await shootBoth('editor')
  })

  it('draws the four masks side by side, shows the metrics and the rates on the clip', async () => {
    const figures = page.getByTestId('mask-figure')
    await expect.poll(() => figures.count()).toBe(4)
    for (const kind of ['reference', 'unimodal', 'multimodal', 'mburst']) {
      const canvas = page.getByTestId(`mask-${kind}`)
      await expect.poll(() => canvas.getAttribute('data-state')).toBe('drawn')
      const drawn = await drawnCanvas(canvas)
      expect(drawn.height).toBe(622)
      expect(drawn.width).toBeGreaterThan(40)
      // The IBM is 0/1 (two colours); a soft mask shows many levels.
      if (kind === 'reference') expect(drawn.distinct).toBe(2)
      else expect(drawn.distinct).toBeGreaterThan(10)
    }
    expect(await page.getByTestId('mask-agreement').count()).toBe(3)
    // Thresholded at 0.5, a model's mask is its estimate of the IBM: two colours at most.
    await page.getByTestId('mask-threshold').check()
    await expect.poll(async () => (await drawnCanvas(page.getByTestId('mask-unimodal'))).distinct).toBeLessThanOrEqual(2)
    await page.getByTestId('mask-threshold').uncheck()
    await expect.poll(async () => (await drawnCanvas(page.getByTestId('mask-unimodal'))).distinct).toBeGreaterThan(10)
    const rows = page.getByTestId('metrics-row')
    expect(await rows.count()).toBe(5)
    expect(await rows.first().innerText()).toMatch(/^Noisy\s+-?0\.00\s+—/)
    expect(await page.getByTestId('firing-clip-bar').count()).toBeGreaterThan(10)
    await page.getByTestId('enhance-masks').scrollIntoViewIfNeeded()
    await shootBoth('masks')
    await page.getByTestId('enhance-firing').scrollIntoViewIfNeeded()
    await shoot('firing-rates')
  })

  it('trains a small model on the demo corpus and compares it with the bundled one, as jobs', async () => {
    const corpus = join(home, 'datasets', 'enhance-demo')
    await page.getByTestId('train-pick-dataset').click()
    await chooseIn('Choose the corpus folder', corpus, null, 'Choose this folder')
    await page.getByTestId('train-epochs').fill('2')
    await page.getByTestId('train').click()
    await page.getByTestId('train-result').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('train-result').innerText()).toMatch(/^Unimodal trained for 2 epochs: train F1 0\.\d{3}, accuracy \d+\.\d%.*Installed as enhance-unimodal-job-/)
    // The new model joins the list; its firing rates come from its training job, one point an epoch.
    const model = page.getByTestId('enhance-model')
    await expect.poll(() => model.locator('option').count()).toBe(4)
    await expect.poll(() => page.getByTestId('firing-curve').count()).toBe(4)
    await page.getByTestId('enhance-firing').scrollIntoViewIfNeeded()
    await shoot('firing-trained')

    await page.getByTestId('compare-pick-dataset').click()
    await chooseIn('Choose the corpus folder', corpus, null, 'Choose this folder')
    const boxes = page.getByTestId('compare-models').locator('input[type=checkbox]')
    // The bundled Unimodal and the one just trained.
    await boxes.nth(1).uncheck()
    await boxes.nth(2).uncheck()
    await boxes.nth(3).check()
    await page.getByTestId('compare').click()
    const table = page.getByTestId('compare-table')
    await table.waitFor({ timeout: 90_000 })
    expect(await table.locator('tbody tr').count()).toBe(2)
    expect(await table.innerText()).toMatch(/Unimodal[\s\S]*enhance-unimodal-job-/)
    await table.scrollIntoViewIfNeeded()
    await shoot('train-compare')
  })

  it('left no foreign request, console error or CSP violation', async () => {
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
  })
})
