import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { seededRandom } from '../../compute/seeded-random'
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { encodeWav } from '../../dsp/io'
import { ENHANCE_SAMPLE_RATE } from '../frames'
import { FESTIVAL_VOICES, synthesise, type FestivalVoice, type SynthesisRequest, type Synthesised } from './festival'
import { encodeGreyPng } from './frame-image'
import { formatAlign, wordsWithSilences } from './grid-align'
import { drawSentences, sentenceId, sentenceText } from './grid-sentences'
import { drawSpeakerLook, LIP_HEIGHT, LIP_WIDTH, renderMouth, type SpeakerLook } from './mouth-image'
import { NOISE_TYPES, synthesiseNoise, type NoiseType } from './noises'
import { mouthTrack, VIDEO_FPS } from './visemes'

/*
 * The synthetic audio-visual corpus (issue 14, item 8): GRID-like sentences spoken by festival, lips
 * rendered from the phone timings, CHiME-3-like noises; all repeatable from one seed (the festival
 * voices being deterministic). Laid out as a GRID-like tree that dataset.ts reads, as it reads GRID:
 *   <dir>/corpus.json                                   what was made, the seed, the voices; synthetic: true
 *   <dir>/speakers/<s>/audio/<utt>.wav                  16 kHz mono 16-bit
 *   <dir>/speakers/<s>/video/<utt>/frame_0000.png ...   92 x 50 grey lips at 25 fps, round(seconds * 25) frames
 *   <dir>/speakers/<s>/align/<utt>.align                GRID word alignment (1/25000 s)
 *   <dir>/speakers/<s>/phones/<utt>.phones              the phone timings the lips were drawn from, same format
 *   <dir>/noise/<type>/<type>-<n>.wav                   babble, bus, cafe, street, pedestrian
 * Speakers alternate between the two voices (s1 cmu_us_slt_arctic_hts, s2 kal_diphone, ...), each with
 * its own rate (x0.9-1.12), pitch (-2..+2 semitones) and look. Each speech file is scaled to an RMS of
 * 0.08 (peaks kept below 0.95) so voices of different loudness mix alike. The babble talkers say other
 * sentences (below) in both voices at wider pitches; noise recording n of a type takes its talkers from
 * every recordings-th babble sentence from n, so a held-out babble recording holds unheard speech.
 */

/** Sentences for the babble talkers: not GRID's grammar, so no babble word is a target word's twin. */
export const BABBLE_SENTENCES = [
  'The morning train was late again because of the snow.',
  'She asked whether the museum would open on Sunday.',
  'We carried the boxes up four flights of narrow stairs.',
  'Nobody remembered where the spare keys had been left.',
  'The soup needs a little more salt and some pepper.',
  'He reads the newspaper slowly while his coffee cools.',
  'Our neighbours are painting their kitchen a pale yellow.',
  'The children laughed at the dog chasing its own tail.',
  'Could you hold the door for the man with the parcels?',
  'They talked about the football match for an hour.',
  'The library closes early on the first Friday of each month.',
  'I think the weather will turn warmer by the weekend.',
] as const

export const MAX_FIXTURE_SPEAKERS = 34
export const MAX_FIXTURE_UTTERANCES = 500
const SPEECH_RMS = 0.08
/** Utterances per festival run: about 2 s of festival each, and at most ~10 MB of waves held at once. */
const FESTIVAL_BATCH = 40

export interface FixtureOptions {
  speakers: number
  /** Per speaker. */
  utterances: number
  seed: number
  /** Recordings per noise type (2 lets a split hold one out). */
  noiseRecordings?: number
  noiseSeconds?: number
  /** The festival program (a name on PATH or a path). */
  festival?: string
}

export interface FixtureUtterance {
  speaker: string
  id: string
  text: string
  samples: number
  seconds: number
  videoFrames: number
  /** Phone names and times (s), as festival's Segment relation gave them. */
  phones: { label: string; start: number; end: number }[]
  /** The mouth opening per video frame (the viseme model's `open`). */
  opening: number[]
  bytes: number
}

export interface FixtureSpeaker {
  id: string
  voice: FestivalVoice
  look: SpeakerLook
}

export interface FixtureSummary {
  dir: string
  seed: number
  synthetic: true
  speakers: FixtureSpeaker[]
  utterances: FixtureUtterance[]
  noises: { type: NoiseType; name: string; seconds: number; bytes: number }[]
  unknownPhones: string[]
  timings: { festivalSeconds: number; totalSeconds: number; secondsPerUtterance: number }
  bytes: { total: number; perUtterance: number }
}

