import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, extname, join, relative } from 'node:path'
import { PerceptError } from '../../core/errors'
import { readAudioFile } from '../../dsp/io'
import { ENHANCE_SAMPLE_RATE } from '../frames'
import { frameSize } from './frame-image'
import { parseAlign } from './grid-align'
import { checkVideoLength, listFrames, VIDEO_TOLERANCE_FRAMES } from './lips'
import { LIP_HEIGHT, LIP_WIDTH } from './mouth-image'

/*
 * Reads an audio-visual corpus: the fixture's layout or GRID's, and a CHiME-3-style noise folder.
 *
 * Speakers: <root>/speakers/<name>/ (the fixture's layout), else GRID's speaker folders <root>/s1 .. s34.
 * In a speaker folder the files sit in audio/, video/ and align/ subfolders, or side by side:
 *   audio   <utt>.wav (or .flac), any rate (resampled to 16 kHz when used);
 *   video   <utt>/ a folder of numbered PNG or JPEG frames (frame_0000.png, or ffmpeg's 0001.png ...),
 *           92 x 50 lip crops at 25 fps. A video file (<utt>.mpg as GRID ships, .mp4, .avi, ...) cannot be
 *           decoded without a decoder package: such items are reported, with how to extract the frames;
 *   align   <utt>.align, GRID's word alignment (optional; gives the sentence's words).
 * Noise: <root>/noise, or a folder given apart; its subfolders name the type (bus, cafe, street, pedestrian,
 * babble, ...; CHiME-3's BUS, CAF, STR, PED too), or files directly in it carry the type in their name as
 * CHiME-3's backgrounds do (BGD_150203_010_CAF.CH1.wav).
 *
 * Problems are reported file by file, never thrown: an "error" leaves the utterance out (no video,
 * unreadable audio, a video file still to be extracted, frames not 92 x 50, a video length that does not
 * match the audio's at 25 fps within VIDEO_TOLERANCE_FRAMES); a "warning" keeps it (frames missing from
 * the numbering or unreadable, which the lip input replaces by the last good crop; a damaged alignment).
 */

export interface CorpusProblem {
  /** Relative to the corpus root (or the noise folder's parent). */
  file: string
  severity: 'error' | 'warning'
  problem: string
}

export interface CorpusItem {
  speaker: string
  id: string
  audio: string
  /** The frames folder. */
  video: string
  videoFrames: number
  seconds: number
  sampleRate: number
  align: string | null
  /** The words of the alignment without its silences, or null without one. */
  words: string[] | null
}

export interface NoiseRecording {
  type: string
  name: string
  path: string
  seconds: number
}

export interface AudioVisualCorpus {
  root: string
  layout: 'speakers' | 'grid'
  /** From corpus.json when the folder holds one (a fixture). */
  synthetic: boolean
  seed: number | null
  speakers: string[]
  items: CorpusItem[]
  noises: NoiseRecording[]
  noiseTypes: string[]
  problems: CorpusProblem[]
}

const AUDIO = /\.(wav|flac)$/i
const VIDEO_FILE = /\.(mpg|mpeg|mp4|avi|mov|mkv|webm)$/i
const NOISE_ALIASES: Record<string, string> = { bus: 'bus', caf: 'cafe', cafe: 'cafe', str: 'street', street: 'street', ped: 'pedestrian', pedestrian: 'pedestrian', babble: 'babble', traffic: 'traffic' }
const NOISE_IN_NAME = /(?:^|[^a-z])(bus|caf|cafe|str|street|ped|pedestrian|babble|traffic)(?:[^a-z]|$)/i

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false
}

async function entries(dir: string): Promise<{ name: string; dir: boolean }[]> {
  const list = await readdir(dir, { withFileTypes: true })
  return list.map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
}

async function audioSeconds(path: string): Promise<{ seconds: number; sampleRate: number }> {
  const audio = await readAudioFile(path)
  const samples = audio.channels[0]?.length ?? 0
  if (samples === 0) throw new PerceptError('INVALID_FILE', `${basename(path)} holds no samples.`)
  return { seconds: samples / audio.sampleRate, sampleRate: audio.sampleRate }
}

/** Every frame's header read: the unreadable ones and the sizes found (size -> count). */
async function frameHeaders(files: readonly string[]): Promise<{ unreadable: string[]; sizes: Map<string, number> }> {
  const unreadable: string[] = []
  const sizes = new Map<string, number>()
  for (const file of files) {
    const size = frameSize(await readFile(file).catch(() => new Uint8Array(0)))
    if (!size) {
      unreadable.push(basename(file))
      continue
    }
    const key = `${size.width} x ${size.height}`
    sizes.set(key, (sizes.get(key) ?? 0) + 1)
  }
  return { unreadable, sizes }
}

