import { existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { EnhanceDemoMixture } from '../api/enhance'
import { seededRandom } from '../compute/seeded-random'
import { PerceptError } from '../core/errors'
import type { JobContext } from '../core/jobs/kind'
import { writeWavFile } from '../dsp/io'
import { readMono16k } from './audio-source'
import { loadCorpus } from './corpus/dataset'
import { generateFixture } from './corpus/fixture'
import { ENHANCE_SAMPLE_RATE } from './frames'
import { mixAtSnr } from './mixture'
import type { EnhanceMixtureInput } from './mixture-job'

/** The demo corpus: small enough to make in seconds, seeded so every workspace gets the same one. */
export const DEMO_CORPUS = { speakers: 1, utterances: 3, seed: 1 } as const

/** Makes the demo corpus once: into a folder of its own beside the target, moved into place when whole (two jobs at once: the second's copy is dropped). */
async function ensureDemoCorpus(dir: string, ctx: JobContext): Promise<void> {
  if (existsSync(join(dir, 'corpus.json'))) return
  const staging = join(dirname(dir), `.${basename(dir)}-${ctx.jobId}`)
  await mkdir(dirname(dir), { recursive: true })
  await rm(staging, { recursive: true, force: true })
  try {
    await generateFixture(staging, DEMO_CORPUS, (message) => ctx.log('info', message))
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  if (existsSync(join(dir, 'corpus.json'))) return void (await rm(staging, { recursive: true, force: true }))
  await rm(dir, { recursive: true, force: true })
  await rename(staging, dir)
}

export async function makeDemoMixture(input: EnhanceMixtureInput, ctx: JobContext): Promise<EnhanceDemoMixture> {
  ctx.progress(0.05, 'making the demo corpus (festival speech, rendered lips, synthetic noises)', 6)
  await ensureDemoCorpus(input.corpusDir, ctx)
  ctx.signal.throwIfAborted()
  ctx.progress(0.7, 'mixing')
  const corpus = await loadCorpus(input.corpusDir)
  const noises = corpus.noises.filter((n) => n.type === input.noise)
  if (corpus.items.length === 0 || noises.length === 0) {
    throw new PerceptError('INVALID_FILE', `The demo corpus in ${input.corpusDir} lacks ${corpus.items.length === 0 ? 'utterances' : `${input.noise} noise`}; delete the folder and make the mixture again.`)
  }
  const random = seededRandom(input.seed)
  const item = corpus.items[Math.floor(random() * corpus.items.length)]!
  const noiseRecording = noises[Math.floor(random() * noises.length)]!
  const [clean, noise] = await Promise.all([readMono16k(item.audio), readMono16k(noiseRecording.path)])
  const offset = Math.min(noise.samples.length - 1, Math.floor(random() * noise.samples.length))
  const mixture = mixAtSnr(clean.samples, noise.samples, input.snrDb, offset)
  const write = async (name: string, samples: ArrayLike<number>): Promise<string> => {
    const path = join(ctx.runDir, `${name}.wav`)
    await writeWavFile(path, { sampleRate: ENHANCE_SAMPLE_RATE, channels: [Float32Array.from(samples)] }, 'float32')
    return path
  }
  const result: EnhanceDemoMixture = {
    noisy: await write('noisy', mixture.noisy),
    clean: await write('clean', clean.samples),
    noise: await write('noise', mixture.noise),
    lips: item.video,
    snrDb: input.snrDb,
    noiseType: input.noise,
    noiseName: noiseRecording.name,
    utterance: `${item.speaker}/${item.id}${item.words ? `: ${item.words.join(' ')}` : ''}`,
    seconds: clean.samples.length / ENHANCE_SAMPLE_RATE,
  }
  ctx.progress(1, 'done')
  return result
}
