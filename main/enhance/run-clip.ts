import { mkdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { EnhanceOutcome, EnhanceSignalMetrics } from '../api/enhance'
import { readModelPackage } from '../compute/model-package'
import { writeJsonAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import type { JobContext } from '../core/jobs/kind'
import { writeNpy } from '../dsp/features'
import { writeWavFile } from '../dsp/io'
import { CONTEXT_FRAMES } from './audio-input'
import { readMono16k, resampleNote } from './audio-source'
import type { LipInput } from './corpus/lips'
import { readLipsArgument } from './enhance-file'
import { enhanceClip, openEnhanceModel, warmUpEnhancer } from './enhancer'
import { ENHANCE_SAMPLE_RATE, HOP_LENGTH, requireFrames } from './frames'
import { signalIdealBinaryMask } from './ideal-binary-mask'
import { siSdr } from './metrics/si-sdr'
import { snrDb, snrImprovement } from './metrics/snr'
import { stoi } from './metrics/stoi'
import { enhanceWithMask } from './resynthesis'
import { SPECTRUM_BINS } from './spectra'
import { RESULT_FILE, type EnhanceRunInput } from './run-job'

/*
 * The work of an enhance.run job (run-job.ts). The references: a clean WAV and a noise WAV must be of this
 * very mixture, so both are brought to the noisy clip's length only within one hop (a resampler's rounding);
 * anything longer or shorter is refused. With one of them the other is noisy minus it (noisy = clean +
 * noise); with both, they must add up to the noisy clip, else the noise as mixed is taken as noisy - clean
 * (said in the notes): a raw noise recording at another level would give a wrong IBM.
 */

const LABELS = { unimodal: 'Unimodal', multimodal: 'Multimodal', mburst: 'MBURST' } as const

async function readReference(path: string, length: number, what: string, notes: string[]): Promise<Float32Array> {
  const audio = await readMono16k(path)
  const note = resampleNote(path, audio)
  if (note) notes.push(note)
  const n = audio.samples.length
  if (Math.abs(n - length) > HOP_LENGTH) {
    throw new PerceptError(
      'VALIDATION',
      `The ${what} ${basename(path)} lasts ${(n / ENHANCE_SAMPLE_RATE).toFixed(3)} s but the noisy clip ${(length / ENHANCE_SAMPLE_RATE).toFixed(3)} s: give the ${what} of this very mixture (the same length), or leave it out.`,
    )
  }
  if (n === length) return audio.samples
  notes.push(`The ${what} ${basename(path)} was ${n - length > 0 ? 'cut' : 'padded'} by ${Math.abs(n - length)} samples to the noisy clip's length.`)
  const fitted = new Float32Array(length)
  fitted.set(audio.samples.subarray(0, length))
  return fitted
}

function minus(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  const out = new Float32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!
  return out
}

function energy(x: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!
  return sum
}

/** The clean speech and the noise as mixed, from what was given; null when neither was. */
async function references(input: EnhanceRunInput, noisy: Float32Array, notes: string[]): Promise<{ clean: Float32Array; noise: Float32Array } | null> {
  const clean = input.clean ? await readReference(input.clean, noisy.length, 'clean speech', notes) : null
  const noise = input.noise ? await readReference(input.noise, noisy.length, 'noise', notes) : null
  if (clean && noise) {
    // noisy = clean + noise within -30 dB of the noisy energy (float WAVs add up exactly; 16-bit ones to ~-90 dB).
    const residual = energy(minus(minus(noisy, clean), noise))
    if (residual <= 1e-3 * energy(noisy)) return { clean, noise }
    notes.push(`The noise ${basename(input.noise!)} is not what was mixed into the noisy clip (noisy ≠ clean + noise), so the noise as mixed was taken as noisy − clean.`)
    return { clean, noise: minus(noisy, clean) }
  }
  if (clean) return { clean, noise: minus(noisy, clean) }
  if (noise) return { clean: minus(noisy, noise), noise }
  return null
}

async function scores(key: string, label: string, clean: Float32Array, noisy: Float32Array, signal: Float32Array): Promise<EnhanceSignalMetrics> {
  let stoiValue: number | null = null
  try {
    stoiValue = await stoi(clean, signal, ENHANCE_SAMPLE_RATE)
  } catch (error) {
    if (!(error instanceof PerceptError)) throw error
  }
  return { key, label, snrDb: snrDb(clean, signal), snrImprovement: snrImprovement(clean, noisy, signal), siSdr: siSdr(clean, signal), stoi: stoiValue }
}

function onesFraction(mask: Float32Array, from = 0): number {
  let sum = 0
  for (let i = from; i < mask.length; i++) sum += mask[i]!
  return mask.length > from ? sum / (mask.length - from) : 0
}

export async function runEnhancement(input: EnhanceRunInput, ctx: JobContext): Promise<EnhanceOutcome> {
  const notes: string[] = []
  const steps = input.models.length + 2
  ctx.progress(0, 'reading the clip')
  const audio = await readMono16k(input.noisy)
  const noisy = audio.samples
  const resampled = resampleNote(input.noisy, audio)
  if (resampled) notes.push(resampled)
  if (audio.channels > 1) notes.push(`${basename(input.noisy)} has ${audio.channels} channels; they were mixed down to mono.`)
  const frames = requireFrames(noisy.length, CONTEXT_FRAMES, basename(input.noisy))
  const refs = await references(input, noisy, notes)
  let lips: LipInput | null = null
  if (input.models.some((m) => m.kind !== 'unimodal')) {
    if (!input.lips) throw new PerceptError('VALIDATION', 'The multimodal models need the lips: choose the folder of the speaker\'s 92 x 50 lip frames, or a unimodal model.')
    lips = await readLipsArgument(input.lips, noisy.length)
    notes.push(...lips.notes)
  } else if (input.lips) notes.push('Only audio-only models ran: the lips given were not used.')

  const outcome: EnhanceOutcome = {
    sampleRate: ENHANCE_SAMPLE_RATE,
    seconds: noisy.length / ENHANCE_SAMPLE_RATE,
    frames,
    bins: SPECTRUM_BINS,
    mask: input.mask,
    model: input.models[0]!.id,
    versions: [],
    masks: [],
    metrics: [],
    models: [],
    skipped: input.skipped,
    notes,
  }
  await mkdir(join(ctx.runDir, 'masks'), { recursive: true })
  const wav = async (name: string, samples: ArrayLike<number>): Promise<string> => {
    const path = join(ctx.runDir, `${name}.wav`)
    await writeWavFile(path, { sampleRate: ENHANCE_SAMPLE_RATE, channels: [Float32Array.from(samples)] }, 'float32')
    return path
  }
  const maskFile = async (key: string, mask: Float32Array): Promise<string> => {
    await writeNpy(join(ctx.runDir, 'masks', `${key}.npy`), mask, [frames, SPECTRUM_BINS])
    return `res/enhance/${encodeURIComponent(ctx.jobId)}/mask/${key}`
  }
  outcome.versions.push({ key: 'noisy', label: 'Noisy', path: await wav('noisy', noisy) })

  let oracle: Float32Array | null = null
  if (refs) {
    ctx.progress(1 / steps, 'the ideal binary mask')
    const ibm = signalIdealBinaryMask(refs.clean, refs.noise, input.lcDb)
    outcome.masks.push({ key: 'reference', label: `Reference IBM (LC ${input.lcDb} dB)`, kind: 'reference', model: null, url: await maskFile('reference', ibm.mask), onesFraction: onesFraction(ibm.mask) })
    oracle = Float32Array.from(enhanceWithMask(noisy, ibm.mask))
  }

  const enhancedSignals: { key: string; label: string; signal: Float32Array }[] = []
  for (const [i, chosen] of input.models.entries()) {
    ctx.signal.throwIfAborted()
    ctx.progress((i + 1) / steps, `${LABELS[chosen.kind]}: ${chosen.id}`)
    const model = await openEnhanceModel(await readModelPackage(chosen.dir))
    try {
      // The first run in a process pays for compiling (V8, onnxruntime): kept off the clip's real-time factor, as `enhance run` does.
      await warmUpEnhancer(model)
      const began = performance.now()
      const clip = await enhanceClip(model, noisy, model.withLips ? lips : null, input.mask, basename(input.noisy))
      const seconds = (performance.now() - began) / 1000
      const key = i === 0 ? 'enhanced' : `enhanced-${i}`
      // Bundled models go by their kind; an installed one also by its id.
      const label = `${LABELS[chosen.kind]}${chosen.id.startsWith('bundled/') ? '' : ` (${chosen.id})`}`
      const signal = Float32Array.from(clip.enhanced)
      outcome.versions.push({ key, label: i === 0 ? `Enhanced: ${label}` : label, path: await wav(key, signal) })
      outcome.masks.push({ key: `model-${i}`, label: `${LABELS[chosen.kind]} (${chosen.id})`, kind: chosen.kind, model: chosen.id, url: await maskFile(`model-${i}`, clip.mask), onesFraction: onesFraction(clip.mask, (CONTEXT_FRAMES - 1) * SPECTRUM_BINS) })
      outcome.models.push({ id: chosen.id, kind: chosen.kind, layers: model.layers, rates: clip.firingRates, seconds, realTimeFactor: seconds / outcome.seconds })
      enhancedSignals.push({ key, label, signal })
    } finally {
      await model.release()
    }
  }
  notes.push(`Frames 0-${CONTEXT_FRAMES - 2} have no full 8-frame context and pass unchanged: the first ${(((CONTEXT_FRAMES - 1) * HOP_LENGTH) / ENHANCE_SAMPLE_RATE).toFixed(3)} s is not enhanced.`)

  if (refs) {
    ctx.progress((steps - 1) / steps, 'scoring against the clean speech')
    outcome.versions.push({ key: 'clean', label: 'Clean', path: await wav('clean', refs.clean) })
    outcome.versions.push({ key: 'oracle', label: 'IBM oracle', path: await wav('oracle', oracle!) })
    outcome.metrics.push(await scores('noisy', 'Noisy', refs.clean, noisy, noisy))
    for (const e of enhancedSignals) outcome.metrics.push(await scores(e.key, e.label, refs.clean, noisy, e.signal))
    outcome.metrics.push(await scores('oracle', 'IBM oracle', refs.clean, noisy, oracle!))
    if (outcome.metrics.some((m) => m.stoi === null)) notes.push('STOI needs at least 0.4 s of speech that is not silent; this clip has less, so it is not given.')
  }
  await writeJsonAtomic(join(ctx.runDir, RESULT_FILE), outcome)
  ctx.progress(1, 'done')
  return outcome
}
