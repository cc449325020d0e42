import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { seededRandom } from '../../../../main/compute/seeded-random'
import { encodeWav } from '../../../../main/dsp/io'
import { encodeGreyPng } from '../../../../main/enhance/corpus/frame-image'

/*
 * A tiny synthetic audio-visual corpus on disk, in the fixture's layout (speakers/<s>/audio, video, and
 * noise/<type>/), for fast training tests without festival: `utterances` clips of `seconds` each, voiced
 * harmonics at 140 Hz whose loudness follows a mouth opening drawn per video frame, and lips drawn as a
 * dark ellipse whose height is that opening (sound and picture correlated). Seeded.
 */
export function writeTinyCorpus(dir: string, options: { utterances: number; seconds: number; seed: number }): void {
  const random = seededRandom(options.seed)
  const rate = 16_000
  const samples = Math.round(options.seconds * rate)
  const videoFrames = Math.round(options.seconds * 25)
  for (let u = 0; u < options.utterances; u++) {
    const speaker = join(dir, 'speakers', 's1')
    const id = `utt${u}`
    const opening = Array.from({ length: videoFrames }, () => random())
    const audio = new Float32Array(samples)
    for (let n = 0; n < samples; n++) {
      const k = Math.min(videoFrames - 1, Math.floor((n / rate) * 25))
      let v = 0
      for (let h = 1; h <= 12; h++) v += Math.sin((2 * Math.PI * 140 * h * n) / rate + h) / h
      audio[n] = 0.05 * opening[k]! * v
    }
    mkdirSync(join(speaker, 'audio'), { recursive: true })
    writeFileSync(join(speaker, 'audio', `${id}.wav`), encodeWav({ sampleRate: rate, channels: [audio] }, 'float32'))
    const frames = join(speaker, 'video', id)
    mkdirSync(frames, { recursive: true })
    for (let k = 0; k < videoFrames; k++) {
      const image = new Float32Array(92 * 50).fill(0.8)
      for (let y = 0; y < 50; y++) for (let x = 0; x < 92; x++) if (((x - 46) / 30) ** 2 + ((y - 25) / (2 + 20 * opening[k]!)) ** 2 <= 1) image[y * 92 + x] = 0.1
      writeFileSync(join(frames, `frame_${String(k).padStart(4, '0')}.png`), encodeGreyPng(image, 92, 50))
    }
  }
  for (const type of ['bus', 'cafe']) {
    const noise = new Float32Array(rate)
    for (let n = 0; n < noise.length; n++) noise[n] = 0.05 * (random() * 2 - 1) * (type === 'bus' ? 1 + Math.sin(n / 400) : 1)
    mkdirSync(join(dir, 'noise', type), { recursive: true })
    writeFileSync(join(dir, 'noise', type, `${type}-1.wav`), encodeWav({ sampleRate: rate, channels: [noise] }, 'float32'))
  }
}
