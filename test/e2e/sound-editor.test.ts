import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dbfs, noise, sweep } from '../helpers/audio-signals'
import { repoRoot, requireBuild, startServe, type Served } from '../helpers/built-app'
import { openInDialog } from '../helpers/file-dialog'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// The Sound page's waveform editor in Chromium against the built app (`percept serve`): a sound opened
// through the in-app file browser, its waveform and spectrogram drawn, selections whose edges land
// under the pointer at three zooms, a region dragged, labelled, moved only by its bar (or with Alt)
// and looped, labels exported as an Audacity track, a second version switched to at the same position,
// a sound classified (a lane of class probabilities under the spectrogram, regions made of it), all of
// it back after a trip to another workspace and a reload, a question before unsaved labels are
// discarded, a dropped file uploaded into a new tab, and a one-hour file opened, zoomed to single
// samples and scrolled; each state screenshot in both themes, without a CSP violation, a console error
// or a foreign request.

const rate = 44100

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let sounds: string
let exchange: string
let home: string
let foreignRequests: string[] = []
/** Ids of the sounds the page fetched resources of, in order. */
const openedIds: string[] = []
let consoleErrors: string[] = []

/** A 44-byte RIFF/WAVE header for 16-bit PCM. */
function wavHeader(frames: number, channels: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44)
  const data = frames * channels * 2
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(channels, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * channels * 2, 28)
  header.writeUInt16LE(channels * 2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data, 40)
  return header
}

function pcm16(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2)
  samples.forEach((value, i) => out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, value)) * 32767), i * 2))
  return out
}

/** A mono 16-bit WAV: a 200 Hz to 4 kHz sweep with a noise burst in the middle, at `peakDb`. */
function writeSweep(path: string, seconds: number, peakDb: number): void {
  const signal = sweep(200, 4000, seconds, rate, dbfs(peakDb))
  const burst = noise(0.5, rate, 7, dbfs(peakDb - 6))
  signal.set(burst.map((value, i) => value + signal[Math.round(seconds * rate * 0.6) + i]!), Math.round(seconds * rate * 0.6))
  writeFileSync(path, Buffer.concat([wavHeader(signal.length, 1, rate), pcm16(signal)]))
}

/**
 * One hour of 44.1 kHz stereo 16-bit (635 MB), written a second at a time: a 220 Hz tone on the left
 * and 330 Hz on the right whose level rises and falls once a minute.
 */
function writeHour(path: string): void {
  const seconds = 3600
  const file = openSync(path, 'w')
  try {
    writeSync(file, wavHeader(seconds * rate, 2, rate))
    const chunk = Buffer.alloc(rate * 4)
    for (let second = 0; second < seconds; second++) {
      for (let i = 0; i < rate; i++) {
        const t = second + i / rate
        const level = 0.2 + 0.6 * Math.abs(Math.sin((Math.PI * t) / 60))
        chunk.writeInt16LE(Math.round(level * 32767 * Math.sin(2 * Math.PI * 220 * t)), i * 4)
        chunk.writeInt16LE(Math.round(level * 0.5 * 32767 * Math.sin(2 * Math.PI * 330 * t)), i * 4 + 2)
      }
      writeSync(file, chunk)
    }
  } finally {
    closeSync(file)
  }
}

/**
 * A fresh workspace lists the classifier bundled with the app (models/sound/dilated-fixture). While a
 * checkout has none (it is being retrained), an untrained one of its shape is installed in the
 * workspace instead, made by the app's own code.
 */
async function ensureClassifier(home: string): Promise<void> {
  if (existsSync(join(repoRoot, 'models', 'sound', 'dilated-fixture', 'model.json'))) return
  const { useBackend } = await import('../../main/compute/backend')
  const { buildEscModel } = await import('../../main/sound/model')
  const { exportToOnnxWithSignature } = await import('../../main/compute/onnx')
  const { writeModelPackage } = await import('../../main/compute/model-package')
  const labels = ['air_conditioner', 'car_horn', 'children_playing', 'dog_bark', 'drilling', 'engine_idling', 'gun_shot', 'jackhammer', 'siren', 'street_music']
  await useBackend('cpu')
  const model = buildEscModel({ classes: labels.length, layers: [{ kind: 'conv', filters: 4 }], seed: 3 }, { compile: false })
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  model.dispose()
  await writeModelPackage(join(home, 'models', 'untrained-esc'), {
    onnx: bytes,
    meta: {
      formatVersion: 1,
      name: 'untrained-esc',
      task: 'sound-classification',
      inputs,
      outputs,
      preprocessing: { sampleRate: 22050, frameLength: 1024, hopLength: 512, nMels: 64, frames: 41, step: 20 },
      labels,
      provenance: { createdAt: '2026-11-01T00:00:00.000Z' },
    },
  })
}

