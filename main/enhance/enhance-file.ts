import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { PerceptError } from '../core/errors'
import { writeWavFile } from '../dsp/io'
import { readMono16k, resampleNote } from './audio-source'
import { readLipInput, lipFrameAt, type LipInput } from './corpus/lips'
import { enhanceClip, warmUpClip, warmUpEnhancer, type EnhanceModel, type MaskKind } from './enhancer'
import { CONTEXT_FRAMES } from './audio-input'
import { ENHANCE_SAMPLE_RATE, HOP_LENGTH, requireFrames } from './frames'
import { SPECTRUM_BINS } from './spectra'
import { maskGain } from './train/mask-gain'
import { STREAM_LATENCY_SAMPLES, STREAM_LATENCY_SECONDS, StreamingEnhancer } from './streaming'

/*
 * `percept enhance run`: a noisy file (and the speaker's lip frames) in, the enhanced 16 kHz WAV out.
 * Every input is checked with a message that says what to do: a clip under 8 frames, a multimodal model
 * without lips, a video file where a frames folder is needed, lips whose length is not the audio's
 * (lips.ts); what is fixed on the way is said: resampling to 16 kHz, lip frames replaced by the last
 * good crop (counted), lips given to a model that does not use them.
 * `seconds` is the enhancement's wall time (features, model, resynthesis), not reading or writing files;
 * the real-time factor is seconds over the clip's duration. Before the clock starts, the same path runs
 * once on a second of warm-up audio (enhancer.ts: onnxruntime's first run and V8's compilation of the
 * DSP loops, paid once per process); its time is reported apart, as `warmUpSeconds`. Streaming, that is
 * what a live input needs anyway: the first frames must meet their hop's deadline too.
 */

const VIDEO_FILE = /\.(mpg|mpeg|mp4|avi|mov|mkv|webm)$/i

export interface EnhanceFileOptions {
  noisy: string
  lips?: string
  out: string
  mask: MaskKind
  /** Hop by hop through the streaming enhancer, as a live input would be. */
  stream: boolean
}

export interface EnhanceFileResult {
  model: string
  kind: string
  seconds: number
  realTimeFactor: number
  /** The warm-up run's wall time before `seconds` was measured (see above). */
  warmUpSeconds: number
  /** The process's CPU time over `seconds` (every thread): the same work on a busy machine, where wall time stretches. */
  cpuSeconds: number
  out: string
  durationSeconds: number
  sampleRate: number
  frames: number
  mask: MaskKind
  streaming: { latencySamples: number; latencySeconds: number; hopSamples: number; perFrameMs: number } | null
  lips: { videoFrames: number; replacedFrames: number; pastVideoEnd: number } | null
  firingRates: Record<string, number>
  notes: string[]
}

/** Reads --lips: a folder of 92 x 50 lip frames; a video file or anything else gets a message saying what to give instead. */
export async function readLipsArgument(path: string, audioSamples: number): Promise<LipInput> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `${path} does not exist. --lips takes the folder of the speaker's 92 x 50 lip frames (frame_0000.png ...).`)
  if (info.isFile()) {
    if (VIDEO_FILE.test(path)) {
      throw new PerceptError(
        'VALIDATION',
        `${basename(path)} is a video file: extract its frames first (e.g. ffmpeg -i ${basename(path)} frames/%04d.png), crop the lips to 92 x 50 pixels, and give that folder to --lips.`,
      )
    }
    throw new PerceptError('VALIDATION', `${basename(path)} is a file; --lips takes a folder of numbered 92 x 50 lip frames (PNG or JPEG).`)
  }
  return readLipInput(path, audioSamples)
}

