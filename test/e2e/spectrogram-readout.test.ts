import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hzToFraction } from '../../renderer/src/workspaces/sound/lib/frequency-axis'
import { requireBuild, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// The spectrogram's readout, colour scale and settings in Chromium against the built app: hovering a
// pure tone names its frequency and level (the core's value of that cell), the settings change the
// FFT size and the axis and are kept with the editor's state, and the waveform has a dBFS scale.

const rate = 8000
const toneHz = 1500
const amplitude = 0.5

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let home: string
let sounds: string
let consoleErrors: string[] = []

function toneWav(seconds: number): Buffer {
  const frames = seconds * rate
  const b = Buffer.alloc(44 + frames * 2)
  b.write('RIFF', 0)
  b.writeUInt32LE(36 + frames * 2, 4)
  b.write('WAVEfmt ', 8)
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20)
  b.writeUInt16LE(1, 22)
  b.writeUInt32LE(rate, 24)
  b.writeUInt32LE(rate * 2, 28)
  b.writeUInt16LE(2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36)
  b.writeUInt32LE(frames * 2, 40)
  for (let i = 0; i < frames; i++) b.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * toneHz * i) / rate)), 44 + i * 2)
  return b
}

beforeAll(async () => {
  requireBuild()
  mkdirSync(screenshotsDir, { recursive: true })
  const temp = tempHome()
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  sounds = join(temp.home, 'sounds')
  for (const folder of [home, sounds]) mkdirSync(folder)
  writeFileSync(join(sounds, 'tone.wav'), toneWav(2))
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, consoleErrors } = await openWatchedPage(browser, served.url))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const { shoot } = themedScreenshots(() => page, 'spectrogram')

interface Reading {
  x: number
  y: number
  hz: number
  db: number
  text: string
}

/** Hovers (x, y) in page pixels and waits for the readout's level from the core. */
async function readAt(x: number, y: number): Promise<Reading> {
  await page.mouse.move(x, y)
  const readout = page.getByTestId('spectrogram-readout')
  await expect.poll(() => readout.getAttribute('data-db'), { timeout: 10_000 }).not.toBeNull()
  return { x, y, hz: Number(await readout.getAttribute('data-hz')), db: Number(await readout.getAttribute('data-db')), text: await readout.innerText() }
}

/** The loudest reading over the pixel rows around where the axis puts the tone, and the Hz one pixel spans there. */
async function scanTone(axis: 'mel' | 'linear'): Promise<{ peak: Reading; hzPerPx: number }> {
  const box = (await page.getByTestId('spectrogram-pointer').boundingBox())!
  const y = Math.round(box.y + box.height * (1 - hzToFraction(toneHz, rate, axis)))
  const readings: Reading[] = []
  for (let dy = -4; dy <= 4; dy++) readings.push(await readAt(box.x + box.width / 2, y + dy))
  const peak = readings.reduce((best, reading) => (reading.db > best.db ? reading : best))
  const hzPerPx = Math.abs(readings[0]!.hz - readings.at(-1)!.hz) / 8
  return { peak, hzPerPx }
}

describe('the spectrogram readout, colour scale and settings', () => {
  it('names the frequency and level of a tone under the pointer on the mel axis', async () => {
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Sound', exact: true }).click()
    await page.getByTestId('open-sound').click()
    const dialog = page.getByRole('dialog', { name: 'Open a sound' })
    await dialog.getByLabel('Folder path').fill(sounds)
    await dialog.getByLabel('Folder path').press('Enter')
    await dialog.getByRole('option', { name: /^tone\.wav/ }).click()
    await dialog.getByRole('button', { name: 'Open', exact: true }).click()
    const spectrogram = page.getByTestId('spectrogram')
    await expect.poll(() => spectrogram.getAttribute('data-shown'), { timeout: 30_000 }).toBe('2048/hann/mel/80')
    const { peak, hzPerPx } = await scanTone('mel')
    // The loudest row under the pointer is the tone's, to within a bin (3.9 Hz) or the pixel it falls in.
    expect(hzPerPx).toBeGreaterThan(5)
    expect(hzPerPx).toBeLessThan(40)
    expect(Math.abs(peak.hz - toneHz)).toBeLessThanOrEqual(Math.max(rate / 2048, hzPerPx))
    expect(peak.text).toMatch(/^0:0\d\.\d+\s+1\.\d+ kHz\s+\d+\.\d dB$/)
    // The colour bar spans the chosen 80 dB below the loudest cell, which the tone is (up to its band's share).
    const bar = await page.getByTestId('spectrogram-color-bar').getAttribute('aria-label')
    const [low, high] = /(-?\d+) to (-?\d+) dB/.exec(bar ?? '')!.slice(1).map(Number)
    expect(high! - low!).toBe(80)
    expect(peak.db).toBeGreaterThan(high! - 6)
    expect(peak.db).toBeLessThanOrEqual(high! + 0.5)
    expect(await page.getByTestId('waveform-scale').innerText()).toMatch(/0[\s\S]*-6[\s\S]*-12[\s\S]*-∞/)
    await readAt(peak.x, peak.y)
    await shoot('readout-mel')
  })

  it('switches to a 512-point FFT on a linear axis, re-rendered by the core, and keeps the choice', async () => {
    await page.getByTestId('spectrogram-settings-toggle').click()
    const panel = page.getByTestId('spectrogram-settings')
    await panel.getByLabel('FFT size').selectOption('512')
    await panel.getByLabel('Frequency axis').selectOption('linear')
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-shown'), { timeout: 30_000 }).toBe('512/hann/linear/80')
    await shoot('settings-linear')
    await page.keyboard.press('Escape')
    await expect.poll(() => panel.count()).toBe(0)
    const { peak, hzPerPx } = await scanTone('linear')
    // 4 kHz over the lane's height: one pixel is ~27 Hz, a bin 15.6 Hz.
    expect(hzPerPx).toBeCloseTo(4000 / 150, 0)
    expect(Math.abs(peak.hz - toneHz)).toBeLessThanOrEqual(Math.max(rate / 512, hzPerPx))
    // A Hann-windowed sine of amplitude A peaks near (A N / 4)^2, less up to 1.4 dB off a bin's centre.
    const expected = 20 * Math.log10((amplitude * 512) / 4)
    expect(peak.db).toBeGreaterThan(expected - 1.6)
    expect(peak.db).toBeLessThan(expected + 0.5)
    expect(await page.getByTestId('spectrogram-settings-toggle').innerText()).toBe('512 · hann · linear · 80 dB')
    await readAt(peak.x, peak.y)
    await shoot('readout-linear')
    const state = () => (existsSync(join(home, 'sound-editor.json')) ? JSON.parse(readFileSync(join(home, 'sound-editor.json'), 'utf8')).spectrogram : null)
    await expect.poll(state, { timeout: 10_000 }).toEqual({ fftSize: 512, window: 'hann', axis: 'linear', rangeDb: 80 })
    expect(consoleErrors).toEqual([])
    expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
  })
})
