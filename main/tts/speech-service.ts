import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobDetail, JobSummary, ListeningSession, ListeningSummary, ListeningTest, ModelPackageSummary, ResourceRequest, ResourceResponse, SpeechSystem, SpeechVoice, SynthesisState } from '../api'
import { fileRangeResponse } from '../core/file-range'
import { PerceptError } from '../core/errors'
import type { WriteTargets } from '../core/write-target'
import { analyseText } from './frontend/utterance'
import { ListeningTests } from './listening/test-store'
import { postFilterByDefault, voicePreprocessingSchema } from './model/voice-package'
import { manifestFile, sentenceFile, type SynthesisManifest } from './synthesis-job'

/*
 * The Speech workspace's API methods: the voices (installed and bundled packages of task
 * speech-synthesis), synthesis as tts.synthesize jobs and their progress sentence by sentence, and the
 * MUSHRA tests (tts.listening jobs, listening/). The work itself runs in job workers; this answers quickly.
 */

export interface SpeechServiceOptions {
  jobs: { start(kind: string, input: unknown): JobSummary; get(id: string): JobDetail; list(): JobSummary[] }
  /** Every model package, installed and bundled (the ModelLibrary). */
  models: { list(): Promise<ModelPackageSummary[]> }
  runsDir: string
  writeTargets: WriteTargets
}

interface ResolvedVoice extends SpeechVoice {
  dir: string
}

export class SpeechService {
  readonly tests: ListeningTests

  constructor(private readonly options: SpeechServiceOptions) {
    this.tests = new ListeningTests(options.runsDir)
  }

  private async resolvedVoices(): Promise<ResolvedVoice[]> {
    const voices: ResolvedVoice[] = []
    for (const pkg of await this.options.models.list()) {
      if (pkg.meta.task !== 'speech-synthesis') continue
      const parsed = voicePreprocessingSchema.safeParse(pkg.meta.preprocessing)
      if (!parsed.success) continue
      const graphs = parsed.data.graphs
      const systems: SpeechSystem[] = [
        { system: 'dnn', postFilter: true },
        { system: 'dnn', postFilter: false },
        ...(graphs.spectral ? [{ system: 'mdnn' as const, postFilter: false }] : []),
        ...(graphs.spectral && graphs.postFilter ? [{ system: 'mdnn' as const, postFilter: true }] : []),
      ]
      voices.push({
        id: pkg.id,
        name: pkg.meta.name,
        bundled: pkg.bundled === true,
        // MDNN first, each system's default (as training decided its post-filter) before the other.
        systems: systems.sort((a, b) => Number(b.system === 'mdnn') - Number(a.system === 'mdnn') || Number(b.postFilter === postFilterByDefault(parsed.data, b.system)) - Number(a.postFilter === postFilterByDefault(parsed.data, a.system))),
        system: parsed.data.system,
        corpus: existsSync(parsed.data.corpus) ? parsed.data.corpus : null,
        heldOut: parsed.data.heldOut.length,
        dir: pkg.dir,
      })
    }
    // Bundled first (the default voice), then the newest installed.
    return voices.sort((a, b) => Number(b.bundled) - Number(a.bundled) || b.id.localeCompare(a.id))
  }

  async voices(): Promise<SpeechVoice[]> {
    return (await this.resolvedVoices()).map(({ dir: _dir, ...voice }) => voice)
  }

  private async voice(id: string, systems: readonly SpeechSystem[]): Promise<ResolvedVoice> {
    const voices = await this.resolvedVoices()
    const voice = voices.find((v) => v.id === id)
    if (!voice) {
      const known = voices.length ? `the voices here are ${voices.map((v) => v.id).join(', ')}` : 'no voice is installed: train one with `percept tts train --corpus <dir>`'
      throw new PerceptError('NOT_FOUND', `There is no voice ${id}; ${known}.`)
    }
    const refused = systems.filter((s) => !voice.systems.some((v) => v.system === s.system && v.postFilter === s.postFilter))
    if (refused.length) throw new PerceptError('VALIDATION', `The voice ${id} has no ${refused.map((s) => `${s.system}${s.postFilter ? ' with' : ' without'} post-filter`).join(', ')}: choose among its systems.`)
    return voice
  }

