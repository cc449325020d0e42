import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { integratedLoudness, readAudioFile, rmsLevel } from '../../main/dsp/io'
import { requireBuild, runCli, startServe, type Served } from '../helpers/built-app'
import { launchChromium, openWatchedPage } from '../helpers/chromium'
import { screenshotsDir, themedScreenshots } from '../helpers/screenshots'
import { tempHome } from '../helpers/temp-home'

// The Speech page in Chromium against the built app (`percept serve` on a throwaway workspace) with a tiny
// MDNN voice trained the fast way on a 3-sentence festival fixture (as the CLI tests do): text with
// numbers, an abbreviation, an emoji and a URL synthesised by all four systems as a job, streamed while it
// runs, then auditioned in the waveform editor (phones as regions, systems switched at the same playhead,
// WAV export); speaking rate and pitch; bad input; a 100,000-character text streamed and cancelled; and a
// MUSHRA test prepared, rated by two listeners, summarised with 95% intervals and exported as CSV. The
// audio is checked on disk (non-silent, durations, loudness matching, the anchor's band limit). Skipped
// where festival is absent.
const hasFestival = spawnSync('festival', ['--version']).error === undefined

let served: Served
let browser: Browser
let page: Page
let cleanup: () => void
let home: string
let exchange: string
let foreignRequests: string[] = []
let consoleErrors: string[] = []
let voiceId = ''

const { shoot, shootBoth } = themedScreenshots(() => page, 'speech')

beforeAll(async () => {
  if (!hasFestival) return
  requireBuild()
  mkdirSync(screenshotsDir, { recursive: true })
  const temp = tempHome('percept-e2e-speech-')
  cleanup = temp.cleanup
  home = join(temp.home, 'workspace')
  exchange = join(temp.home, 'exchange')
  mkdirSync(home)
  mkdirSync(exchange)
  const env = { PERCEPT_HOME: home, PERCEPT_BACKEND: 'cpu' }
  const corpus = join(temp.home, 'corpus')
  const fixture = await runCli(['tts', 'corpus', 'fixture', corpus, '--sentences', '3', '--seed', '2'], env)
  expect(fixture.code, fixture.stderr).toBe(0)
  const trained = await runCli(
    ['tts', 'train', '--corpus', corpus, '--system', 'mdnn', '--epochs', '1', '--widths', 'duration=8,acoustic=16x16,autoencoder=32x8,bottleneck=16,postFilter=16', '--batch-size', '64', '--json'],
    env,
  )
  expect(trained.code, trained.stderr).toBe(0)
  voiceId = JSON.parse(trained.stdout).modelId
  served = await startServe(home)
  browser = await launchChromium()
  ;({ page, foreignRequests, consoleErrors } = await openWatchedPage(browser, served.url))
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  cleanup?.()
})

const nav = () => page.getByRole('navigation', { name: 'Workspaces' })
const runsDir = () => join(home, 'runs')
/** Synthesis runs, oldest first (job ids sort by time). */
const synthesisRuns = () => readdirSync(runsDir()).filter((d) => existsSync(join(runsDir(), d, 'synthesis.json'))).sort()
const manifest = (run: string) => JSON.parse(readFileSync(join(runsDir(), run, 'synthesis.json'), 'utf8'))
const playheadSeconds = async () => Number(await page.getByTestId('playhead-time').getAttribute('data-seconds'))

async function synthesise(text: string): Promise<void> {
  await page.getByTestId('synthesis-text').fill(text)
  await page.getByTestId('synthesize').click()
}

