import { existsSync, statSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { EnhanceModelInfo, EnhanceModelKind, EnhanceOutcome, EnhanceResult, JobDetail, JobSummary, ModelPackageSummary, ResourceRequest, ResourceResponse } from '../api'
import { enhanceModelKinds } from '../api/enhance'
import { PerceptError } from '../core/errors'
import { fileRangeResponse } from '../core/file-range'

/*
 * The Enhancement tab's API methods (api/enhance.ts). The work runs in job workers: enhance.mixture
 * (demo-mixture.ts), enhance.run (run-clip.ts), enhance.train (train/train-job.ts) and enhance.eval
 * (eval-job.ts); this checks what a person gave before a job starts, so that a wrong file or a multimodal
 * model without lips is refused at once with what to do, and answers the results quickly.
 *
 * Firing rates per layer over training (Table II), best source first: the model's enhance.train job in
 * this workspace (every epoch; its result holds the history), then model.json's provenance.firingRates
 * ({ perEpoch, last, area }) when a package carries them, then the card's table (the last epoch and the
 * area under the curve). The network's figure is the mean of its layers'; the area being linear in the
 * curve, the network's area is the mean of the layers' areas.
 */

export interface EnhanceServiceOptions {
  jobs: { start(kind: string, input: unknown): JobSummary; get(id: string): JobDetail }
  /** Every model package, installed and bundled (the ModelLibrary). */
  models: { list(): Promise<ModelPackageSummary[]> }
  runsDir: string
  /** The workspace's datasets folder: the demo corpus is made in it. */
  datasetsDir: string
}

const SOUND_FILE = /\.(wav|flac|mp3|ogg|oga)$/i
const VIDEO_FILE = /\.(mpg|mpeg|mp4|avi|mov|mkv|webm)$/i
export const DEMO_CORPUS_FOLDER = 'enhance-demo'

interface ResolvedModel extends EnhanceModelInfo {
  dir: string
}

const mean = (values: readonly number[]): number => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0)
const isNumberRecord = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v))

/** The card's "Firing rates" table: | layer | last epoch | area under curve |, one row per layer. */
export function firingFromCard(card: string, layers: readonly string[]): { last: Record<string, number>; area: Record<string, number> } | null {
  const section = card.split(/^## /m).find((s) => s.startsWith('Firing rates'))
  if (!section) return null
  const last: Record<string, number> = {}
  const area: Record<string, number> = {}
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    // '', layer, rate, area, ''
    if (cells.length < 5 || !layers.includes(cells[1]!)) continue
    const rate = Number(cells[2])
    const auc = Number(cells[3])
    if (Number.isFinite(rate)) last[cells[1]!] = rate
    if (Number.isFinite(auc)) area[cells[1]!] = auc
  }
  if (!layers.every((l) => l in last)) return null
  last.network = mean(layers.map((l) => last[l]!))
  if (layers.every((l) => l in area)) area.network = mean(layers.map((l) => area[l]!))
  return { last, area: layers.every((l) => l in area) ? area : {} }
}

export class EnhanceService {
  constructor(private readonly options: EnhanceServiceOptions) {}

  private trainingHistory(runId: unknown, layers: readonly string[]): EnhanceModelInfo['firing'] | null {
    if (typeof runId !== 'string') return null
    let detail: JobDetail
    try {
      detail = this.options.jobs.get(runId)
    } catch {
      return null
    }
    const report = detail.result as { history?: { train?: { eventRates?: unknown } }[]; firingRateArea?: { train?: unknown }; layers?: unknown } | null
    if (detail.kind !== 'enhance.train' || !report || !Array.isArray(report.history)) return null
    const perEpoch = report.history.map((r) => r.train?.eventRates).filter((r): r is number[] => Array.isArray(r) && r.length === layers.length && r.every((v) => typeof v === 'number'))
    if (perEpoch.length === 0) return null
    const lastRates = perEpoch[perEpoch.length - 1]!
    const last: Record<string, number> = Object.fromEntries(layers.map((l, i) => [l, lastRates[i]!]))
    last.network = mean(lastRates)
    const area = isNumberRecord(report.firingRateArea?.train) ? report.firingRateArea.train : null
    return { source: 'training-job', perEpoch, last, area }
  }

