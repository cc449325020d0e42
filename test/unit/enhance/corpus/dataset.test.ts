import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadCorpus } from '../../../../main/enhance/corpus/dataset'
import { encodeGreyPng } from '../../../../main/enhance/corpus/frame-image'
import { encodeWav } from '../../../../main/dsp/io'
import { tempHome } from '../../../helpers/temp-home'
import { uniformNoise } from '../signals'

let home: string
let cleanup: () => void
beforeEach(() => ({ home, cleanup } = tempHome('percept-corpus-')))
afterEach(() => cleanup())

function wav(path: string, seconds: number, rate = 16_000): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, encodeWav({ sampleRate: rate, channels: [Float32Array.from(uniformNoise(Math.round(seconds * rate), 1), (v) => 0.1 * v)] }, 'pcm16'))
}
function frames(dir: string, count: number, name = (k: number) => `frame_${String(k).padStart(4, '0')}.png`, width = 92, height = 50): void {
  mkdirSync(dir, { recursive: true })
  const png = encodeGreyPng(new Float32Array(width * height).fill(0.5), width, height)
  for (let k = 0; k < count; k++) writeFileSync(join(dir, name(k)), png)
}

describe('loadCorpus, the fixture layout', () => {
  it('keeps good utterances and reports each broken one by name', async () => {
    const s1 = join(home, 'speakers', 's1')
    // good: 1 s of audio, 25 frames, an alignment
    wav(join(s1, 'audio', 'bbaf2n.wav'), 1)
    frames(join(s1, 'video', 'bbaf2n'), 25)
    mkdirSync(join(s1, 'align'))
    writeFileSync(join(s1, 'align', 'bbaf2n.align'), '0 2500 sil\n2500 5000 bin\n5000 7500 blue\n7500 10000 at\n10000 12500 f\n12500 15000 two\n15000 20000 now\n20000 25000 sil\n')
    // 1 s of audio but 10 frames: lengths do not match
    wav(join(s1, 'audio', 'lgbs5a.wav'), 1)
    frames(join(s1, 'video', 'lgbs5a'), 10)
    // audio without video
    wav(join(s1, 'audio', 'pwij3p.wav'), 1)
    // a GRID video file not yet turned into frames
    wav(join(s1, 'audio', 'sbaa9n.wav'), 1)
    writeFileSync(join(s1, 'video', 'sbaa9n.mpg'), 'mpeg')
    // a damaged frame: kept, with a warning
    wav(join(s1, 'audio', 'bgaa4a.wav'), 1)
    frames(join(s1, 'video', 'bgaa4a'), 25)
    writeFileSync(join(s1, 'video', 'bgaa4a', 'frame_0007.png'), 'garbage')
    // unreadable audio; frames without audio
    mkdirSync(join(s1, 'audio'), { recursive: true })
    writeFileSync(join(s1, 'audio', 'lrbyzs.wav'), 'not a wave')
    frames(join(s1, 'video', 'lrbyzs'), 25)
    frames(join(s1, 'video', 'orphan'), 25)
    // noise: a type folder, a CHiME-3 background named by type, a file of no known type
    wav(join(home, 'noise', 'bus', 'bus-1.wav'), 2)
    wav(join(home, 'noise', 'BGD_150203_010_CAF.CH1.wav'), 2)
    wav(join(home, 'noise', 'mystery.wav'), 1)
    writeFileSync(join(home, 'corpus.json'), JSON.stringify({ synthetic: true, seed: 42 }))

    const corpus = await loadCorpus(home)
    expect(corpus).toMatchObject({ layout: 'speakers', synthetic: true, seed: 42, speakers: ['s1'], noiseTypes: ['bus', 'cafe'] })
    expect(corpus.items.map((i) => i.id)).toEqual(['bbaf2n', 'bgaa4a'])
    expect(corpus.items[0]).toMatchObject({ speaker: 's1', videoFrames: 25, seconds: 1, sampleRate: 16_000, words: ['bin', 'blue', 'at', 'f', 'two', 'now'] })
    expect(corpus.items[1]!.words).toBeNull()
    expect(corpus.noises.map((n) => [n.type, n.name, n.seconds])).toEqual([
      ['cafe', 'BGD_150203_010_CAF.CH1', 2],
      ['bus', 'bus-1', 2],
    ])
    const problem = (file: string) => corpus.problems.find((p) => p.file === file)
    expect(problem('speakers/s1/video/lgbs5a')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/the video has 10 frames .* but the audio lasts 1.00 s \(25.0 frames\)/) })
    expect(problem('speakers/s1/audio/pwij3p.wav')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/missing video: no frames folder pwij3p\//) })
    expect(problem('speakers/s1/video/sbaa9n.mpg')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/video files need frames extracted \(e.g. with ffmpeg -i sbaa9n.mpg sbaa9n\/%04d.png\)/) })
    expect(problem('speakers/s1/video/bgaa4a')).toMatchObject({ severity: 'warning', problem: expect.stringMatching(/1 of 25 frames will be replaced by the last good crop \(unreadable: frame_0007.png\)/) })
    expect(problem('speakers/s1/audio/lrbyzs.wav')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/unreadable audio: lrbyzs.wav/) })
    expect(problem('speakers/s1/video/orphan')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/video without audio/) })
    expect(problem('noise/mystery.wav')).toMatchObject({ severity: 'error', problem: expect.stringMatching(/cannot tell the noise type/) })
    expect(corpus.problems).toHaveLength(7)
  })
})

describe('loadCorpus, GRID layout', () => {
  it('reads speaker folders s1, s2 with files side by side and ffmpeg-numbered frames; says when frames are not lip crops', async () => {
    wav(join(home, 's1', 'bbaf2n.wav'), 3, 25_000)
    frames(join(home, 's1', 'bbaf2n'), 75, (k) => `${String(k + 1).padStart(4, '0')}.png`)
    wav(join(home, 's2', 'lgbs5a.wav'), 1)
    frames(join(home, 's2', 'lgbs5a'), 25, undefined, 360, 288)
    mkdirSync(join(home, 'notes'))
    const corpus = await loadCorpus(home)
    expect(corpus).toMatchObject({ layout: 'grid', synthetic: false, seed: null, speakers: ['s1', 's2'], noises: [] })
    expect(corpus.items).toHaveLength(1)
    expect(corpus.items[0]).toMatchObject({ speaker: 's1', id: 'bbaf2n', videoFrames: 75, seconds: 3, sampleRate: 25_000 })
    expect(corpus.problems).toEqual([
      { file: 's2/lgbs5a', severity: 'error', problem: expect.stringMatching(/^the frames are 360 x 288 pixels, not 92 x 50 lip crops: prepare the lips with percept enhance lips .*s2\/lgbs5a --out <folder>/) },
      { file: 'noise', severity: 'warning', problem: expect.stringMatching(/no noise recordings/) },
    ])
  })

  it('refuses a folder with no speakers, and one that is not there', async () => {
    await expect(loadCorpus(home)).rejects.toThrow(/holds no speakers: expected speakers\/<name>\/ folders .* or GRID's speaker folders s1, s2/)
    await expect(loadCorpus(join(home, 'missing'))).rejects.toThrow(/is not a folder/)
  })
})
