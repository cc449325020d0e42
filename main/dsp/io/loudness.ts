import { frameCount, type AudioData } from '../audio-data'
import { kWeightingBinary } from '../simd/k-weighting.wasm'
import { wasmKernel, type WasmKernel } from '../wasm-instance'

/** One second-order section, a0 normalised to 1. */
export interface Biquad {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
}

/*
 * K-weighting for any sample rate: the two analog prototypes behind BS.1770's 48 kHz table (a high
 * shelf and a high pass, parameters as fitted in libebur128), mapped by the bilinear transform with
 * the centre frequency prewarped. At 48 kHz this reproduces the spec's table to 1e-15; pyloudnorm's
 * rounder prototype (a 1.5 kHz, +4 dB cookbook shelf) is off by up to 1e-4.
 */
const shelf = { f0: 1681.974450955533, gainDb: 3.999843853973347, q: 0.7071752369554196 }
const highPass = { f0: 38.13547087602444, q: 0.5003270373238773 }

/** Stage 1 (head shelf) and stage 2 (RLB high pass) for `sampleRate`. */
export function kWeightingCoefficients(sampleRate: number): [Biquad, Biquad] {
  let k = Math.tan((Math.PI * shelf.f0) / sampleRate)
  const vh = 10 ** (shelf.gainDb / 20)
  const vb = vh ** 0.4996667741545416
  let a0 = 1 + k / shelf.q + k * k
  const stage1 = {
    b0: (vh + (vb * k) / shelf.q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / shelf.q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / shelf.q + k * k) / a0,
  }
  k = Math.tan((Math.PI * highPass.f0) / sampleRate)
  a0 = 1 + k / highPass.q + k * k
  const stage2 = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / highPass.q + k * k) / a0 }
  return [stage1, stage2]
}

/** BS.1770 channel weights: 1 for L, R, C; 1.41 for the surrounds; the LFE of 5.1 (L R C LFE Ls Rs) left out. */
function channelWeights(count: number): number[] {
  if (count === 6) return [1, 1, 1, 0, 1.41, 1.41]
  if (count === 5) return [1, 1, 1, 1.41, 1.41]
  return new Array<number>(count).fill(1)
}

const absoluteGateLufs = -70
const relativeGateLu = -10

const lufs = (power: number) => -0.691 + 10 * Math.log10(power)

/**
 * Integrated loudness (ITU-R BS.1770-4, EBU R128) in LUFS: K-weighted mean square in 400 ms blocks
 * every 100 ms, gated at -70 LUFS and then 10 LU below the mean of the blocks left. Null when no
 * block passes: silence, under 400 ms, or a rate too low to hold the 1.7 kHz shelf.
 */
export function integratedLoudness(audio: AudioData): number | null {
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length, frameCount(audio))
  meter.add(audio.channels, 0)
  return meter.loudness()
}

/**
 * integratedLoudness of a sound fed in pieces, all channels together in frame order: the filters'
 * state and each step's running sum carry from piece to piece, so every sum is taken in the same order
 * as in one pass and the result is exactly the same wherever the pieces were cut.
 */
export class LoudnessMeter {
  /** Frame bounds of the 100 ms steps on a rounded grid (rates like 11025 Hz have no whole step). */
  private readonly bounds: number[] = [0]
  private readonly filters: Float64Array
  private readonly weights: number[]
  /** The channels that count (the LFE does not), in order. */
  private readonly counted: number[]
  private readonly progress: ChannelProgress[]
  /** The step in progress, the same for every channel. */
  private step = 0