  private async firing(pkg: ModelPackageSummary, layers: readonly string[]): Promise<EnhanceModelInfo['firing']> {
    const provenance = pkg.meta.provenance as Record<string, unknown> | undefined
    const fromJob = this.trainingHistory(provenance?.runId, layers)
    if (fromJob) return fromJob
    const carried = provenance?.firingRates as { perEpoch?: unknown; last?: unknown; area?: unknown } | undefined
    if (carried && isNumberRecord(carried.last)) {
      const perEpoch = Array.isArray(carried.perEpoch) ? carried.perEpoch.filter((r): r is number[] => Array.isArray(r) && r.length === layers.length && r.every((v) => typeof v === 'number')) : []
      return { source: 'package', perEpoch, last: carried.last, area: isNumberRecord(carried.area) ? carried.area : null }
    }
    const card = await readFile(join(pkg.dir, 'card.md'), 'utf8').catch(() => '')
    const fromCard = firingFromCard(card, layers)
    if (fromCard) return { source: 'card', perEpoch: [], last: fromCard.last, area: Object.keys(fromCard.area).length ? fromCard.area : null }
    return { source: 'none', perEpoch: [], last: null, area: null }
  }

  private async resolvedModels(): Promise<ResolvedModel[]> {
    const out: ResolvedModel[] = []
    for (const pkg of await this.options.models.list()) {
      if (pkg.meta.task !== 'speech-enhancement') continue
      const pre = pkg.meta.preprocessing as { model?: unknown; layers?: unknown; architecture?: { convChannels?: unknown; embedding?: unknown }; training?: { epochs?: unknown } } | undefined
      const kind = pre?.model
      if (!(enhanceModelKinds as readonly unknown[]).includes(kind) || !Array.isArray(pre?.layers) || !pre.layers.every((l) => typeof l === 'string')) continue
      const layers = pre.layers as string[]
      const provenance = (pkg.meta.provenance ?? {}) as { metrics?: unknown; synthetic?: unknown }
      const arch = pre.architecture
      out.push({
        id: pkg.id,
        name: pkg.meta.name,
        kind: kind as EnhanceModelKind,
        withLips: kind !== 'unimodal',
        bundled: pkg.bundled === true,
        layers,
        architecture: arch && typeof arch.convChannels === 'number' && typeof arch.embedding === 'number' ? { convChannels: arch.convChannels, embedding: arch.embedding } : null,
        epochs: typeof pre.training?.epochs === 'number' ? pre.training.epochs : null,
        synthetic: provenance.synthetic === true,
        metrics: isNumberRecord(provenance.metrics) ? provenance.metrics : {},
        firing: await this.firing(pkg, layers),
        dir: pkg.dir,
      })
    }
    // Bundled first in the paper's order, then the newest installed.
    const order = (m: ResolvedModel) => enhanceModelKinds.indexOf(m.kind)
    return out.sort((a, b) => Number(b.bundled) - Number(a.bundled) || (a.bundled ? order(a) - order(b) : b.id.localeCompare(a.id)))
  }

  async models(): Promise<EnhanceModelInfo[]> {
    return (await this.resolvedModels()).map(({ dir: _dir, ...model }) => model)
  }

  private async model(id: string, models?: ResolvedModel[]): Promise<ResolvedModel> {
    const all = models ?? (await this.resolvedModels())
    const found = all.find((m) => m.id === id)
    if (!found) {
      const known = all.length ? `the enhancement models here are ${all.map((m) => m.id).join(', ')}` : 'no enhancement model is installed: train one'
      throw new PerceptError('NOT_FOUND', `There is no enhancement model ${id}; ${known}.`)
    }
    return found
  }

  mixture(input: { snrDb: number; noise: string; seed: number }): JobSummary {
    return this.options.jobs.start('enhance.mixture', { corpusDir: join(this.options.datasetsDir, DEMO_CORPUS_FOLDER), ...input })
  }