beforeAll(async () => {
  requireBuild()
  mkdirSync(screenshotsDir, { recursive: true })
  const temp = tempHome()
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  sounds = join(temp.home, 'sounds')
  exchange = join(temp.home, 'exchange')
  for (const folder of [home, sounds, exchange]) mkdirSync(folder)
  writeSweep(join(sounds, 'sweep.wav'), 6, -6)
  writeSweep(join(sounds, 'sweep-quiet.wav'), 6, -18)
  writeFileSync(join(sounds, 'broken.wav'), 'RIFF but not really a sound')
  writeHour(join(sounds, 'hour.wav'))
  await ensureClassifier(home)
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
  page.on('request', (request) => {
    const id = /\/res\/audio\/([^/]+)\/(?:peaks|media|spectrogram)/.exec(request.url())?.[1]
    if (id && openedIds.at(-1) !== id) openedIds.push(decodeURIComponent(id))
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })
const stage = () => page.getByTestId('sound-stage')
const waveform = () => page.getByTestId('waveform')

const { shoot, shootBoth } = themedScreenshots(() => page, 'sound')

/** Opens `name` from the sounds folder through the in-app file browser. */
async function openThroughDialog(opener: Locator, title: string, name: string, confirm: string): Promise<void> {
  await opener.click()
  const dialog = page.getByRole('dialog', { name: title })
  await dialog.waitFor()
  await openInDialog(dialog, sounds, name, confirm)
}

/** How many of a canvas's pixels differ from its most common colour. */
function paintedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((element) => {
    const source = element as HTMLCanvasElement
    const context = source.getContext('2d')
    if (!context || source.width === 0) return 0
    const { data } = context.getImageData(0, 0, source.width, source.height)
    const counts = new Map<number, number>()
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    const common = Math.max(...counts.values())
    return data.length / 4 - common
  })
}

/** "1:02.500" -> 62.5 */
function seconds(text: string): number {
  const [minutes, rest] = text.split(':')
  return Number(minutes) * 60 + Number(rest)
}

function formatSeconds(value: number): string {
  return `${Math.floor(value / 60)}:${(value % 60).toFixed(3).padStart(6, '0')}`
}

async function playheadSeconds(): Promise<number> {
  return Number(await page.getByTestId('playhead-time').getAttribute('data-seconds'))
}

async function viewState(): Promise<{ start: number; pxPerSec: number }> {
  return {
    start: Number(await stage().getAttribute('data-view-start')),
    pxPerSec: Number(await stage().getAttribute('data-px-per-sec')),
  }
}

/** The labels of the region list, in its order. */
async function regionLabels(): Promise<string[]> {
  return (await page.getByTestId('region-row').locator('.region-name').allInnerTexts()).map((text) => text.trim())
}

/** The editor's state as the workspace keeps it (null before the first save). */
function savedState(): { activeKey: string; tabs: Array<{ key: string; regions: Array<{ label: string }>; versions: unknown[]; view: { start: number; pxPerSec: number } | null }> } | null {
  const path = join(home, 'sound-editor.json')
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null
}

/** Drops `bytes` as a file named `name` on the editor, on the drop target labelled `target` (else the first). */
async function dropFile(name: string, bytes: number[], target?: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ([data, fileName]) => {
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(data)], fileName, { type: 'audio/wav' }))
      return dt
    },
    [bytes, name] as const,
  )
  const zone = page.getByTestId('sound-drop-zone')
  await zone.dispatchEvent('dragenter', { dataTransfer: transfer })
  await zone.dispatchEvent('dragover', { dataTransfer: transfer })
  const onto = target ? page.locator('.drop-target').filter({ hasText: target }) : zone
  await onto.dispatchEvent('drop', { dataTransfer: transfer })
}

/** Drags with the mouse from (x0, y) to (x1, y) in page pixels, in `steps` moves. */
async function drag(x0: number, x1: number, y: number, steps = 10): Promise<void> {
  await page.mouse.move(x0, y)
  await page.mouse.down()
  for (let step = 1; step <= steps; step++) await page.mouse.move(x0 + ((x1 - x0) * step) / steps, y)
  await page.mouse.up()
}