  constructor(
    private readonly sampleRate: number,
    channels: number,
    frames: number,
  ) {
    const rate = sampleRate
    if (rate > 2 * shelf.f0) {
      while (Math.round((this.bounds.length * rate) / 10) <= frames) this.bounds.push(Math.round((this.bounds.length * rate) / 10))
    }
    const [stage1, stage2] = kWeightingCoefficients(rate)
    this.filters = Float64Array.of(stage1.b0, stage1.b1, stage1.b2, stage1.a1, stage1.a2, stage2.a1, stage2.a2)
    this.weights = channelWeights(channels)
    this.counted = this.weights.flatMap((w, c) => (w === 0 ? [] : [c]))
    this.progress = Array.from({ length: channels }, () => ({
      state: new Float64Array(6),
      sum: 0,
      steps: new Float64Array(Math.max(0, this.bounds.length - 1)),
    }))
  }

  /**
   * The next frames of every channel: `pieces[c]` holds frames [from, from + its length) of channel c,
   * following on from the frames given before. Channels go two at a time through the wasm SIMD kernel
   * (k-weighting.wat) where there is one: the same bits as the JavaScript loop (`javascript`: that loop,
   * for tests), in about a third of the time for stereo.
   */
  add(pieces: readonly Float32Array[], from: number, javascript = false): void {
    const to = from + (pieces[0]?.length ?? 0)
    let step = this.step
    const kernel = javascript ? null : kWeightingKernel()
    const counted = this.counted
    for (let k = 0; k < counted.length; k += kernel ? 2 : 1) {
      const a = counted[k]!
      const b = counted[k + 1]
      step = kernel
        ? filterStepsPair(kernel, pieces[a]!, pieces[b ?? a]!, from, to, this.step, this.bounds, this.filters, this.progress[a]!, b === undefined ? null : this.progress[b]!)
        : filterSteps(pieces[a]!, from, to, this.step, this.bounds, this.filters, this.progress[a]!)
    }
    this.step = step
  }

  /** The integrated loudness of everything added (see integratedLoudness). */
  loudness(): number | null {
    if (!(this.sampleRate > 2 * shelf.f0)) return null
    const bounds = this.bounds
    const blocks = bounds.length - 4
    if (blocks < 1) return null
    const power = new Float64Array(blocks) // sum over channels of weight * mean square; block j = steps j..j+3
    this.progress.forEach(({ steps }, c) => {
      const weight = this.weights[c]!
      if (weight === 0) return
      for (let j = 0; j < blocks; j++) {
        power[j]! += (weight * (steps[j]! + steps[j + 1]! + steps[j + 2]! + steps[j + 3]!)) / (bounds[j + 4]! - bounds[j]!)
      }
    })
    const mean = (threshold: number) => {
      let sum = 0
      let count = 0
      for (const p of power) {
        if (lufs(p) > threshold) {
          sum += p
          count++
        }
      }
      return count === 0 ? null : sum / count
    }
    const ungated = mean(absoluteGateLufs)
    if (ungated === null) return null
    // The loudest block always passes the relative gate, so this mean exists.
    return lufs(mean(Math.max(absoluteGateLufs, lufs(ungated) + relativeGateLu))!)
  }
}

/** One channel's filters, running sum of the step in progress, and K-weighted energy of each finished 100 ms step. */
interface ChannelProgress {
  /** x1 x2 y1 y2 z1 z2 */
  state: Float64Array
  sum: number
  steps: Float64Array
}

/**
 * Frames [from, to) of one channel, x[0] being frame `from`, from 100 ms step `step` on; returns the step it ends in. A function
 * of its own: with this loop inlined into LoudnessMeter.add, V8 compiled the filter loop 30-50% slower.
 */
function filterSteps(x: Float32Array, from: number, to: number, step: number, bounds: readonly number[], f: Float64Array, p: ChannelProgress): number {
  // Frames past the last whole step count in no block.
  for (let at = from; step < bounds.length - 1 && at < to; ) {
    const end = Math.min(to, bounds[step + 1]!)
    p.sum = kWeightedEnergy(x, at - from, end - from, f, p.state, p.sum)
    at = end
    if (end === bounds[step + 1]) {
      p.steps[step++] = p.sum
      p.sum = 0
    }
  }
  return step
}