const list = (names: readonly string[], most = 3) => names.slice(0, most).join(', ') + (names.length > most ? `, ... (${names.length})` : '')

interface SpeakerFolders {
  audio: string
  video: string
  align: string
}

async function speakerFolders(dir: string): Promise<SpeakerFolders> {
  const sub = async (name: string) => ((await isDir(join(dir, name))) ? join(dir, name) : dir)
  return { audio: await sub('audio'), video: await sub('video'), align: await sub('align') }
}

async function loadSpeaker(root: string, speaker: string, dir: string, tolerance: number, problems: CorpusProblem[]): Promise<CorpusItem[]> {
  const folders = await speakerFolders(dir)
  const rel = (path: string) => relative(root, path) || '.'
  const report = (file: string, severity: CorpusProblem['severity'], problem: string) => problems.push({ file: rel(file), severity, problem })
  const audioFiles = (await entries(folders.audio)).filter((e) => !e.dir && AUDIO.test(e.name))
  const videoEntries = await entries(folders.video)
  const ids = new Set(audioFiles.map((f) => f.name.replace(AUDIO, '')))
  if (audioFiles.length === 0) report(dir, 'error', 'no audio (.wav) files: put them in audio/ or directly in the speaker folder.')
  for (const v of videoEntries) {
    const id = v.dir ? v.name : v.name.replace(VIDEO_FILE, '')
    const isVideo = v.dir ? !['audio', 'video', 'align', 'phones'].includes(v.name) : VIDEO_FILE.test(v.name)
    if (isVideo && !ids.has(id)) report(join(folders.video, v.name), 'error', 'video without audio: no matching .wav for this utterance.')
  }
  const items: CorpusItem[] = []
  for (const file of audioFiles) {
    const id = file.name.replace(AUDIO, '')
    const audioPath = join(folders.audio, file.name)
    const frameDir = join(folders.video, id)
    const videoFile = videoEntries.find((e) => !e.dir && VIDEO_FILE.test(e.name) && e.name.replace(VIDEO_FILE, '') === id)
    let audio: { seconds: number; sampleRate: number }
    try {
      audio = await audioSeconds(audioPath)
    } catch (error) {
      report(audioPath, 'error', `unreadable audio: ${(error as Error).message}`)
      continue
    }
    if (!(await isDir(frameDir))) {
      if (videoFile) {
        const name = videoFile.name
        report(join(folders.video, name), 'error', `video files need frames extracted (e.g. with ffmpeg -i ${name} ${id}/%04d.png), then the lips cropped to 92 x 50.`)
      } else report(audioPath, 'error', `missing video: no frames folder ${id}/ (nor a video file) for this audio.`)
      continue
    }
    let listing
    try {
      listing = await listFrames(frameDir)
    } catch (error) {
      report(frameDir, 'error', (error as Error).message)
      continue
    }
    try {
      checkVideoLength(Math.round(audio.seconds * ENHANCE_SAMPLE_RATE), listing.count, id, tolerance)
    } catch (error) {
      report(frameDir, 'error', (error as Error).message)
      continue
    }
    const { unreadable, sizes } = await frameHeaders(listing.frames.map((f) => f.file))
    const lipSize = `${LIP_WIDTH} x ${LIP_HEIGHT}`
    const other = [...sizes].filter(([size]) => size !== lipSize)
    if (!sizes.has(lipSize) && other.length > 0) {
      report(frameDir, 'error', `the frames are ${other.map(([s]) => s).join(', ')} pixels, not 92 x 50 lip crops: prepare the lips with percept enhance lips ${frameDir} --out <folder> and put the crops in place of these frames.`)
      continue
    }
    const absent = listing.count - listing.frames.length
    const bad = unreadable.length + other.reduce((sum, [, n]) => sum + n, 0)
    if (absent + bad > 0) {
      const parts = [absent > 0 ? `${absent} missing from the numbering` : '', unreadable.length > 0 ? `unreadable: ${list(unreadable)}` : '', ...other.map(([s, n]) => `${n} of ${s} pixels`)]
      report(frameDir, 'warning', `${absent + bad} of ${listing.count} frames will be replaced by the last good crop (${parts.filter(Boolean).join('; ')}).`)
    }
    const alignPath = join(folders.align, `${id}.align`)
    let align: string | null = null
    let words: string[] | null = null
    const alignText = await readFile(alignPath, 'utf8').catch(() => null)
    if (alignText !== null) {
      try {
        words = parseAlign(alignText, `${id}.align`).map((i) => i.label).filter((w) => w !== 'sil' && w !== 'sp')
        align = alignPath
      } catch (error) {
        report(alignPath, 'warning', (error as Error).message)
      }
    }
    items.push({ speaker, id, audio: audioPath, video: frameDir, videoFrames: listing.count, seconds: audio.seconds, sampleRate: audio.sampleRate, align, words })
  }
  return items
}

