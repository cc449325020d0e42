import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { MethodInput, MethodOutput, ModelPackageSummary, SoundClassifier } from '../api'
import type { AudioService } from '../audio/service'
import { listModelPackages, readModelPackage } from '../compute/model-package'
import type { OnnxSessionCache } from '../compute/onnx/onnx-session'
import { PerceptError } from '../core/errors'
import { classifySound } from './infer/classify'

/** Longer sounds are classified by `percept esc predict` (a request should not hold the core for long). */
const maxSeconds = 600
const bundledPrefix = 'bundled/'

export interface SoundServiceOptions {
  audio: AudioService
  /** The workspace's models/ folder. */
  modelsDir: string
  /** The app's bundled models (models/ beside the app); its sound/ folder holds classifiers. */
  bundledDir: string | null
  sessions: OnnxSessionCache
}

function toClassifier(p: ModelPackageSummary, source: SoundClassifier['source']): SoundClassifier {
  return {
    id: source === 'bundled' ? `${bundledPrefix}${p.id}` : p.id,
    name: p.meta.name,
    source,
    classNames: p.meta.labels ?? [],
    accuracy: p.meta.provenance.metrics?.accuracy ?? null,
    createdAt: p.meta.provenance.createdAt,
  }
}

/** The Sound domain's API: which classifiers there are, and classifying an open sound. */
export class SoundService {
  constructor(private readonly options: SoundServiceOptions) {}

  async classifiers(): Promise<SoundClassifier[]> {
    const sound = (list: ModelPackageSummary[]) => list.filter((p) => p.meta.task === 'sound-classification')
    const installed = sound(await listModelPackages(this.options.modelsDir)).sort((a, b) => b.meta.provenance.createdAt.localeCompare(a.meta.provenance.createdAt))
    const bundledSound = this.options.bundledDir ? join(this.options.bundledDir, 'sound') : null
    const bundled = bundledSound && existsSync(bundledSound) ? sound(await listModelPackages(bundledSound)) : []
    return [...installed.map((p) => toClassifier(p, 'installed')), ...bundled.map((p) => toClassifier(p, 'bundled'))]
  }

  async classify(input: MethodInput<'sound.classify'>): Promise<MethodOutput<'sound.classify'>> {
    const sound = this.options.audio.sounds.get(input.id)
    if (sound.info.duration > maxSeconds) {
      throw new PerceptError(
        'VALIDATION',
        `${sound.name} is ${Math.round(sound.info.duration / 60)} minutes long; the editor classifies up to ${maxSeconds / 60} minutes. ` +
          `Classify it from the command line: percept esc predict "${sound.path}" --json`,
      )
    }
    const id = input.model ?? (await this.classifiers())[0]?.id
    if (!id) throw new PerceptError('NOT_FOUND', 'No sound classifier is installed: train one (Sound > Train, or percept esc train) or import a package in Models.')
    const dir = id.startsWith(bundledPrefix) && this.options.bundledDir ? join(this.options.bundledDir, 'sound', id.slice(bundledPrefix.length)) : join(this.options.modelsDir, id)
    const pkg = await readModelPackage(dir)
    const session = { run: (feeds: Parameters<OnnxSessionCache['run']>[1], names?: readonly string[]) => this.options.sessions.run(pkg.onnxPath, feeds, names) }
    const result = await classifySound(sound.audio, session, pkg.meta)
    return { model: { id, name: pkg.meta.name }, ...result }
  }
}