/**
 * `sum` plus the squares of x[from, to) through both biquads (direct form I; `state` carries x1 x2 y1 y2
 * z1 z2 from call to call). Called once per 100 ms step: V8 fully optimises a function called often, while
 * one long call per channel ran in on-stack-replaced code, measured 2-3 times slower.
 */
function kWeightedEnergy(x: Float32Array, from: number, to: number, f: Float64Array, state: Float64Array, sum: number): number {
  const b0 = f[0]!, b1 = f[1]!, b2 = f[2]!, a1 = f[3]!, a2 = f[4]!, c1 = f[5]!, c2 = f[6]!
  let x1 = state[0]!, x2 = state[1]!, y1 = state[2]!, y2 = state[3]!, z1 = state[4]!, z2 = state[5]!
  for (let i = from; i < to; i++) {
    const v = x[i]!
    const y = b0 * v + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1
    const z = y - 2 * y1 + y2 - c2 * z2 - c1 * z1 // the high pass has b = [1, -2, 1]
    x2 = x1
    x1 = v
    y2 = y1
    y1 = y
    z2 = z1
    z1 = z
    sum += z * z
  }
  state.set([x1, x2, y1, y2, z1, z2])
  return sum
}

type KWeightingKernel = WasmKernel<(a: number, b: number, n: number, filters: number, state: number) => void>

/** Frames a kernel call's chunk holds per channel, and where the two channels, the filters and the state sit in its memory (bytes). */
const chunkFrames = 32 * 1024
const aAt = 0
const bAt = chunkFrames * 4
const filtersAt = 2 * chunkFrames * 4
const stateAt = filtersAt + 64

function kWeightingKernel(): KWeightingKernel | null {
  return wasmKernel(kWeightingBinary, 'kWeightPair')
}

/**
 * filterSteps (x[0] is frame `from` here too) for two channels at once through the kernel, channel a in lane 0 and b in lane 1; with no
 * `pb`, b is a again and lane 1's results are dropped.
 */
function filterStepsPair(
  k: KWeightingKernel,
  xa: Float32Array,
  xb: Float32Array,
  from: number,
  to: number,
  step: number,
  bounds: readonly number[],
  f: Float64Array,
  pa: ChannelProgress,
  pb: ChannelProgress | null,
): number {
  const state = k.f64.subarray(stateAt / 8, stateAt / 8 + 14)
  k.f64.set(f, filtersAt / 8)
  for (let j = 0; j < 6; j++) {
    state[2 * j] = pa.state[j]!
    state[2 * j + 1] = (pb ?? pa).state[j]!
  }
  state[12] = pa.sum
  state[13] = (pb ?? pa).sum
  for (let chunk = from; step < bounds.length - 1 && chunk < to; ) {
    const chunkEnd = Math.min(to, chunk + chunkFrames)
    k.f32.set(xa.subarray(chunk - from, chunkEnd - from), aAt / 4)
    if (pb) k.f32.set(xb.subarray(chunk - from, chunkEnd - from), bAt / 4)
    const b = pb ? bAt : aAt
    for (let at = chunk; step < bounds.length - 1 && at < chunkEnd; ) {
      const end = Math.min(chunkEnd, bounds[step + 1]!)
      k.run(aAt + (at - chunk) * 4, b + (at - chunk) * 4, end - at, filtersAt, stateAt)
      at = end
      if (end === bounds[step + 1]) {
        pa.steps[step] = state[12]!
        if (pb) pb.steps[step] = state[13]!
        state[12] = 0
        state[13] = 0
        step++
      }
    }
    chunk = chunkEnd
  }
  for (let j = 0; j < 6; j++) {
    pa.state[j] = state[2 * j]!
    if (pb) pb.state[j] = state[2 * j + 1]!
  }
  pa.sum = state[12]!
  if (pb) pb.sum = state[13]!
  return step
}
