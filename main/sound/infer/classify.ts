import type { ModelMeta } from '../../api'
import { PerceptError } from '../../core/errors'
import type { AudioData } from '../../dsp/audio-data'
import type { OnnxModelSession } from '../../compute/onnx/onnx-session'
import { clipSegments, paperSegments, type SegmentConfig } from '../features/segments'
import { predictClips, type Aggregation } from '../train/evaluate'

/** One segment's class probabilities and where it sits in the sound (seconds). */
export interface SegmentPrediction {
  start: number
  end: number
  probabilities: number[]
}

export interface SoundClassification {
  classNames: string[]
  segments: SegmentPrediction[]
  /** The clip's class: arg-max of the mean (or the vote) over its segments. */
  label: string
  probability: number
  /** Mean probability per class over the segments. */
  probabilities: number[]
  aggregation: Aggregation
}

/** The feature settings a sound-classification package declares (model.json preprocessing), checked. */
export function segmentConfigOf(meta: ModelMeta): { config: SegmentConfig; aggregation: Aggregation } {
  if (meta.task !== 'sound-classification') {
    throw new PerceptError('VALIDATION', `The model "${meta.name}" is a ${meta.task} model, not a sound classifier.`)
  }
  const p = meta.preprocessing as Record<string, unknown>
  const num = (key: string, fallback: number): number => (typeof p[key] === 'number' ? (p[key] as number) : fallback)
  const config: SegmentConfig = {
    sr: num('sampleRate', paperSegments.sr),
    nFft: num('frameLength', paperSegments.nFft),
    hopLength: num('hopLength', paperSegments.hopLength),
    nMels: num('nMels', paperSegments.nMels),
    frames: num('frames', paperSegments.frames),
    step: num('step', Math.floor(num('frames', paperSegments.frames) / 2)),
  }
  if (!meta.labels?.length) throw new PerceptError('VALIDATION', `The model "${meta.name}" names no classes (model.json labels).`)
  return { config, aggregation: p.aggregation === 'vote' ? 'vote' : 'mean' }
}

/**
 * Classifies a sound with an ONNX sound-classification package: its 64 x 41 x 2 segments (the
 * package's preprocessing) through onnxruntime in batches, then one label for the whole sound.
 */
export async function classifySound(audio: AudioData, session: Pick<OnnxModelSession, 'run'>, meta: ModelMeta, options: { aggregation?: Aggregation; batchSize?: number } = {}): Promise<SoundClassification> {
  const { config, aggregation: declared } = segmentConfigOf(meta)
  const aggregation = options.aggregation ?? declared
  const classNames = meta.labels!
  const classes = classNames.length
  const segments = await clipSegments(audio, config)
  const size = config.nMels * config.frames * 2
  const inputName = meta.inputs[0]!.name
  const outputName = meta.outputs[0]!.name
  const batch = options.batchSize ?? 64
  const probabilities = new Float32Array(segments.count * classes)
  for (let from = 0; from < segments.count; from += batch) {
    const n = Math.min(batch, segments.count - from)
    const out = await session.run(
      { [inputName]: { data: segments.data.slice(from * size, (from + n) * size), shape: [n, config.nMels, config.frames, 2] } },
      [outputName],
    )
    probabilities.set(out[outputName]!.data as Float32Array, from * classes)
  }
  const [clip] = predictClips(probabilities, classes, [{ classId: 0, first: 0, count: segments.count }], aggregation)
  const span = ((config.frames - 1) * config.hopLength) / config.sr
  return {
    classNames,
    segments: segments.starts.map((start, s) => ({ start, end: start + span, probabilities: Array.from(probabilities.subarray(s * classes, (s + 1) * classes)) })),
    label: classNames[clip!.predicted]!,
    probability: clip!.probabilities[clip!.predicted]!,
    probabilities: clip!.probabilities,
    aggregation,
  }
}