export async function enhanceFile(model: EnhanceModel, options: EnhanceFileOptions): Promise<EnhanceFileResult> {
  const audio = await readMono16k(options.noisy)
  const notes: string[] = []
  const resampled = resampleNote(options.noisy, audio)
  if (resampled) notes.push(`${resampled} The enhanced file is written at 16 kHz, the model's rate.`)
  if (audio.channels > 1) notes.push(`${basename(options.noisy)} has ${audio.channels} channels; they were mixed down to mono.`)
  const frames = requireFrames(audio.samples.length, CONTEXT_FRAMES, basename(options.noisy))
  if (model.withLips && !options.lips) {
    throw new PerceptError(
      'VALIDATION',
      `${model.id} is a ${model.kind === 'mburst' ? 'MBURST' : 'Multimodal'} model: it needs the speaker's lips. Give --lips <folder of 92 x 50 lip frames>, or --model unimodal for audio alone.`,
    )
  }
  let lips: LipInput | null = null
  if (options.lips) {
    if (model.withLips) {
      lips = await readLipsArgument(options.lips, audio.samples.length)
      notes.push(...lips.notes)
    } else notes.push(`${model.id} is an audio-only model: the lips given were not used.`)
  }
  let warmUpSeconds: number
  if (options.stream) {
    const warmUp = performance.now()
    const clip = warmUpClip(model.withLips)
    await streamClip(model, clip.noisy, clip.lips, 'soft')
    warmUpSeconds = (performance.now() - warmUp) / 1000
  } else warmUpSeconds = await warmUpEnhancer(model)
  const began = performance.now()
  const cpuBefore = process.cpuUsage()
  let enhanced: Float32Array | Float64Array
  let firingRates: Record<string, number>
  let perFrameMs = 0
  if (options.stream) {
    const streamed = await streamClip(model, audio.samples, lips, options.mask)
    enhanced = streamed.enhanced
    firingRates = streamed.firingRates
    perFrameMs = streamed.perFrameMs
  } else {
    const clip = await enhanceClip(model, audio.samples, lips, options.mask, basename(options.noisy))
    enhanced = clip.enhanced
    firingRates = clip.firingRates
  }
  const seconds = (performance.now() - began) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  await writeWavFile(options.out, { sampleRate: ENHANCE_SAMPLE_RATE, channels: [enhanced instanceof Float32Array ? enhanced : Float32Array.from(enhanced)] }, 'float32')
  const durationSeconds = audio.samples.length / ENHANCE_SAMPLE_RATE
  notes.push(`Frames 0-${CONTEXT_FRAMES - 2} have no full 8-frame context and pass unchanged: the first ${(((CONTEXT_FRAMES - 1) * HOP_LENGTH) / ENHANCE_SAMPLE_RATE).toFixed(3)} s is not enhanced.`)
  return {
    model: model.id,
    kind: model.kind,
    seconds,
    realTimeFactor: seconds / durationSeconds,
    warmUpSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    out: options.out,
    durationSeconds,
    sampleRate: ENHANCE_SAMPLE_RATE,
    frames,
    mask: options.mask,
    streaming: options.stream ? { latencySamples: STREAM_LATENCY_SAMPLES, latencySeconds: STREAM_LATENCY_SECONDS, hopSamples: HOP_LENGTH, perFrameMs } : null,
    lips: lips ? { videoFrames: lips.videoFrames, replacedFrames: lips.replacedFrames.length, pastVideoEnd: lips.pastVideoEnd } : null,
    firingRates,
    notes,
  }
}

export interface StreamedClip {
  enhanced: Float32Array
  firingRates: Record<string, number>
  /** The model's mean wall time per masked frame, in ms. */
  perFrameMs: number
}

/** A 16 kHz clip through the streaming enhancer hop by hop, as a live input would come, one model call per frame. */
export async function streamClip(model: EnhanceModel, samples: Float32Array, lips: LipInput | null, mask: MaskKind): Promise<StreamedClip> {
  const frames = requireFrames(samples.length, CONTEXT_FRAMES, 'the clip')
  const rateSums = new Float64Array(model.layers.length)
  const floor = model.gainFloor ?? 0
  const gains = new Float32Array(SPECTRUM_BINS)
  const streamer = new StreamingEnhancer(async (t, input) => {
    const out = await model.masks(input, lips ? lipFrameAt(lips, t) : null, 1)
    for (let l = 0; l < model.layers.length; l++) rateSums[l]! += out.rates[l]!
    if (mask === 'soft' && floor === 0) return out.mask
    for (let k = 0; k < SPECTRUM_BINS; k++) gains[k] = maskGain(out.mask[k]!, mask, floor)
    return gains
  }, model.feature)
  const enhanced = new Float32Array(samples.length)
  let at = 0
  for (let from = 0; from < samples.length; from += HOP_LENGTH) {
    const part = await streamer.push(samples.subarray(from, from + HOP_LENGTH))
    enhanced.set(part, at)
    at += part.length
  }
  enhanced.set(streamer.finish(), at)
  const estimated = frames - (CONTEXT_FRAMES - 1)
  const firingRates: Record<string, number> = Object.fromEntries(model.layers.map((name, l) => [name, rateSums[l]! / estimated]))
  firingRates.network = model.layers.reduce((s, name) => s + firingRates[name]!, 0) / Math.max(1, model.layers.length)
  return { enhanced, firingRates, perFrameMs: (1000 * streamer.maskSeconds) / Math.max(1, estimated) }
}