  async run(input: { noisy: string; lips?: string; clean?: string; noise?: string; model: string; mask: 'soft' | 'binary'; compare: boolean; lcDb: number }): Promise<JobSummary> {
    await requireSoundFile(input.noisy, 'noisy clip')
    if (input.clean) await requireSoundFile(input.clean, 'clean speech')
    if (input.noise) await requireSoundFile(input.noise, 'noise')
    if (input.lips) await requireLipsFolder(input.lips)
    const all = await this.resolvedModels()
    const chosen = await this.model(input.model, all)
    if (chosen.withLips && !input.lips) {
      throw new PerceptError(
        'VALIDATION',
        `${chosen.id} is a ${chosen.kind === 'mburst' ? 'MBURST' : 'Multimodal'} model: it needs the speaker's lips. Choose the folder of their 92 x 50 lip frames, or a Unimodal model for audio alone.`,
      )
    }
    const models = [chosen]
    const skipped: { id: string; reason: string }[] = []
    if (input.compare) {
      for (const kind of enhanceModelKinds) {
        if (kind === chosen.kind) continue
        // Fig. 2: one model of each kind, the bundled one when there is one.
        const other = all.find((m) => m.kind === kind)
        if (!other) continue
        if (other.withLips && !input.lips) skipped.push({ id: other.id, reason: 'needs the lips: choose the lip frames folder to see it too' })
        else models.push(other)
      }
    }
    return this.options.jobs.start('enhance.run', {
      noisy: input.noisy,
      ...(input.lips ? { lips: input.lips } : {}),
      ...(input.clean ? { clean: input.clean } : {}),
      ...(input.noise ? { noise: input.noise } : {}),
      models: models.map((m) => ({ id: m.id, dir: m.dir, kind: m.kind })),
      skipped,
      mask: input.mask,
      lcDb: input.lcDb,
    })
  }

  private runJob(id: string): JobDetail {
    const detail = this.options.jobs.get(id)
    if (detail.kind !== 'enhance.run') throw new PerceptError('VALIDATION', `Job ${id} is a ${detail.kind} job, not an enhancement.`)
    return detail
  }

  result(job: string): EnhanceResult {
    const detail = this.runJob(job)
    const outcome = detail.state === 'done' ? (detail.result as EnhanceOutcome) : null
    return { job, state: detail.state, outcome, error: detail.error?.message ?? null }
  }

  async train(input: { dataset: string; model: EnhanceModelKind; epochs: number; convChannels: number; embedding: number; batchSize: number; seed: number }): Promise<JobSummary> {
    await requireCorpusFolder(input.dataset)
    return this.options.jobs.start('enhance.train', { ...input, split: 0 })
  }

  async compare(input: { dataset: string; models: string[] }): Promise<JobSummary> {
    await requireCorpusFolder(input.dataset)
    const all = await this.resolvedModels()
    const models = []
    for (const id of new Set(input.models)) {
      const m = await this.model(id, all)
      models.push({ id: m.id, dir: m.dir })
    }
    return this.options.jobs.start('enhance.eval', { dataset: input.dataset, models })
  }

  /** res/enhance/<job>/mask/<key>: a mask of an enhance.run job as float32 .npy (frames, 622). */
  async resource(request: ResourceRequest): Promise<ResourceResponse> {
    const [job, area, key] = request.path
    if (request.path.length !== 3 || area !== 'mask' || !/^(reference|model-\d)$/.test(key ?? '')) throw new PerceptError('NOT_FOUND', `No resource enhance/${request.path.join('/')}.`)
    this.runJob(job!)
    const path = join(this.options.runsDir, job!, 'masks', `${key}.npy`)
    if (!existsSync(path)) throw new PerceptError('NOT_FOUND', `Not ready: enhance/${request.path.join('/')}.`)
    return fileRangeResponse(path, statSync(path).size, request.range, 'application/octet-stream')
  }
}

async function requireSoundFile(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `The ${what} ${path} does not exist; choose it again.`)
  if (!info.isFile()) throw new PerceptError('VALIDATION', `The ${what} ${basename(path)} is a folder; choose a sound file (WAV, FLAC, MP3 or Ogg).`)
  if (!SOUND_FILE.test(path)) throw new PerceptError('VALIDATION', `The ${what} ${basename(path)} is not a sound file; choose a WAV (or FLAC, MP3, Ogg).`)
}

async function requireLipsFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `The lips ${path} do not exist; choose the folder of the speaker's lip frames again.`)
  if (info.isFile()) {
    throw new PerceptError(
      'VALIDATION',
      VIDEO_FILE.test(path)
        ? `${basename(path)} is a video file: extract its frames first (e.g. ffmpeg -i ${basename(path)} frames/%04d.png), crop the lips to 92 x 50 pixels, and choose that folder.`
        : `${basename(path)} is a file; the lips are a folder of numbered 92 x 50 lip frames (PNG or JPEG).`,
    )
  }
}

async function requireCorpusFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `The corpus folder ${path} does not exist; choose it again.`)
  if (!info.isDirectory()) throw new PerceptError('VALIDATION', `${basename(path)} is a file; choose the corpus folder (speaker folders and noise/, as \`percept enhance corpus fixture\` makes).`)
}