async function loadNoises(dir: string, base: string, problems: CorpusProblem[]): Promise<NoiseRecording[]> {
  const out: NoiseRecording[] = []
  const add = async (path: string, type: string) => {
    try {
      out.push({ type, name: basename(path, extname(path)), path, seconds: (await audioSeconds(path)).seconds })
    } catch (error) {
      problems.push({ file: relative(base, path), severity: 'error', problem: `unreadable noise: ${(error as Error).message}` })
    }
  }
  for (const e of await entries(dir)) {
    const path = join(dir, e.name)
    if (e.dir) {
      const type = NOISE_ALIASES[e.name.toLowerCase()] ?? e.name.toLowerCase()
      for (const f of await entries(path)) if (!f.dir && AUDIO.test(f.name)) await add(join(path, f.name), type)
    } else if (AUDIO.test(e.name)) {
      const match = NOISE_IN_NAME.exec(e.name.replace(AUDIO, ''))
      if (match) await add(path, NOISE_ALIASES[match[1]!.toLowerCase()]!)
      else {
        problems.push({
          file: relative(base, path),
          severity: 'error',
          problem: 'cannot tell the noise type: put the file in a folder named by its type (bus, cafe, street, pedestrian) or name it with BUS, CAF, STR or PED as CHiME-3 does.',
        })
      }
    }
  }
  return out
}

/** Reads the corpus at `root` (and its noise folder, or `options.noiseDir`); problems are listed, not thrown. */
export async function loadCorpus(root: string, options: { noiseDir?: string; tolerance?: number } = {}): Promise<AudioVisualCorpus> {
  if (!(await isDir(root))) throw new PerceptError('NOT_FOUND', `${root} is not a folder. Give the corpus folder (with speakers/ or GRID's s1, s2, ... folders).`)
  const problems: CorpusProblem[] = []
  const tolerance = options.tolerance ?? VIDEO_TOLERANCE_FRAMES
  const fixtureLayout = await isDir(join(root, 'speakers'))
  const speakerRoot = fixtureLayout ? join(root, 'speakers') : root
  const speakers = (await entries(speakerRoot)).filter((e) => e.dir && (fixtureLayout || /^s\d+$/i.test(e.name))).map((e) => e.name)
  if (speakers.length === 0) {
    throw new PerceptError(
      'VALIDATION',
      `${root} holds no speakers: expected speakers/<name>/ folders (the fixture's layout) or GRID's speaker folders s1, s2, ... each with audio (.wav) and video frames.`,
    )
  }
  const items: CorpusItem[] = []
  for (const speaker of speakers) items.push(...(await loadSpeaker(root, speaker, join(speakerRoot, speaker), tolerance, problems)))

  const noiseDir = options.noiseDir ?? join(root, 'noise')
  let noises: NoiseRecording[] = []
  if (await isDir(noiseDir)) noises = await loadNoises(noiseDir, options.noiseDir ? join(noiseDir, '..') : root, problems)
  else if (options.noiseDir) throw new PerceptError('NOT_FOUND', `${options.noiseDir} is not a folder. Give the noise folder (bus/, cafe/, street/, pedestrian/ or CHiME-3 backgrounds).`)
  if (noises.length === 0) problems.push({ file: 'noise', severity: 'warning', problem: 'no noise recordings: add noise/<type>/*.wav (bus, cafe, street, pedestrian) to build mixtures.' })

  let synthetic = false
  let seed: number | null = null
  const description = await readFile(join(root, 'corpus.json'), 'utf8').catch(() => null)
  if (description !== null) {
    try {
      const parsed = JSON.parse(description) as { synthetic?: unknown; seed?: unknown }
      synthetic = parsed.synthetic === true
      seed = typeof parsed.seed === 'number' ? parsed.seed : null
    } catch (error) {
      problems.push({ file: 'corpus.json', severity: 'warning', problem: `not valid JSON (${(error as Error).message}).` })
    }
  }
  return {
    root,
    layout: fixtureLayout ? 'speakers' : 'grid',
    synthetic,
    seed,
    speakers,
    items,
    noises,
    noiseTypes: [...new Set(noises.map((n) => n.type))].sort(),
    problems,
  }
}