/** Drags across the waveform from one fraction of its width to another. */
async function dragAcross(from: number, to: number): Promise<void> {
  const box = (await waveform().boundingBox())!
  const y = box.y + box.height * 0.6
  await page.mouse.move(box.x + box.width * from, y)
  await page.mouse.down()
  for (let step = 1; step <= 8; step++) await page.mouse.move(box.x + box.width * (from + ((to - from) * step) / 8), y)
  await page.mouse.up()
}

describe('the sound editor', () => {
  it('explains itself before a sound is open', async () => {
    await nav().getByRole('link', { name: 'Sound', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Sound' }).waitFor()
    const text = await page.locator('main').innerText()
    expect(text).toContain('Open a sound to edit it')
    expect(text).toContain('Results')
    await shootBoth('empty')
  })

  it('reports a file that is not a sound in the error banner', async () => {
    await openThroughDialog(page.getByTestId('open-sound'), 'Open a sound', 'broken.wav', 'Open')
    const banner = page.getByTestId('error-banner')
    await banner.waitFor()
    expect(await banner.innerText()).toMatch(/broken\.wav|RIFF|WAV|not/i)
    await banner.getByRole('button', { name: 'Dismiss error' }).click()
  })

  it('opens a sound through the file browser and draws its waveform and spectrogram', async () => {
    await openThroughDialog(page.getByTestId('open-sound'), 'Open a sound', 'sweep.wav', 'Open')
    const wave = page.getByTestId('waveform-canvas')
    await expect.poll(() => wave.getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true')
    await expect.poll(() => paintedPixels(wave), { timeout: 10_000 }).toBeGreaterThan(2000)
    const spectrogram = page.getByTestId('spectrogram')
    await expect.poll(() => spectrogram.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await expect.poll(() => paintedPixels(page.getByTestId('spectrogram-canvas'))).toBeGreaterThan(5000)
    expect(await page.getByTestId('sound-facts').innerText()).toMatch(/WAV pcm16.*44\.1 kHz.*mono.*0:06\.000/s)
    expect(await page.getByTestId('recent-sounds').innerText()).toContain('sweep.wav')
    await shootBoth('editor')
  })

  it('puts both edges of a selection under the pixels dragged from and to, at three zoom levels', async () => {
    const selection = waveform().getByTestId('overlay-selection')
    for (const [name, zoomIns] of [['fit', 0], ['x4', 2], ['x64', 4]] as const) {
      for (let i = 0; i < zoomIns; i++) await page.getByRole('button', { name: 'Zoom in' }).click()
      if (zoomIns) await expect.poll(async () => (await viewState()).pxPerSec).toBeGreaterThan(150 * 2 ** (zoomIns - 1))
      const view = await viewState()
      const box = (await waveform().boundingBox())!
      const y = box.y + box.height * 0.6
      const [a, b] = [Math.round(box.width * 0.21), Math.round(box.width * 0.67)]
      // A fresh selection each time (a press on the last one's edge would resize it).
      await page.keyboard.press('Escape')
      await expect.poll(() => selection.count()).toBe(0)
      await drag(box.x + a, box.x + b, y)
      await selection.waitFor()
      const start = Number(await selection.getAttribute('data-start'))
      const end = Number(await selection.getAttribute('data-end'))
      // The times under the two pixels, within one pixel's worth of time.
      const pixel = 1 / view.pxPerSec
      expect(Math.abs(start - (view.start + a / view.pxPerSec)), `start at ${name}`).toBeLessThanOrEqual(pixel)
      expect(Math.abs(end - (view.start + b / view.pxPerSec)), `end at ${name}`).toBeLessThanOrEqual(pixel)
      // Drawn there, and the hover line at the pointer names the same time as the later edge.
      const drawn = (await selection.boundingBox())!
      expect(Math.abs(drawn.x - (box.x + a))).toBeLessThanOrEqual(1)
      expect(Math.abs(drawn.x + drawn.width - (box.x + b))).toBeLessThanOrEqual(1)
      const hover = seconds(await waveform().getByTestId('hover-time').innerText())
      expect(Math.abs(hover - end)).toBeLessThanOrEqual(pixel + 0.0005)
      const [shownStart, shownEnd] = /Selection (\S+) to (\S+)/.exec(await page.getByTestId('selection-text').innerText())!.slice(1).map(seconds)
      expect(Math.abs(shownStart! - start)).toBeLessThanOrEqual(0.0005)
      expect(Math.abs(shownEnd! - end)).toBeLessThanOrEqual(0.0005)
      if (name === 'x64') await shootBoth('selection-exact')
    }
    await page.keyboard.press('Escape')
    await page.keyboard.press('0')
    await expect.poll(() => selection.count()).toBe(0)
  })

  it('selects by dragging, makes a labelled region of the selection, and loops it', async () => {
    await dragAcross(0.3, 0.55)
    await page.getByTestId('selection-text').waitFor()
    await page.keyboard.press('r')
    const label = page.getByRole('textbox', { name: /^Label of Region 1/ })
    await expect.poll(() => label.evaluate((element) => element === document.activeElement)).toBe(true)
    await page.keyboard.type('dog bark')
    await page.keyboard.press('Enter')
    const row = page.getByTestId('region-row').filter({ hasText: 'dog bark' })
    await row.waitFor()
    const [start, first] = (await row.locator('.region-time').allInnerTexts()).map(seconds)
    let end = first!
    expect(start).toBeGreaterThan(1.5)
    expect(end! - start!).toBeGreaterThan(1)

    // Its end moves with the handle on its right edge.
    const handle = (await waveform().getByTestId('overlay-region').first().locator('[data-grab="end"]').boundingBox())!
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2)
    await page.mouse.down()
    for (let step = 1; step <= 5; step++) await page.mouse.move(handle.x + handle.width / 2 + step * 8, handle.y + handle.height / 2)
    await page.mouse.up()
    await expect.poll(async () => (await row.locator('.region-time').allInnerTexts())[1]).not.toBe(formatSeconds(end!))
    const resized = (await row.locator('.region-time').allInnerTexts()).map(seconds)
    expect(resized[0]).toBe(start)
    expect(resized[1]! - end!).toBeGreaterThan(0.1)
    end = resized[1]!

    await page.keyboard.press('l')
    await expect.poll(() => page.getByTestId('play-toggle').getAttribute('aria-label'), { timeout: 10_000 }).toBe('Pause')
    const seen: number[] = []
    for (let i = 0; i < 30; i++) {
      seen.push(await playheadSeconds())
      await page.waitForTimeout(100)
    }
    // It plays (the position moves), stays inside the region, and went round at least once.
    expect(new Set(seen.map((t) => t.toFixed(2))).size).toBeGreaterThan(10)
    for (const time of seen) {
      expect(time).toBeGreaterThanOrEqual(start! - 0.01)
      expect(time).toBeLessThanOrEqual(end! + 0.1)
    }
    expect(seen.some((time, i) => i > 0 && time < seen[i - 1]!)).toBe(true)
    await shootBoth('loop')
    await page.keyboard.press('l')
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByTestId('play-toggle').getAttribute('aria-label')).toBe('Play')
  })

  it('moves a region only by its label bar or with Alt; a drag inside it selects', async () => {
    const row = page.getByTestId('region-row').filter({ hasText: 'dog bark' })
    const region = waveform().getByTestId('overlay-region').filter({ hasText: 'dog bark' })
    const bounds = async () => [Number(await region.getAttribute('data-start')), Number(await region.getAttribute('data-end'))]
    const [start, end] = await bounds()
    const { pxPerSec } = await viewState()
    const box = (await region.boundingBox())!
    const y = box.y + box.height * 0.6

    // Inside the region: a selection within it; the region stays.
    expect(await region.evaluate((element) => getComputedStyle(element.parentElement!).cursor)).toBe('text')
    await drag(box.x + box.width * 0.3, box.x + box.width * 0.6, y)
    await page.getByTestId('selection-text').waitFor()
    expect(await bounds()).toEqual([start, end])

    // By its bar (the cursor says it can be grabbed): moved by the distance dragged.
    const bar = region.locator('.region-bar')
    expect(await bar.evaluate((element) => getComputedStyle(element).cursor)).toBe('grab')
    const grip = (await bar.boundingBox())!
    await drag(grip.x + grip.width / 2, grip.x + grip.width / 2 + 60, grip.y + grip.height / 2, 6)
    await expect.poll(async () => (await bounds())[0]).not.toBe(start)
    const [movedStart, movedEnd] = await bounds()
    expect(Math.abs(movedStart! - (start! + 60 / pxPerSec))).toBeLessThanOrEqual(1 / pxPerSec)
    expect(movedEnd! - movedStart!).toBeCloseTo(end! - start!, 9)
    expect((await row.locator('.region-time').allInnerTexts()).map(seconds)[0]).toBeCloseTo(movedStart!, 3)
    await shoot('region-moved')

    // With Alt, from anywhere inside it: back where it was.
    const moved = (await region.boundingBox())!
    await page.keyboard.down('Alt')
    await drag(moved.x + moved.width * 0.5, moved.x + moved.width * 0.5 - 60, y, 6)
    await page.keyboard.up('Alt')
    await expect.poll(async () => Math.abs((await bounds())[0]! - start!)).toBeLessThanOrEqual(1 / pxPerSec)
    await page.keyboard.press('Escape')
  })

  it('adds a marker at the playhead and exports the labels as an Audacity label track', async () => {
    await page.keyboard.press('Home')
    await page.keyboard.press('Shift+ArrowRight')
    await page.keyboard.press('m')
    await page.getByTestId('region-row').filter({ hasText: 'Marker 1' }).waitFor()
    await page.getByTestId('export-labels').click()
    const dialog = page.getByRole('dialog', { name: 'Export labels' })
    await dialog.waitFor()
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByLabel('File name').fill('sweep labels')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId('sound-notice').innerText()).toContain('Wrote 2 labels')
    const lines = readFileSync(join(exchange, 'sweep labels.txt'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^0\.3\d*\t0\.3\d*\tMarker 1$/)
    expect(lines[1]).toMatch(/^\d+\.\d+\t\d+\.\d+\tdog bark$/)

    // Read back in: the track's labels are added beside the ones there.
    await page.getByTestId('import-labels').click()
    const browser = page.getByRole('dialog', { name: 'Import labels' })
    await browser.getByLabel('Folder path').fill(exchange)
    await browser.getByLabel('Folder path').press('Enter')
    await browser.getByRole('option', { name: /^sweep labels\.txt/ }).dblclick()
    await browser.waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId('region-row').count()).toBe(4)
    expect(await page.getByTestId('sound-notice').innerText()).toContain('Imported 2 labels')
    for (const label of ['Marker 1', 'dog bark']) {
      await page.getByTestId('region-row').filter({ hasText: label }).nth(1).getByRole('button', { name: /^Delete/ }).click()
    }
    await expect.poll(() => page.getByTestId('region-row').count()).toBe(2)
  })

  it('exports the region as WAV with the current gain', async () => {
    await page.getByTestId('region-row').filter({ hasText: 'dog bark' }).getByRole('button', { name: /^dog bark/ }).click()
    await page.keyboard.press('Control+e')
    const dialog = page.getByRole('dialog', { name: 'Export audio' })
    await dialog.waitFor()
    expect(await dialog.getByRole('radio', { name: /dog bark/ }).isChecked()).toBe(true)
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 30_000 })
    await expect.poll(() => page.getByTestId('sound-notice').innerText()).toMatch(/Exported \d+ frames/)
    const written = readFileSync(join(exchange, 'sweep-dog-bark.wav'))
    expect(written.subarray(0, 4).toString()).toBe('RIFF')
    expect(written.length).toBeGreaterThan(44 + 2 * rate)
  })

  it('adds a quieter version, matches loudness, and switches with key 2 at the same position', async () => {
    expect(await page.getByTestId('play-toggle').getAttribute('aria-label')).toBe('Play')
    await openThroughDialog(page.getByTestId('add-version'), 'Add a version', 'sweep-quiet.wav', 'Add version')
    const versions = page.getByTestId('version')
    await expect.poll(() => versions.count()).toBe(2)
    await expect.poll(() => versions.nth(1).getAttribute('aria-pressed')).toBe('true')
    expect(await versions.nth(0).innerText()).toMatch(/matched −12\.0 dB/)
    await page.keyboard.press('1')
    await expect.poll(() => versions.nth(0).getAttribute('aria-pressed')).toBe('true')
    const box = (await waveform().boundingBox())!
    await page.mouse.click(box.x + box.width * 0.8, box.y + 10)
    await expect.poll(playheadSeconds).toBeGreaterThan(4)
    const before = await playheadSeconds()
    await page.keyboard.press('2')
    await expect.poll(() => versions.nth(1).getAttribute('aria-pressed')).toBe('true')
    expect(Math.abs((await playheadSeconds()) - before)).toBeLessThan(0.01)
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await shootBoth('versions')
  })

  it('lists its shortcuts in a help overlay', async () => {
    await page.keyboard.press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    expect(await help.innerText()).toMatch(/Space\s+Play or pause/)
    await shoot('help')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
  })

  it('classifies the active version, draws a lane of its classes on the time axis, and adds them as regions', async () => {
    const panel = page.getByTestId('classification-panel')
    await expect.poll(() => panel.getByTestId('classifier-option').count()).toBeGreaterThan(0)
    if (existsSync(join(repoRoot, 'models', 'sound', 'dilated-fixture', 'model.json'))) {
      // The bundled classifier's whole name fits in the narrow column, and its accuracy says on what.
      const name = panel.getByTestId('classifier-option').filter({ hasText: 'dilated-fixture' }).locator('.classifier-name')
      expect(await name.innerText()).toBe('dilated-fixture (bundled)')
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
      expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
      expect(await panel.getByTestId('classifier-about').innerText()).toBe(
        'Bundled with the app, 10 classes; accuracy 90% on 30 synthetic clips (1 held-out fold)',
      )
      await panel.screenshot({ path: join(screenshotsDir, 'sound-classifier-chooser.png') })
    }
    const classify = panel.getByRole('button', { name: 'Classify' })
    await classify.click()
    const label = panel.getByTestId('classification-label')
    await label.waitFor({ timeout: 60_000 })
    const ranked = await panel.getByTestId('class-ranking').locator('.ranking-name').allInnerTexts()
    expect(ranked.length).toBeGreaterThan(1)
    expect(ranked[0]).toBe(await label.innerText())

    // 6 s at the paper's settings: 11 half-overlapping segments, every one in view at fit.
    const lane = page.getByTestId('classification-lane')
    const canvas = page.getByTestId('classification-canvas')
    const cells = async () => Number(await lane.getAttribute('data-visible-cells'))
    await expect.poll(cells).toBe(11)
    expect(await lane.getAttribute('data-rows')).toBe(String(Math.min(10, ranked.length)))
    await expect.poll(() => paintedPixels(canvas)).toBeGreaterThan(2000)
    expect(Math.abs((await lane.boundingBox())!.width - (await waveform().boundingBox())!.width)).toBeLessThan(1)
    await shootBoth('classify')
    // The cell under the pointer says what it holds.
    const box = (await canvas.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + 5)
    await expect.poll(() => canvas.getAttribute('title')).toMatch(new RegExp(`^${ranked[0]} [01]\\.\\d\\d, 0:0\\d\\.\\d{3} to 0:0\\d\\.\\d{3}$`))

    // It follows the zoom and the scroll of the waveform, as the spectrogram does.
    const before = await canvas.evaluate((element) => (element as HTMLCanvasElement).toDataURL())
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Zoom in' }).click()
    await expect.poll(cells).toBeLessThan(7)
    await expect.poll(() => canvas.evaluate((element) => (element as HTMLCanvasElement).toDataURL())).not.toBe(before)
    expect(await paintedPixels(canvas)).toBeGreaterThan(2000)
    await shootBoth('classify-zoomed')
    await page.getByRole('button', { name: 'Zoom to fit' }).click()
    await expect.poll(cells).toBe(11)

    // The lane is the active version's: the other version has none until it is classified.
    await page.locator('#main-content').focus()
    await page.keyboard.press('1')
    await expect.poll(() => lane.count()).toBe(0)
    await page.keyboard.press('2')
    await expect.poll(() => lane.count()).toBe(1)

    // Every run of a top class becomes a region at threshold 0; they are listed like the user's.
    const threshold = panel.getByLabel('Minimum probability')
    await threshold.fill('0')
    await threshold.press('Tab')
    const existing = await page.getByTestId('region-row').count()
    await panel.getByRole('button', { name: 'Add as regions' }).click()
    await expect.poll(() => page.getByTestId('sound-notice').innerText()).toMatch(/^Added \d+ regions? from the classification/)
    const labels = (await page.getByTestId('region-row').locator('.region-name').allInnerTexts()).map((text) => text.trim())
    const classLabel = new RegExp(`^(${ranked.join('|')}) [01]\\.\\d\\d$`)
    expect(labels.length).toBeGreaterThan(existing)
    expect(labels.filter((text) => classLabel.test(text)).length).toBe(labels.length - existing)
    await shootBoth('classify-regions')
  })

  it('keeps the labelled regions, versions, zoom and results through a trip to MRI and back, and a reload', async () => {
    const labels = await regionLabels()
    expect(labels).toContain('dog bark')
    const versions = page.getByTestId('version')
    expect(await versions.count()).toBe(2)
    await page.getByRole('button', { name: 'Zoom in' }).click()
    await expect.poll(async () => (await viewState()).pxPerSec).toBeGreaterThan(200)
    const view = await viewState()
    const lane = page.getByTestId('classification-lane')
    expect(await lane.count()).toBe(1)

    await nav().getByRole('link', { name: 'MRI', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'MRI' }).waitFor()
    await nav().getByRole('link', { name: 'Sound', exact: true }).click()
    await expect.poll(regionLabels).toEqual(labels)
    expect(await versions.count()).toBe(2)
    expect(await versions.nth(1).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(viewState).toEqual(view)
    await expect.poll(() => page.getByTestId('waveform-canvas').getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true')
    expect(await lane.count()).toBe(1)

    // A reload reads them back from the workspace, once they are written there.
    await expect.poll(() => savedState()?.tabs[0]?.regions.map((region) => region.label)).toEqual(labels)
    expect(savedState()!.tabs[0]!.versions).toHaveLength(2)
    // The zoom is written 300 ms after it settles, like every edit: reload once it is there.
    await expect.poll(() => savedState()?.tabs[0]?.view).toEqual(view)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Sound' }).waitFor()
    await expect.poll(regionLabels, { timeout: 30_000 }).toEqual(labels)
    expect(await versions.count()).toBe(2)
    expect(await versions.nth(1).getAttribute('aria-pressed')).toBe('true')
    await expect.poll(viewState).toEqual(view)
    await expect.poll(() => lane.count()).toBe(1)
    await expect.poll(() => page.getByTestId('waveform-canvas').getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true')
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    expect(await page.getByTestId('tab-unsaved').count()).toBe(1)
    // An edit made just before a reload is written as the page goes (pagehide), not lost in the save delay.
    await page.getByRole('button', { name: 'Zoom in' }).click()
    await expect.poll(async () => (await viewState()).pxPerSec).toBeGreaterThan(view.pxPerSec)
    const zoomed = await viewState()
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Sound' }).waitFor()
    await expect.poll(viewState, { timeout: 30_000 }).toEqual(zoomed)
    await expect.poll(() => page.getByTestId('waveform-canvas').getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true')
    await shootBoth('restored')
    await page.keyboard.press('0')
  })

  it('asks before another file replaces unsaved labels, and can open it in a new tab instead', async () => {
    const labels = await regionLabels()
    const tabs = page.getByTestId('sound-file-tab')
    expect(await tabs.count()).toBe(1)
    await openThroughDialog(page.getByTestId('open-sound'), 'Open a sound', 'sweep-quiet.wav', 'Open')
    const ask = page.getByRole('alertdialog', { name: 'Discard the unsaved labels?' })
    await ask.waitFor()
    expect(await ask.innerText()).toMatch(/sweep\.wav has \d+ regions and a marker not exported as a label track\. Opening sweep-quiet\.wav in this tab discards them\./)
    await shoot('discard-prompt')
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await ask.waitFor({ state: 'detached' })
    expect(await regionLabels()).toEqual(labels)
    expect(await page.getByTestId('version').first().innerText()).toContain('sweep.wav')

    // A dropped file asks the same; this time it opens in a new tab, uploaded.
    await dropFile('dropped.wav', [...readFileSync(join(sounds, 'sweep-quiet.wav'))])
    await ask.waitFor()
    await ask.getByRole('button', { name: 'Open it in a new tab instead' }).click()
    await expect.poll(() => tabs.count(), { timeout: 20_000 }).toBe(2)
    await expect.poll(() => page.getByTestId('version').first().innerText()).toContain('dropped.wav')
    expect(await page.getByTestId('version').count()).toBe(1)
    expect(await page.getByTestId('region-row').count()).toBe(0)
    // The classification is the other tab's sound's.
    expect(await page.getByTestId('classification-lane').count()).toBe(0)
    expect(await page.getByTestId('classification-result').count()).toBe(0)
    await expect.poll(() => page.getByTestId('waveform-canvas').getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true')
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await shootBoth('tabs')

    // The first tab kept everything; closing it would discard its labels, so that asks too.
    await tabs.first().getByRole('tab').click()
    await expect.poll(regionLabels).toEqual(labels)
    await tabs.first().getByRole('button', { name: 'Close sweep.wav' }).click()
    const close = page.getByRole('alertdialog', { name: 'Close sweep.wav?' })
    await close.waitFor()
    expect(await close.innerText()).toMatch(/Closing the tab discards them/)
    await close.getByRole('button', { name: 'Cancel' }).click()
    await close.waitFor({ state: 'detached' })
    expect(await tabs.count()).toBe(2)
    await tabs.nth(1).getByRole('tab').click()
    await expect.poll(() => page.getByTestId('version').first().innerText()).toContain('dropped.wav')
  })

  it('opens a one-hour file, zooms to single samples and scrolls', async () => {
    const started = Date.now()
    await openThroughDialog(page.getByTestId('open-sound'), 'Open a sound', 'hour.wav', 'Open')
    const wave = page.getByTestId('waveform-canvas')
    // A hang guard, not a speed test (speed is measured by `percept bench audio`).
    await expect.poll(() => page.getByTestId('sound-facts').innerText(), { timeout: 110_000 }).toContain('1:00:00.000')
    const openedSeconds = (Date.now() - started) / 1000
    await expect.poll(() => paintedPixels(wave), { timeout: 30_000 }).toBeGreaterThan(2000)
    const openSeconds = (Date.now() - started) / 1000
    console.info(`The one-hour file: audio.open answered after ${openedSeconds.toFixed(1)} s, the waveform was drawn after ${openSeconds.toFixed(1)} s.`)
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 30_000 }).toBe('ready')
    await shootBoth('hour')

    const fit = await viewState()
    const box = (await waveform().boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.keyboard.down('Control')
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -100)
    await page.keyboard.up('Control')
    await expect.poll(async () => (await viewState()).pxPerSec).toBeGreaterThan(fit.pxPerSec * 2.5)
    const zoomed = await viewState()
    await page.keyboard.down('Shift')
    await page.mouse.wheel(0, 400)
    await page.keyboard.up('Shift')
    await expect.poll(async () => (await viewState()).start).toBeGreaterThan(zoomed.start)

    // Down to single samples in the middle of the hour.
    await page.mouse.click(box.x + box.width / 2, box.y + 10)
    for (let i = 0; i < 24; i++) await page.keyboard.press('+')
    await expect.poll(() => page.getByTestId('zoom-text').innerText()).toMatch(/px per sample/)
    const deep = await viewState()
    expect(deep.pxPerSec / rate).toBeGreaterThanOrEqual(20)
    expect(deep.start).toBeGreaterThan(1000)
    await page.waitForTimeout(1500)
    expect(await paintedPixels(wave)).toBeGreaterThan(500)
    // Wavesurfer's cursor (in its shadow root) sits on the playhead, where the spectrogram draws it.
    const cursor = (await stage().locator('.wave-mount [part="cursor"]').boundingBox())!
    const line = (await page.locator('.spectrogram-playhead').boundingBox())!
    expect(Math.abs(cursor.x + cursor.width / 2 - (line.x + line.width / 2))).toBeLessThan(3)
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await shootBoth('hour-samples')
    await page.keyboard.press('ArrowRight')
    await expect.poll(async () => (await viewState()).start).toBeGreaterThan(deep.start)
    await page.keyboard.press('0')
    await expect.poll(async () => (await viewState()).pxPerSec).toBeCloseTo(fit.pxPerSec, 6)
  }, 240_000)

  it('keeps its sounds open when the page is left, and closes a sound with its tab', async () => {
    const id = openedIds.at(-1)!
    const peaks = `${new URL(served.url).origin}/res/audio/${id}/peaks?start=0&end=1&buckets=4&token=${served.token}`
    expect((await fetch(peaks)).status).toBe(200)
    await nav().getByRole('link', { name: 'Models', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor()
    await nav().getByRole('link', { name: 'Sound', exact: true }).click()
    await expect.poll(() => page.getByTestId('sound-facts').innerText()).toContain('1:00:00.000')
    expect((await fetch(peaks)).status).toBe(200)
    // The hour has no labels: its tab closes without a question, and its sound in the core with it.
    await page.getByRole('button', { name: 'Close hour.wav' }).click()
    await expect.poll(async () => (await fetch(peaks)).status).toBe(404)
    expect(await page.getByTestId('sound-file-tab').count()).toBe(1)
    await expect.poll(regionLabels).toContain('dog bark')
  })

  it('made no request outside its own origin, logged no errors and violated no CSP directive', async () => {
    expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