/** An independent seed for one stream of the fixture (Mulberry32's mixing on seed, stream). */
function streamSeed(seed: number, stream: number): number {
  return Math.floor(seededRandom((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0)() * 2 ** 32)
}

function wholeIn(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new PerceptError('VALIDATION', `${what} must be a whole number from ${min} to ${max}, got ${value}.`)
  return value
}

async function requireEmptyFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null)
  if (!info) return
  if (!info.isDirectory()) throw new PerceptError('VALIDATION', `${dir} is a file; give a new or empty folder for the corpus.`)
  if ((await readdir(dir)).length > 0) throw new PerceptError('VALIDATION', `${dir} is not empty; give a new or empty folder (delete an old fixture first to make it again).`)
}

function scaledSpeech(samples: Float32Array): Float32Array {
  let energy = 0
  let peak = 0
  for (const v of samples) {
    energy += v * v
    peak = Math.max(peak, Math.abs(v))
  }
  const rms = Math.sqrt(energy / Math.max(1, samples.length))
  if (rms === 0) throw new PerceptError('INTERNAL', 'festival produced a silent utterance.')
  const gain = Math.min(SPEECH_RMS / rms, 0.95 / peak)
  return Float32Array.from(samples, (v) => v * gain)
}

async function writeUtterance(dir: string, speaker: FixtureSpeaker, id: string, text: string, speech: Synthesised, unknown: Set<string>): Promise<FixtureUtterance> {
  const base = join(dir, 'speakers', speaker.id)
  const samples = scaledSpeech(speech.samples)
  const seconds = samples.length / ENHANCE_SAMPLE_RATE
  const wav = encodeWav({ sampleRate: ENHANCE_SAMPLE_RATE, channels: [samples] }, 'pcm16')
  await writeFileAtomic(join(base, 'audio', `${id}.wav`), wav)
  let bytes = wav.length
  const track = mouthTrack(speech.phones, seconds)
  for (const phone of track.unknownPhones) unknown.add(phone)
  for (let k = 0; k < track.shapes.length; k++) {
    const png = encodeGreyPng(renderMouth(track.shapes[k]!, speaker.look), LIP_WIDTH, LIP_HEIGHT)
    await writeFileAtomic(join(base, 'video', id, `frame_${String(k).padStart(4, '0')}.png`), png)
    bytes += png.length
  }
  const align = formatAlign(wordsWithSilences(speech.words, seconds))
  const phones = formatAlign(speech.phones)
  await writeFileAtomic(join(base, 'align', `${id}.align`), align)
  await writeFileAtomic(join(base, 'phones', `${id}.phones`), phones)
  bytes += align.length + phones.length
  return {
    speaker: speaker.id,
    id,
    text,
    samples: samples.length,
    seconds,
    videoFrames: track.shapes.length,
    phones: speech.phones,
    opening: track.shapes.map((s) => s.open),
    bytes,
  }
}