describe.skipIf(!hasFestival)('the Speech workspace', () => {
  it('opens on the Synthesis tab with the trained voice and its four systems', async () => {
    await nav().getByRole('link', { name: 'Speech', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Speech' }).waitFor()
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['Synthesis', 'Listening test', 'Enhancement'])
    expect(await page.getByTestId('speech-tab-synthesis').getAttribute('aria-selected')).toBe('true')
    const voice = page.getByTestId('synthesis-voice')
    // The voice that ships with the app is offered beside the one trained here; the test speaks with its own.
    await expect.poll(() => voice.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(expect.arrayContaining(['bundled/slt-fixture', voiceId]))
    await voice.selectOption(voiceId)
    await expect.poll(() => voice.inputValue()).toBe(voiceId)
    const systems = page.getByTestId('synthesis-systems').locator('input[type=checkbox]')
    expect(await systems.count()).toBe(4)
    for (const key of ['mdnn', 'mdnn-raw', 'dnn', 'dnn-raw']) expect(await page.getByTestId(`system-${key}`).isChecked()).toBe(true)
    // Nothing in Speech is still coming: the sidebar's tooltip names enhancement among its tools.
    expect(await nav().getByRole('link', { name: 'Speech', exact: true }).getAttribute('title')).toMatch(/speech enhancement/)
    expect(await nav().getByRole('link', { name: 'Speech', exact: true }).getAttribute('title')).not.toMatch(/coming/)
  })

  it('refuses empty text and text with nothing speakable, saying why', async () => {
    await synthesise('   ')
    expect(await page.getByTestId('synthesis-error').innerText()).toBe('Type the text to say.')
    await synthesise('😀😀 Привет')
    await expect.poll(() => page.getByTestId('synthesis-error').innerText(), { timeout: 20_000 }).toMatch(/Nothing in the text can be spoken.*emoji.*Cyrillic/s)
    expect(synthesisRuns()).toEqual([])
  })

  it('synthesises with every system as a job, streams the first sentences, and opens the result in the editor', async () => {
    const text = 'Hello there, Mr. Smith. The meeting costs $12 on Friday. 😀 See https://example.com for more!'
    await synthesise(text)
    // Streamed: the player starts on the first sentence while the job still runs or just after.
    await expect.poll(() => page.getByTestId('stream-status').innerText().catch(() => ''), { timeout: 60_000 }).toMatch(/Playing sentence|Waiting for sentence/)
    await page.getByTestId('synthesis-editor').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('synthesis-stage').innerText()).toMatch(/^\d+\.\d\d s of speech$/)
    expect(await page.getByTestId('synthesis-notices').innerText()).toMatch(/😀.*emoji/)
    const versions = page.getByTestId('version')
    expect(await versions.count()).toBe(4)
    expect(await versions.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('MDNN + post-filter'), expect.stringContaining('DNN without post-filter')]))

    // The audio on disk: one WAV per system, all as long as the phones say, none silent.
    const [run] = synthesisRuns()
    const state = manifest(run!)
    expect(state.sentences.map((s: { text: string }) => s.text)).toEqual(['Hello there, Mr. Smith.', 'The meeting costs $12 on Friday. 😀 See https://example.com for more!'])
    const end = state.phones.at(-1).end
    expect(state.duration).toBeCloseTo(end, 2)
    for (const system of state.systems) {
      const audio = await readAudioFile(system.path)
      expect(audio.sampleRate).toBe(16000)
      expect(audio.channels[0]!.length / 16000).toBeCloseTo(state.duration, 3)
      // The DNNs speak at a normal level; this one-epoch MDNN is quieter (down to -80 dBFS with its post-filter),
      // never silent, and the editor plays every version loudness-matched.
      expect(rmsLevel(audio), system.key).toBeGreaterThan(system.system === 'dnn' ? 0.003 : 2e-5)
    }

    // The phones are the regions; silences are left out.
    const rows = page.getByTestId('region-row')
    await expect.poll(() => rows.count()).toBe(state.phones.filter((p: { phone: string }) => p.phone !== 'pau').length)
    expect((await rows.first().locator('.region-name').innerText()).trim()).toBe('hh')
    expect(await page.getByTestId('overlay-region').count()).toBeGreaterThan(10)

    // Systems switch at the same playhead.
    const box = (await page.getByTestId('waveform').boundingBox())!
    await page.mouse.click(box.x + box.width * 0.6, box.y + 10)
    await expect.poll(playheadSeconds).toBeGreaterThan(0.5)
    const before = await playheadSeconds()
    await versions.nth(2).click()
    await expect.poll(() => versions.nth(2).getAttribute('aria-pressed')).toBe('true')
    expect(Math.abs((await playheadSeconds()) - before)).toBeLessThan(0.01)
    await page.keyboard.press('1')
    await expect.poll(() => versions.nth(0).getAttribute('aria-pressed')).toBe('true')
    expect(Math.abs((await playheadSeconds()) - before)).toBeLessThan(0.01)
    await expect.poll(() => page.getByTestId('spectrogram').getAttribute('data-state'), { timeout: 20_000 }).toBe('ready')
    await page.getByTestId('spectrogram').scrollIntoViewIfNeeded()
    await shootBoth('synthesis')

    // Export the active system as WAV: the whole of it (the click above chose the phone under it, which the
    // dialog offers first).
    await page.getByTestId('export-audio').click()
    const dialog = page.getByRole('dialog', { name: /Export/ })
    await dialog.waitFor()
    await dialog.getByLabel(/The whole sound/).check()
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByLabel('File name').fill('hello-mdnn')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => existsSync(join(exchange, 'hello-mdnn.wav')), { timeout: 20_000 }).toBe(true)
    const exported = await readAudioFile(join(exchange, 'hello-mdnn.wav'))
    expect(exported.channels[0]!.length / 16000).toBeCloseTo(state.duration, 3)
  }, 240_000)

  it('speaks faster and higher with the rate and pitch controls', async () => {
    await page.getByTestId('synthesis-rate').fill('1.5')
    await page.getByTestId('synthesis-pitch').fill('4')
    for (const key of ['mdnn-raw', 'dnn', 'dnn-raw']) await page.getByTestId(`system-${key}`).uncheck()
    await synthesise('Hello there, Mr. Smith. The meeting costs $12 on Friday.')
    await expect.poll(() => synthesisRuns().length, { timeout: 60_000 }).toBe(2)
    const run = synthesisRuns()[1]!
    await expect.poll(() => manifest(run).systems[0]?.path ?? null, { timeout: 120_000 }).not.toBeNull()
    const fast = manifest(run)
    expect(fast).toMatchObject({ rate: 1.5, pitch: 4 })
    // The same first sentence at rate 1: each phone's frames divided by 1.5 (rounded, at least one), about two thirds of the time.
    const normal = manifest(synthesisRuns()[0]!)
    expect(fast.sentences[0].text).toBe(normal.sentences[0].text)
    expect(fast.sentences[0].duration / normal.sentences[0].duration).toBeGreaterThan(0.55)
    expect(fast.sentences[0].duration / normal.sentences[0].duration).toBeLessThan(0.8)
    await page.getByTestId('synthesis-editor').waitFor()
    await expect.poll(() => page.getByTestId('version').count(), { timeout: 20_000 }).toBe(1)
    expect(await page.getByTestId('synthesis-rate').inputValue()).toBe('1.5')
    await shoot('rate-pitch')
    await page.getByTestId('synthesis-rate').fill('1')
    await page.getByTestId('synthesis-pitch').fill('0')
  }, 180_000)

  it('streams a 100,000-character text sentence by sentence and cancels it', async () => {
    const sentence = 'The quick brown fox jumps over the lazy dog near the river bank. '
    const long = sentence.repeat(Math.ceil(100_000 / sentence.length)).slice(0, 100_000)
    await synthesise(long)
    await expect.poll(() => page.getByTestId('stream-status').innerText().catch(() => ''), { timeout: 60_000 }).toMatch(/Playing sentence \d+ of \d{3,}/)
    await expect.poll(() => page.getByTestId('synthesis-stage').innerText(), { timeout: 20_000 }).toMatch(/sentence \d+ of \d{3,}/)
    await shoot('long-text')
    await page.getByTestId('synthesis-cancel').click()
    await expect.poll(() => page.getByTestId('job-state').first().innerText(), { timeout: 30_000 }).toMatch(/Cancelled/i)
    expect(await page.getByTestId('stream-status').count()).toBe(0)
    await expect.poll(() => synthesisRuns().length, { timeout: 60_000 }).toBe(3)
    const run = synthesisRuns()[2]!
    expect(manifest(run).total).toBeGreaterThan(1000)
    // Cancelled: no whole WAV was left behind, half-written or not.
    expect(readdirSync(join(runsDir(), run)).filter((f) => f.endsWith('.wav') || f.endsWith('.part'))).toEqual([])
  }, 120_000)

  it('prepares a MUSHRA test, runs it for two listeners, summarises it with 95% intervals and exports CSV', async () => {
    await page.getByTestId('speech-tab-listening').click()
    expect(page.url()).toContain('tab=listening')
    const form = page.getByTestId('listening-new')
    await expect.poll(() => form.getByTestId('listening-voice').locator(`option[value="${voiceId}"]`).count()).toBe(1)
    await form.getByTestId('listening-voice').selectOption(voiceId)
    await expect.poll(() => form.getByTestId('listening-voice').inputValue()).toBe(voiceId)
    expect(await form.getByTestId('listening-held-out').isChecked()).toBe(true)
    await form.getByTestId('listening-name').fill('DNN vs MDNN')
    for (const key of ['mdnn-raw', 'dnn-raw']) await form.getByTestId(`listening-system-${key}`).uncheck()
    await form.getByTestId('listening-count').fill('1')
    await form.getByTestId('listening-prepare').click()
    const test = page.locator('[data-testid^="listening-test-"]').filter({ hasText: 'DNN vs MDNN' })
    await test.waitFor({ timeout: 120_000 })
    expect(await test.innerText()).toMatch(/1 sentence · 4 conditions · 0 listeners/)
    const testId = (await test.getAttribute('data-testid'))!.replace('listening-test-', '')
    expect(await page.getByTestId('listening-facts').innerText()).toMatch(/MDNN \+ post-filter, DNN \+ post-filter, Hidden reference.*Low anchor/)

    // The stimuli: the natural sentence, its low-pass and the two systems, equally loud, none silent.
    const stimuli = join(runsDir(), testId, 'stimuli', '0')
    const loud: Record<string, number> = {}
    for (const id of ['mdnn', 'dnn', 'reference', 'anchor']) {
      const audio = await readAudioFile(join(stimuli, `${id}.wav`))
      expect(rmsLevel(audio), id).toBeGreaterThan(0.005)
      loud[id] = integratedLoudness(audio)!
    }
    for (const id of ['mdnn', 'dnn', 'anchor']) expect(Math.abs(loud[id]! - loud.reference!), id).toBeLessThan(1)
    const reference = await readAudioFile(join(stimuli, 'reference.wav'))
    const anchor = await readAudioFile(join(stimuli, 'anchor.wav'))
    expect(anchor.channels[0]!.length).toBe(reference.channels[0]!.length)
    expect(highBandShare(reference.channels[0]!)).toBeGreaterThan(1e-3)
    expect(highBandShare(anchor.channels[0]!)).toBeLessThan(0.01 * highBandShare(reference.channels[0]!))

    /** Rates as `scores` says by condition, looking up the blind letters in the listener's file. */
    async function runAs(listener: string, scores: Record<string, number>): Promise<void> {
      await page.getByTestId('listener-name').fill(listener)
      await page.getByTestId('listening-begin').click()
      const trial = page.getByTestId('mushra-trial')
      await trial.waitFor()
      expect(await trial.locator('[data-testid^="condition-"]').count()).toBe(4)
      await expect.poll(() => page.getByTestId('play-A').isEnabled(), { timeout: 20_000 }).toBe(true)
      await page.getByTestId('play-A').click()
      await expect.poll(() => page.getByTestId('play-A').innerText()).toMatch(/Stop/)
      await page.getByTestId('play-reference').click()
      await expect.poll(() => page.getByTestId('play-reference').innerText()).toMatch(/Stop reference/)
      expect(await page.getByTestId('play-A').innerText()).toMatch(/▶ A/)
      await page.getByTestId('play-reference').click()
      expect(await page.getByTestId('mushra-next').isDisabled()).toBe(true)
      const files = readdirSync(join(runsDir(), testId, 'listeners')).map((f) => JSON.parse(readFileSync(join(runsDir(), testId, 'listeners', f), 'utf8')))
      const order: string[] = files.find((f) => f.name === listener).trials[0].order
      for (const [k, id] of order.entries()) await page.getByTestId(`slider-${'ABCD'[k]}`).fill(String(scores[id]))
      expect(await page.getByTestId(`score-${'ABCD'[order.indexOf('mdnn')]}`).innerText()).toBe(String(scores.mdnn))
      if (listener === 'ada') await shootBoth('mushra-trial')
      await page.getByTestId('mushra-next').click()
      await page.getByTestId('mushra-summary').waitFor()
    }
    await runAs('ada', { mdnn: 70, dnn: 55, reference: 100, anchor: 20 })
    expect(await page.getByTestId('summary-row-mdnn').innerText()).toMatch(/MDNN \+ post-filter\s+1\s+70\.0\s+—/)
    await runAs('bob', { mdnn: 60, dnn: 45, reference: 95, anchor: 10 })
    // mdnn: 70, 60 -> mean 65, s = 7.071, t(0.975, 1) = 12.706 -> 65 ± 63.53; dnn 55, 45 -> 50 ± 63.53.
    expect((await page.getByTestId('summary-row-mdnn').innerText()).replace(/\s+/g, ' ')).toBe('MDNN + post-filter 2 65.0 1.5 – 128.5 7.1')
    expect((await page.getByTestId('summary-row-dnn').innerText()).replace(/\s+/g, ' ')).toBe('DNN + post-filter 2 50.0 -13.5 – 113.5 7.1')
    expect((await page.getByTestId('summary-row-reference').innerText()).replace(/\s+/g, ' ')).toMatch(/ 2 97\.5 /)
    expect(await page.getByTestId('listening-listeners').innerText()).toMatch(/2 listeners counted: ada, bob/)
    await expect.poll(() => test.innerText(), { timeout: 10_000 }).toMatch(/2 listeners/)
    await shootBoth('mushra-summary')

    await page.getByTestId('listening-export').click()
    const dialog = page.getByRole('dialog', { name: 'Export ratings as CSV' })
    await dialog.waitFor()
    await dialog.getByLabel('Folder', { exact: true }).fill(exchange)
    await dialog.getByLabel('File name').fill('ratings')
    await dialog.getByTestId('save-confirm').click()
    await dialog.waitFor({ state: 'detached' })
    expect(await page.getByTestId('listening-exported').innerText()).toMatch(/Wrote 8 ratings/)
    const csv = readFileSync(join(exchange, 'ratings.csv'), 'utf8').trimEnd().split('\r\n')
    expect(csv[0]).toBe('listener,trial,sentence_id,sentence,condition,condition_label,kind,letter,score,rated_at')
    expect(csv).toHaveLength(9)
    expect(csv.filter((l) => l.startsWith('bob,') && l.includes(',reference,')).map((l) => l.split(',').at(-2))).toEqual(['95'])
  }, 300_000)

  it('made no foreign request and logged no error', async () => {
    expect(foreignRequests).toEqual([])
    expect(consoleErrors).toEqual([])
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
  })
})

/** Share of a 16 kHz signal's energy above 4.5 kHz: Hann-windowed 512-point DFTs of frames every 1024 samples. */
function highBandShare(x: Float32Array): number {
  const n = 512
  const first = Math.round((4500 / 16000) * n)
  let high = 0
  let all = 0
  for (let at = 0; at + n <= x.length; at += 1024) {
    for (let k = 1; k < n / 2; k++) {
      let re = 0
      let im = 0
      for (let t = 0; t < n; t++) {
        const v = x[at + t]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * t) / n))
        re += v * Math.cos((2 * Math.PI * k * t) / n)
        im -= v * Math.sin((2 * Math.PI * k * t) / n)
      }
      const power = re * re + im * im
      all += power
      if (k >= first) high += power
    }
  }
  return high / all
}
