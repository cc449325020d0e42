import * as imported from '@alexanderolsen/libsamplerate-js'

// A webpack bundle flagged __esModule: Node's ESM loader shows it as `default`, CommonJS interop
// (bundlers, tsx) as the namespace itself.
const libsamplerate: typeof imported =
  'create' in imported ? imported : (imported as unknown as { default: typeof imported }).default

type Module = Awaited<ReturnType<typeof libsamplerate.create>>['module']

/** libsamplerate-js's wasm buffers: samples (all channels) in and out per call. */
export const converterBufferSamples = 1_008_000

/** The converter every resampling uses (see resample.ts for what was measured of it). */
export const converterType = libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY

/*
 * Each libsamplerate-js create() instantiates the whole module anew: about 20 ms and a 25 MB heap,
 * which was a sixth of the time of a 4 s clip's features. A module's converter state is separate
 * from the module: destroy + init starts a fresh stream (any channel count and ratio) in 0.1 ms, and
 * its output is bit for bit a new module's. So modules are kept, at most two idle per thread, and let go
 * after a few idle seconds (a thread that resampled once should not hold 50 MB).
 */
const idle: Module[] = []
const mostIdle = 2
const keepIdleMs = 5000
let letGo: NodeJS.Timeout | null = null

/** One stream through libsamplerate's sinc converter; `release()` hands its module back. */
export class SincStream {
  private released = false

  private constructor(
    private readonly module: Module,
    readonly channels: number,
    private readonly inRate: number,
    private readonly outRate: number,
  ) {}

  /** A fresh stream of `channels` interleaved channels from inRate to outRate (whole numbers up to 192 000). */
  static async open(channels: number, inRate: number, outRate: number): Promise<SincStream> {
    let module = idle.pop()
    if (module) {
      module.destroy()
      module.init(channels, converterType, inRate, outRate)
    } else {
      // create() checks the arguments and inits the converter itself.
      module = (await libsamplerate.create(channels, inRate, outRate, { converterType })).module
    }
    return new SincStream(module, channels, inRate, outRate)
  }

  /**
   * Feeds interleaved frames (at most converterBufferSamples samples in and out); the frames it gives
   * back, interleaved, in a view of the module's buffer that the next call overwrites.
   */
  process(interleaved: Float32Array): Float32Array {
    this.module.sourceArray(interleaved.length).set(interleaved)
    // As libsamplerate-js's own wrapper calls it: samples in, frames out.
    const frames = this.module.full(interleaved.length, this.channels, converterType, this.inRate, this.outRate)
    if (frames < 0) throw new Error(`libsamplerate failed (error ${frames}).`)
    return this.module.targetArray(frames * this.channels)
  }

  release(): void {
    if (this.released) return
    this.released = true
    if (idle.length < mostIdle) idle.push(this.module)
    else this.module.destroy()
    if (letGo) clearTimeout(letGo)
    letGo = setTimeout(() => {
      for (const module of idle.splice(0)) module.destroy()
    }, keepIdleMs)
    letGo.unref()
  }
}
