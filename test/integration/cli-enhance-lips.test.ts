import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrame, encodeGreyPng } from '../../main/enhance/corpus/frame-image'
import { encodeWav } from '../../main/dsp/io'
import { noise, sine } from '../helpers/audio-signals'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'
import { BLANK, FRAME, writeFaceFrames } from '../unit/enhance/corpus/lip-crop-frames'

// `percept enhance lips` then `percept enhance run --lips` as a user chains them, on the built app: eight
// GRID-sized frames of a real face (one blank) cropped to lips by the face-landmark model, the crops fed to
// the bundled Multimodal model with 0.32 s of noisy audio (8 video frames at 25 fps); and the bad inputs.

let home: string
let cleanup: () => void
const cli = (args: string[]) => runCli(['enhance', ...args], { PERCEPT_HOME: join(home, 'workspace') })

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-enhance-lips-'))
  writeFaceFrames(join(home, 'frames'))
  const speechLike = sine(220, 0.32, 16000, 0.3).map((v, i) => v * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / 16000)))
  const hiss = noise(0.32, 16000, 5, 0.1)
  writeFileSync(join(home, 'noisy.wav'), encodeWav({ sampleRate: 16000, channels: [speechLike.map((v, i) => v + hiss[i]!)] }, 'pcm16'))
})
afterAll(() => cleanup())

describe('percept enhance lips', () => {
  it('crops full-face frames to 92 x 50 lips, counting the frame with no face, and the crops feed enhance run --lips', async () => {
    const lips = join(home, 'lips')
    const cropped = await cli(['lips', join(home, 'frames'), '--out', lips, '--json'])
    expect(cropped.code, cropped.stderr).toBe(0)
    const summary = JSON.parse(cropped.stdout)
    expect(summary).toMatchObject({ frames: 8, found: 7, fallback: 1, fallbackFrames: [BLANK], frameSize: `${FRAME.width} x ${FRAME.height}`, out: lips })
    expect(summary.seconds).toBeGreaterThan(0)
    expect(summary.geometry).toBeUndefined()
    expect(summary.notes[0]).toContain('1 of 8 frames took the last good lip crop (1 no face found)')
    const names = readdirSync(lips).sort()
    expect(names).toEqual(Array.from({ length: 8 }, (_, k) => `frame_${String(k).padStart(4, '0')}.png`))
    for (const name of names) expect(decodeFrame(readFileSync(join(lips, name)), name)).toMatchObject({ width: 92, height: 50 })

    const run = await cli(['run', '--noisy', join(home, 'noisy.wav'), '--lips', lips, '--out', join(home, 'enhanced.wav'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ model: 'bundled/multimodal', kind: 'multimodal', lips: { videoFrames: 8, replacedFrames: 0 } })
    expect(readFileSync(join(home, 'enhanced.wav')).length).toBeGreaterThan(44 + 2 * 5000)
  }, 240_000)

  it('enhance run --lips takes the full-face frames themselves, cropping them in a thread first and saying so', async () => {
    const run = await cli(['run', '--noisy', join(home, 'noisy.wav'), '--lips', join(home, 'frames'), '--out', join(home, 'enhanced-from-frames.wav'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ model: 'bundled/multimodal', lips: { videoFrames: 8 } })
    expect(result.notes[0]).toMatch(new RegExp(`full-face frames \\(${FRAME.width} x ${FRAME.height}\\).*cropped to 92 x 50 by the face-landmark model`))
    expect(result.notes[0]).toContain('7 of 8 frames with a face')
    // The crops lived in a temporary folder for the run only: nothing is left beside the frames.
    expect(readdirSync(join(home, 'frames')).every((name) => /\.png$/.test(name))).toBe(true)
  }, 240_000)

  it('says what to do for frames with no face, lip crops given again, a used --out and a missing folder', async () => {
    const blank = join(home, 'blank')
    mkdirSync(blank)
    for (let k = 0; k < 3; k++) writeFileSync(join(blank, `${k}.png`), encodeGreyPng(new Float32Array(FRAME.width * FRAME.height).fill(0.4), FRAME.width, FRAME.height))
    const none = await cli(['lips', blank, '--out', join(home, 'blank-lips'), '--json'])
    expect(none.code).not.toBe(0)
    expect(none.stderr).toContain("blank: no face was found in any of the 3 frames, so there are no lips to crop. The frames must show the speaker's face from the front")
    expect(readdirSync(home)).not.toContain('blank-lips')

    const again = await cli(['lips', join(home, 'lips'), '--out', join(home, 'lips2'), '--json'])
    expect(again.stderr).toContain('lips: the frames are already 92 x 50 lip crops; give this folder to --lips as it is.')
    const used = await cli(['lips', join(home, 'frames'), '--out', join(home, 'lips'), '--json'])
    expect(used.stderr).toContain('is not empty; give a new or empty folder for the lip crops')
    const missing = await cli(['lips', join(home, 'nowhere'), '--out', join(home, 'lips3'), '--json'])
    expect(missing.stderr).toContain('is not a folder of frames. Give the folder holding the numbered PNG or JPEG frames.')
  }, 120_000)
})
