import { existsSync, statSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { PerceptError } from '../../core/errors'
import { frameCount } from '../../dsp/audio-data'
import { readAudioFile } from '../../dsp/io'
import { analyseSentence, utterancePhones } from '../frontend/utterance'
import { editDistance } from '../frontend/letter-to-sound'
import { isPhone, pause } from '../phones'
import { parseLab, type TimedPhone } from './lab-file'
import { parsePrompts, type Prompt } from './prompts-file'

/*
 * Reads a speech corpus: the CMU ARCTIC / festvox layout (etc/txt.done.data, wav/<id>.wav,
 * lab/<id>.lab), or any folder of <name>.wav with <name>.txt (the transcript) and <name>.lab (the phone
 * alignment) side by side. Every utterance is checked and every problem reported with its file, all of
 * them, not the first: a missing or unreadable WAV, a missing or malformed alignment, times that go
 * backwards or end away from the sound's end, phones outside the voice's phone set, and a transcript that
 * does not match the alignment (the front end's phones against the aligned ones). Utterances with a
 * problem are left out of the usable set.
 */

export interface CorpusUtterance {
  id: string
  text: string
  wav: string
  lab: string
  sampleRate: number
  /** Seconds. */
  duration: number
  phones: TimedPhone[]
}

export interface CorpusProblem {
  /** Relative to the corpus folder. */
  file: string
  problem: string
}

export interface CorpusReport {
  layout: 'arctic' | 'folder'
  utterances: number
  /** Seconds of usable speech. */
  duration: number
  phones: { phone: string; count: number }[]
  problems: CorpusProblem[]
}

/** Alignment may end this far from the sound's end (seconds): festival rounds to its 5 ms frames. */
const endTolerance = 0.05
/** Above this share of differing phones (pauses aside), the transcript is not what was aligned. */
const mismatchShare = 0.4

interface Candidate {
  id: string
  prompt: Prompt | undefined
  wav: string
  lab: string
  txt: string | undefined
}

async function candidates(dir: string, problems: CorpusProblem[]): Promise<{ layout: CorpusReport['layout']; list: Candidate[] }> {
  const promptsPath = join(dir, 'etc', 'txt.done.data')
  if (existsSync(promptsPath)) {
    const { prompts, bad } = parsePrompts(await readFile(promptsPath, 'utf8'))
    for (const line of bad) problems.push({ file: 'etc/txt.done.data', problem: `line ${line} is not ( id "text" ); skipped` })
    const listed = new Set(prompts.map((p) => p.id))
    const wavDir = join(dir, 'wav')
    const wavs = existsSync(wavDir) ? (await readdir(wavDir)).filter((f) => f.toLowerCase().endsWith('.wav')) : []
    for (const f of wavs.sort()) {
      const id = f.slice(0, -4)
      if (!listed.has(id)) problems.push({ file: `wav/${f}`, problem: 'has no transcript in etc/txt.done.data; skipped' })
    }
    const list = prompts.map((prompt) => ({ id: prompt.id, prompt, wav: join(wavDir, `${prompt.id}.wav`), lab: join(dir, 'lab', `${prompt.id}.lab`), txt: undefined }))
    return { layout: 'arctic', list }
  }
  const files = (await readdir(dir)).sort()
  const list = files
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .map((f) => {
      const stem = f.slice(0, -4)
      return { id: stem, prompt: undefined, wav: join(dir, f), lab: join(dir, `${stem}.lab`), txt: join(dir, `${stem}.txt`) }
    })
  return { layout: 'folder', list }
}

/** Imports a corpus folder; throws only when the folder itself is unusable. */
export async function importCorpus(dir: string): Promise<{ report: CorpusReport; utterances: CorpusUtterance[] }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PerceptError('VALIDATION', `${dir} is not a folder. Give the corpus folder: festvox layout (etc/txt.done.data, wav/, lab/) or WAV files with .txt transcripts and .lab alignments.`)
  }
  const problems: CorpusProblem[] = []
  const { layout, list } = await candidates(dir, problems)
  if (list.length === 0 && problems.length === 0) {
    throw new PerceptError('VALIDATION', `${dir} holds no utterances: expected etc/txt.done.data with wav/ and lab/, or .wav files with .txt and .lab files beside them.`)
  }
  const utterances: CorpusUtterance[] = []
  const name = (path: string): string => relative(dir, path).split('\\').join('/')
  for (const item of list) {
    const before = problems.length
    const report = (file: string, problem: string): void => void problems.push({ file: name(file), problem })
    let text = item.prompt?.text
    if (item.txt !== undefined) {
      if (existsSync(item.txt)) text = (await readFile(item.txt, 'utf8')).trim()
      else report(item.txt, `missing: no transcript for ${basename(item.wav)}`)
    }
    let audio: { sampleRate: number; duration: number } | undefined
    if (!existsSync(item.wav)) report(item.wav, layout === 'arctic' ? 'missing (listed in etc/txt.done.data)' : 'missing')
    else {
      try {
        const decoded = await readAudioFile(item.wav)
        audio = { sampleRate: decoded.sampleRate, duration: frameCount(decoded) / decoded.sampleRate }
      } catch (error) {
        report(item.wav, `unreadable: ${(error as Error).message}`)
      }
    }
    let phones: TimedPhone[] | undefined
    if (!existsSync(item.lab)) report(item.lab, `missing: no phone alignment for ${item.id}`)
    else {
      try {
        phones = parseLab(await readFile(item.lab, 'utf8'))
        if (phones.length === 0) throw new Error('it holds no phones')
      } catch (error) {
        report(item.lab, `unreadable alignment: ${(error as Error).message}`)
        phones = undefined
      }
    }
    if (phones) {
      const backwards = phones.findIndex((p, i) => p.end <= p.start || (i > 0 && p.start < phones![i - 1]!.end - 1e-9))
      if (backwards >= 0) report(item.lab, `times do not increase at phone ${backwards + 1} (${phones[backwards]!.phone})`)
      const unknown = [...new Set(phones.map((p) => p.phone).filter((p) => !isPhone(p)))]
      if (unknown.length) report(item.lab, `phones outside the voice's phone set: ${unknown.slice(0, 8).join(', ')}`)
      const end = phones[phones.length - 1]!.end
      if (audio && Math.abs(end - audio.duration) > endTolerance) {
        report(item.lab, `the alignment ends at ${end.toFixed(3)} s but ${basename(item.wav)} lasts ${audio.duration.toFixed(3)} s`)
      }
      if (text !== undefined && unknown.length === 0) {
        const expected = utterancePhones(analyseSentence(text).utterance).filter((p) => p !== pause)
        const aligned = phones.map((p) => p.phone).filter((p) => p !== pause)
        const share = editDistance(expected, aligned) / Math.max(1, aligned.length, expected.length)
        if (share > mismatchShare) report(item.lab, `does not match the transcript "${text.slice(0, 60)}": ${Math.round(share * 100)}% of its phones differ from the text's`)
      }
    }
    if (problems.length === before && text !== undefined && audio && phones) {
      utterances.push({ id: item.id, text, wav: item.wav, lab: item.lab, sampleRate: audio.sampleRate, duration: audio.duration, phones })
    }
  }
  const counts = new Map<string, number>()
  for (const u of utterances) for (const p of u.phones) counts.set(p.phone, (counts.get(p.phone) ?? 0) + 1)
  const report: CorpusReport = {
    layout,
    utterances: utterances.length,
    duration: Math.round(utterances.reduce((s, u) => s + u.duration, 0) * 1000) / 1000,
    phones: [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([phone, count]) => ({ phone, count })),
    problems,
  }
  return { report, utterances }
}