/** Generates the corpus into `dir` (new or empty). Needs festival with both voices; UNAVAILABLE naming the packages otherwise. */
export async function generateFixture(dir: string, options: FixtureOptions, onProgress: (message: string) => void = () => {}): Promise<FixtureSummary> {
  const started = performance.now()
  const speakerCount = wholeIn(options.speakers, 1, MAX_FIXTURE_SPEAKERS, 'The number of speakers')
  const utteranceCount = wholeIn(options.utterances, 1, MAX_FIXTURE_UTTERANCES, 'The number of utterances per speaker')
  const seed = wholeIn(options.seed, 0, 2 ** 32 - 1, 'The seed')
  const recordings = wholeIn(options.noiseRecordings ?? 2, 1, 10, 'The number of recordings per noise type')
  const noiseSeconds = options.noiseSeconds ?? 6
  if (!(noiseSeconds >= 1 && noiseSeconds <= 120)) throw new PerceptError('VALIDATION', `Noise recordings must last 1 to 120 s, got ${noiseSeconds}.`)
  await requireEmptyFolder(dir)

  const random = seededRandom(streamSeed(seed, 0))
  const between = (a: number, b: number) => a + (b - a) * random()
  const speakers: FixtureSpeaker[] = []
  const planned: { speaker: FixtureSpeaker; id: string; text: string }[] = []
  for (let s = 0; s < speakerCount; s++) {
    const speaker: FixtureSpeaker = {
      id: `s${s + 1}`,
      voice: { name: FESTIVAL_VOICES[s % 2]!, stretch: between(0.9, 1.12), pitchSemitones: between(-2, 2) },
      look: drawSpeakerLook(random),
    }
    speakers.push(speaker)
    for (const sentence of drawSentences(utteranceCount, seededRandom(streamSeed(seed, 100 + s)))) {
      planned.push({ speaker, id: sentenceId(sentence), text: sentenceText(sentence) })
    }
  }
  const babbleVoices: FestivalVoice[] = BABBLE_SENTENCES.map((_, i) => ({ name: FESTIVAL_VOICES[i % 2]!, stretch: between(0.9, 1.1), pitchSemitones: between(-5, 5) }))

  let festivalSeconds = 0
  const timed = async (requests: SynthesisRequest[]): Promise<Synthesised[]> => {
    const start = performance.now()
    const speech = await synthesise(requests, { festival: options.festival })
    festivalSeconds += (performance.now() - start) / 1000
    return speech
  }
  const unknown = new Set<string>()
  const utterances: FixtureUtterance[] = []
  // Batches keep memory flat however large the corpus: each batch's waves are written before the next is made.
  for (let from = 0; from < planned.length; from += FESTIVAL_BATCH) {
    const batch = planned.slice(from, from + FESTIVAL_BATCH)
    onProgress(`festival: synthesising utterances ${from + 1}-${from + batch.length} of ${planned.length}`)
    const speech = await timed(batch.map((p) => ({ text: p.text, voice: p.speaker.voice })))
    for (let u = 0; u < batch.length; u++) utterances.push(await writeUtterance(dir, batch[u]!.speaker, batch[u]!.id, batch[u]!.text, speech[u]!, unknown))
  }
  onProgress(`festival: synthesising ${BABBLE_SENTENCES.length} babble sentences`)
  const babbleSpeech = await timed(BABBLE_SENTENCES.map((text, i) => ({ text, voice: babbleVoices[i]! })))

  const talk = babbleSpeech.map((b) => scaledSpeech(b.samples))
  const noises: FixtureSummary['noises'] = []
  for (const [t, type] of NOISE_TYPES.entries()) {
    for (let r = 0; r < recordings; r++) {
      const pool = talk.filter((_, i) => i % recordings === r)
      const samples = synthesiseNoise(type, noiseSeconds, streamSeed(seed, 1000 + 10 * t + r), pool.length > 0 ? pool : talk)
      const wav = encodeWav({ sampleRate: ENHANCE_SAMPLE_RATE, channels: [samples] }, 'pcm16')
      const name = `${type}-${r + 1}`
      await writeFileAtomic(join(dir, 'noise', type, `${name}.wav`), wav)
      noises.push({ type, name, seconds: noiseSeconds, bytes: wav.length })
    }
  }
  onProgress(`wrote ${noises.length} noise recordings`)

  const speechBytes = utterances.reduce((sum, u) => sum + u.bytes, 0)
  const totalSeconds = (performance.now() - started) / 1000
  const summary: FixtureSummary = {
    dir,
    seed,
    synthetic: true,
    speakers,
    utterances,
    noises,
    unknownPhones: [...unknown],
    timings: { festivalSeconds, totalSeconds, secondsPerUtterance: totalSeconds / utterances.length },
    bytes: { total: speechBytes + noises.reduce((sum, n) => sum + n.bytes, 0), perUtterance: speechBytes / utterances.length },
  }
  await writeJsonAtomic(join(dir, 'corpus.json'), corpusDescription(summary, noiseSeconds))
  return summary
}

/** corpus.json: enough to know what the folder is and to make it again; no absolute paths. */
function corpusDescription(summary: FixtureSummary, noiseSeconds: number): unknown {
  return {
    format: 'percept-av-corpus',
    version: 1,
    synthetic: true,
    description:
      'Synthetic GRID-like audio-visual corpus: speech from festival, lips rendered from a viseme model driven by the phone timings, ' +
      'noises synthesised per type. Not recordings of people.',
    seed: summary.seed,
    sampleRate: ENHANCE_SAMPLE_RATE,
    fps: VIDEO_FPS,
    lips: { width: LIP_WIDTH, height: LIP_HEIGHT },
    voices: [...FESTIVAL_VOICES],
    speakers: summary.speakers.map((s) => ({
      id: s.id,
      voice: s.voice,
      utterances: summary.utterances.filter((u) => u.speaker === s.id).map((u) => ({ id: u.id, text: u.text, samples: u.samples, videoFrames: u.videoFrames })),
    })),
    noise: { types: [...NOISE_TYPES], seconds: noiseSeconds, recordings: summary.noises.map((n) => `${n.type}/${n.name}.wav`) },
    babbleSentences: [...BABBLE_SENTENCES],
    unknownPhones: summary.unknownPhones,
  }
}