  async synthesize(input: { text: string; voice: string; systems: SpeechSystem[]; rate: number; pitch: number }): Promise<JobSummary> {
    if (input.text.trim() === '') throw new PerceptError('VALIDATION', 'The text is empty: type the words to say.')
    const voice = await this.voice(input.voice, input.systems)
    // A short text is checked here, so that one with nothing to say is refused at once; a long one is the job's.
    if (input.text.length <= 2000 && analyseText(input.text).utterances.length === 0) {
      const { notices } = analyseText(input.text)
      const why = notices.map((n) => `"${n.text}": ${n.reason}`).slice(0, 3).join('; ')
      throw new PerceptError('VALIDATION', `Nothing in the text can be spoken${why ? ` (${why})` : ''}: give words in English.`)
    }
    const unique = input.systems.filter((s, i) => input.systems.findIndex((t) => t.system === s.system && t.postFilter === s.postFilter) === i)
    return this.options.jobs.start('tts.synthesize', { text: input.text, voiceDir: voice.dir, voiceId: voice.id, systems: unique, rate: input.rate, pitch: input.pitch })
  }

  private synthesisJob(id: string): JobDetail {
    const detail = this.options.jobs.get(id)
    if (detail.kind !== 'tts.synthesize') throw new PerceptError('VALIDATION', `Job ${id} is a ${detail.kind} job, not a synthesis.`)
    return detail
  }

  async synthesis(job: string): Promise<SynthesisState> {
    const detail = this.synthesisJob(job)
    const input = detail.input as { rate?: number; pitch?: number }
    let manifest: SynthesisManifest | null = null
    try {
      manifest = JSON.parse(await readFile(join(this.options.runsDir, job, manifestFile), 'utf8')) as SynthesisManifest
    } catch {
      // Not written yet (queued, or the voice still opening).
    }
    const empty = { sampleRate: 16000, total: 0, sentences: [], systems: [], phones: [], notices: [], duration: 0, rate: input.rate ?? 1, pitch: input.pitch ?? 0 }
    return { job, state: detail.state, ...(manifest ?? empty) }
  }

  async listeningTests(): Promise<ListeningTest[]> {
    const done = this.options.jobs.list().filter((j) => j.kind === 'tts.listening' && j.state === 'done')
    const tests: ListeningTest[] = []
    for (const job of done) {
      try {
        tests.push(await this.tests.describe(job.id, job.createdAt))
      } catch {
        // A run folder deleted by hand: not a test any more.
      }
    }
    return tests
  }

  async prepareListening(input: { name: string; voice: string; systems: SpeechSystem[]; sentences: number; texts?: string[]; seed: number }): Promise<JobSummary> {
    const voice = await this.voice(input.voice, input.systems)
    if (!input.texts?.length && (!voice.corpus || voice.heldOut === 0)) {
      throw new PerceptError('VALIDATION', `The voice ${voice.id} ${voice.corpus ? 'held out no sentence' : 'was trained on a corpus that is not here any more'}, so the test has no natural reference: type the sentences to say instead.`)
    }
    return this.options.jobs.start('tts.listening', { name: input.name, voiceDir: voice.dir, voiceId: voice.id, systems: input.systems, sentences: input.sentences, seed: input.seed, ...(input.texts?.length ? { texts: input.texts } : {}) })
  }

  begin(test: string, listener: string): Promise<ListeningSession> {
    return this.tests.begin(test, listener)
  }

  rate(test: string, listener: string, trial: number, ratings: Record<string, number>): Promise<{ rated: number; total: number }> {
    return this.tests.rate(test, listener, trial, ratings)
  }

  async summary(test: string, screen: boolean): Promise<ListeningSummary> {
    return { test, ...(await this.tests.summary(test, screen)) }
  }

  exportCsv(test: string, path: string): Promise<{ path: string; rows: number }> {
    return this.tests.exportCsv(test, this.options.writeTargets.file(path, 'the ratings', ['.csv']))
  }

  /** res/speech/synthesis/<job>/<key>/<n> and res/speech/listening/<test>/<listener>/<trial>/<letter|reference>. */
  async resource(request: ResourceRequest): Promise<ResourceResponse> {
    const [area, ...rest] = request.path
    let path: string
    if (area === 'synthesis' && rest.length === 3) {
      const [job, key, n] = rest as [string, string, string]
      this.synthesisJob(job)
      if (!/^(dnn|mdnn)(-raw)?$/.test(key) || !/^\d{1,6}$/.test(n)) throw new PerceptError('NOT_FOUND', `No sentence ${rest.join('/')}.`)
      path = sentenceFile(join(this.options.runsDir, job), key, Number(n))
    } else if (area === 'listening' && rest.length === 4) {
      const [test, listener, trial, which] = rest as [string, string, string, string]
      if (!/^\d{1,4}$/.test(trial)) throw new PerceptError('NOT_FOUND', `No trial ${trial}.`)
      path = await this.tests.stimulus(test, listener, Number(trial), which)
    } else {
      throw new PerceptError('NOT_FOUND', `No resource speech/${request.path.join('/')}.`)
    }
    if (!existsSync(path)) throw new PerceptError('NOT_FOUND', `Not ready: ${request.path.join('/')}.`)
    return fileRangeResponse(path, statSync(path).size, request.range, 'audio/wav')
  }
}
