import { PerceptError } from '../../core/errors'

/*
 * Rational-ratio polyphase resampling with a Kaiser-windowed sinc (Crochiere & Rabiner 1983; the design
 * of scipy.signal.resample_poly, with the filter's delay removed). With to/from = L/M in lowest terms,
 * output j sits at input time t_j = j M / L and is
 *     y[j] = sum_i x[i] h(t_j - i),   h(t) = 2 fc sinc(2 fc t) kaiser(t / R, beta),
 * t in input samples, the signal taken as zeros outside [0, n) (resample()'s convention: output j of
 * round(n L / M) is aligned with input time t_j, no filter delay). t_j - floor(t_j) takes only L values
 * (the phases), so each phase's row of coefficients is computed once per rate pair and kept.
 *
 * The filter, in units of nu, the lower of the two Nyquist frequencies: cutoff fc = 0.945 nu, Kaiser
 * beta 10.75, half-width R = 64 samples at the lower rate (so about 128 taps at the lower rate, 256 per
 * output for 44.1 -> 22.05 kHz). Chosen with a numerical search for the fewest taps that keep the
 * passband within 0.01 dB up to 0.9 nu (-0.008 dB at 0.9 nu) and everything from nu up below -100 dB
 * (-105 dB) with float32 coefficients (R = 63 still passed at 2:1, by 3 dB). SRC_SINC_MEDIUM_QUALITY
 * is flat only to 0.85 nu (-0.28 dB at 0.875 nu, -2.1 dB at 0.9 nu, -20 dB at 0.95 nu) with its
 * stopband also from nu (see resample.ts), so the two differ mostly in the top mel bands.
 *
 * Speed: 256 multiply-adds an output is 22 M for a 4 s clip at 44.1 -> 22.05 kHz: 37 ms in plain
 * JavaScript on a busy 2-core EPYC VM, 21 ms folding the symmetric filter, no faster than libsamplerate
 * in sixes there (24-29 ms). So the dot products run in a WebAssembly SIMD kernel (below, 4 float32
 * lanes, two accumulators): 2.5-3 ms (four accumulators gained under 10%, within the noise).
 * The kernel sums in float32, as does the JavaScript fallback for runtimes without SIMD, which rounds
 * every step the same way, so the output does not depend on which one ran.
 */

/** Names this resampler's output: anything cached from its output should carry it (bump it when the filter changes). */
export const polyphaseResamplerVersion = 'polyphase-kaiser-1'

/** Cutoff, as a fraction of the lower Nyquist frequency. */
const cutoff = 0.945
const beta = 10.75
/** Half the filter's width in samples of the lower rate. */
const halfWidth = 64
/** Tables of more coefficients than this (rate pairs with thousands of phases) are not kept: rows are computed per output. */
const mostTableCoefficients = 1 << 21
/** Filters kept (the least recently used goes first). */
const mostTables = 8
/** Outputs per kernel call: bounds the kernel's memory whatever the signal's length. */
const blockOutputs = 8192

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** The modified Bessel function I0 by its power series (converges for every x; beta here is about 11). */
function besselI0(x: number): number {
  const q = (x * x) / 4
  let term = 1
  let sum = 1
  for (let k = 1; term > 1e-17 * sum; k++) {
    term *= q / (k * k)
    sum += term
  }
  return sum
}

/** The filter of one rate pair: `taps` coefficients per output (a multiple of 8 for the kernel), starting `lead` samples before floor(t_j). */
interface Filter {
  up: number
  down: number
  /** Half-width in input samples. */
  radius: number
  /** Cutoff in cycles per input sample. */
  fc: number
  lead: number
  taps: number
  /** L rows of taps (phase p: t_j - floor(t_j) = p / L), or null when that would be too many. */
  table: Float32Array | null
}

const filters = new Map<string, Filter>()
const i0Beta = besselI0(beta)

/** Row of coefficients for an output at fractional position phase in [0, 1): tap k weighs input floor(t_j) - lead + k. */
function fillRow(filter: Filter, phase: number, row: Float32Array, at: number): void {
  const { radius, fc, lead, taps } = filter
  for (let k = 0; k < taps; k++) {
    const t = phase + lead - k
    const u = t / radius
    if (Math.abs(u) >= 1) {
      row[at + k] = 0
      continue
    }
    const x = 2 * fc * t
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
    row[at + k] = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta)
  }
}

function filterFor(up: number, down: number): Filter {
  const id = `${up}/${down}`
  const known = filters.get(id)
  if (known) {
    filters.delete(id)
    filters.set(id, known)
    return known
  }
  // Measured in input samples: the lower Nyquist is 0.5 min(1, L/M) cycles per sample.
  const nu = 0.5 * Math.min(1, up / down)
  const radius = halfWidth / (2 * nu)
  // Taps d = i - floor(t_j) with |p/L - d| < radius, over every phase p (the extremes at p = 0 and p = L - 1).
  const first = Math.floor(-radius) + 1
  const last = Math.ceil((up - 1) / up + radius) - 1
  const lead = -first
  const taps = Math.ceil((last - first + 1) / 8) * 8
  const filter: Filter = { up, down, radius, fc: cutoff * nu, lead, taps, table: null }
  if (up * taps <= mostTableCoefficients) {
    const table = new Float32Array(up * taps)
    for (let p = 0; p < up; p++) fillRow(filter, p / up, table, p * taps)
    filter.table = table
  }
  filters.set(id, filter)
  if (filters.size > mostTables) filters.delete(filters.keys().next().value!)
  return filter
}

/** Bytes preceded by their count (unsigned LEB128). */
function sized(bytes: number[]): number[] {
  const size: number[] = []
  for (let n = bytes.length; ; n >>= 7) {
    if (n < 0x80) {
      size.push(n)
      break
    }
    size.push((n & 0x7f) | 0x80)
  }
  return [...size, ...bytes]
}

/** A section of a WebAssembly module: its id, then its bytes, sized. */
function section(id: number, bytes: number[]): number[] {
  return [id, ...sized(bytes)]
}

/*
 * The kernel, in WebAssembly text:
 *   (func (export "dots") (param $starts i32) (param $rows i32) (param $out i32) (param $n i32) (param $bytes i32)
 *     (local $a i32) (local $h i32) (local $end i32) (local $acc0 v128) (local $acc1 v128)
 *     block  (br_if 0 (i32.eqz $n))
 *     loop                                        ;; each output: out[j] = dot(x at starts[j], row at rows[j])
 *       $a = i32.load($starts)   $h = i32.load($rows)   $end = $h + $bytes   $acc0 = $acc1 = 0
 *       loop                                      ;; 8 taps a turn
 *         $acc0 = f32x4.add($acc0, f32x4.mul(v128.load($a), v128.load($h)))
 *         $acc1 = f32x4.add($acc1, f32x4.mul(v128.load offset=16 ($a), v128.load offset=16 ($h)))
 *         $a += 32   $h += 32   br_if 0 ($h < $end)
 *       end
 *       $acc0 = f32x4.add($acc0, $acc1)
 *       f32.store($out, (lane0 + lane1) + (lane2 + lane3))
 *       $starts += 4   $rows += 4   $out += 4   br_if 0 (--$n)
 *     end end)
 * with memory imported as env.memory; addresses are in bytes.
 */
const kernelBody = [
  0x02, 0x03, 0x7f, 0x02, 0x7b, // locals: 3 i32 ($a 5, $h 6, $end 7), 2 v128 ($acc0 8, $acc1 9)
  0x02, 0x40, 0x20, 0x03, 0x45, 0x0d, 0x00, // block; br_if 0 (n == 0)
  0x03, 0x40, // loop (outputs)
  0x20, 0x00, 0x28, 0x02, 0x00, 0x21, 0x05, // $a = i32.load($starts)
  0x20, 0x01, 0x28, 0x02, 0x00, 0x22, 0x06, 0x20, 0x04, 0x6a, 0x21, 0x07, // $h = i32.load($rows); $end = $h + $bytes
  0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x22, 0x08, 0x21, 0x09, // $acc1 = ($acc0 = 0)
  0x03, 0x40, // loop (taps)
  0x20, 0x08, 0x20, 0x05, 0xfd, 0x00, 0x00, 0x00, 0x20, 0x06, 0xfd, 0x00, 0x00, 0x00, 0xfd, 0xe6, 0x01, 0xfd, 0xe4, 0x01, 0x21, 0x08,
  0x20, 0x09, 0x20, 0x05, 0xfd, 0x00, 0x00, 0x10, 0x20, 0x06, 0xfd, 0x00, 0x00, 0x10, 0xfd, 0xe6, 0x01, 0xfd, 0xe4, 0x01, 0x21, 0x09,
  0x20, 0x05, 0x41, 0x20, 0x6a, 0x21, 0x05, // $a += 32
  0x20, 0x06, 0x41, 0x20, 0x6a, 0x22, 0x06, 0x20, 0x07, 0x49, 0x0d, 0x00, // $h += 32; br_if 0 ($h < $end)
  0x0b, // end (taps)
  0x20, 0x02, // address: $out
  0x20, 0x08, 0x20, 0x09, 0xfd, 0xe4, 0x01, 0x22, 0x08, // $acc0 += $acc1
  0xfd, 0x1f, 0x00, 0x20, 0x08, 0xfd, 0x1f, 0x01, 0x92, // lane0 + lane1
  0x20, 0x08, 0xfd, 0x1f, 0x02, 0x20, 0x08, 0xfd, 0x1f, 0x03, 0x92, 0x92, // + (lane2 + lane3)
  0x38, 0x02, 0x00, // f32.store
  0x20, 0x00, 0x41, 0x04, 0x6a, 0x21, 0x00, // $starts += 4
  0x20, 0x01, 0x41, 0x04, 0x6a, 0x21, 0x01, // $rows += 4
  0x20, 0x02, 0x41, 0x04, 0x6a, 0x21, 0x02, // $out += 4
  0x20, 0x03, 0x41, 0x01, 0x6b, 0x22, 0x03, 0x0d, 0x00, // br_if 0 (--$n)
  0x0b, 0x0b, // end loop, end block
  0x0b, // end function
]

const kernelBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]), // one type: (i32 x5) -> ()
  ...section(2, [0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01]), // import env.memory, min 1 page
  ...section(3, [0x01, 0x00]), // one function, of type 0
  ...section(7, [0x01, 0x04, 0x64, 0x6f, 0x74, 0x73, 0x00, 0x00]), // export it as "dots"
  ...section(10, [0x01, ...sized(kernelBody)]), // its body
])

/** A WebAssembly memory, as far as we use one (our tsconfig has no DOM lib, which declares the global). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

/** The kernel's view of memory (bytes), as both implementations take it. */
interface Dots {
  kind: 'wasm-simd' | 'js'
  memory: WasmMemory
  /** The table now at the start of memory (rows computed per output overwrite it: null). */
  table: Float32Array | null
  /** out[j] = dot(memory at starts[j], memory at rows[j], bytes / 4 floats), j < n; every argument in bytes. */
  dots(starts: number, rows: number, out: number, n: number, bytes: number): void
}

let kernel: Dots | null = null

/** The WebAssembly kernel, or where SIMD is missing the same sums, rounded the same way, in JavaScript. */
function dotsKernel(): Dots {
  if (kernel) return kernel
  const memory = new webAssembly.Memory({ initial: 1 })
  try {
    const instance = new webAssembly.Instance(new webAssembly.Module(kernelBytes), { env: { memory } })
    kernel = { kind: 'wasm-simd', memory, table: null, dots: instance.exports.dots as Dots['dots'] }
  } catch {
    kernel = { kind: 'js', memory, table: null, dots: (starts, rows, out, n, bytes) => dotsInJs(memory, starts, rows, out, n, bytes) }
  }
  return kernel
}

const f = Math.fround

/** The kernel's sums in its order, every step rounded to float32 (f32x4 lane by lane: two sets of four accumulators). */
function dotsInJs(memory: WasmMemory, starts: number, rows: number, out: number, n: number, bytes: number): void {
  const ints = new Int32Array(memory.buffer)
  const floats = new Float32Array(memory.buffer)
  const taps = bytes / 4
  const acc = new Float64Array(8)
  for (let j = 0; j < n; j++) {
    const a = ints[(starts >> 2) + j]! >> 2
    const h = ints[(rows >> 2) + j]! >> 2
    acc.fill(0)
    for (let k = 0; k < taps; k++) acc[k & 7] = f(acc[k & 7]! + f(floats[a + k]! * floats[h + k]!))
    const lane = (c: number): number => f(acc[c]! + acc[c + 4]!)
    floats[(out >> 2) + j] = f(f(lane(0) + lane(1)) + f(lane(2) + lane(3)))
  }
}

/** Which kernel computes the dot products: WebAssembly SIMD, or JavaScript where that is missing. */
export function polyphaseKernel(): 'wasm-simd' | 'js' {
  return dotsKernel().kind
}

/** Force the JavaScript kernel (tests compare the two); returns a function that restores the usual one. */
export function useJsKernelForTesting(): () => void {
  const saved = kernel
  const memory = new webAssembly.Memory({ initial: 1 })
  kernel = { kind: 'js', memory, table: null, dots: (starts, rows, out, n, bytes) => dotsInJs(memory, starts, rows, out, n, bytes) }
  return () => {
    kernel = saved
  }
}

function checkRates(fromRate: number, toRate: number): void {
  if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate))) {
    throw new PerceptError('VALIDATION', `Sample rates must be whole positive numbers (got ${fromRate} and ${toRate} Hz).`)
  }
  const ratio = toRate / fromRate
  if (ratio > 256 || ratio < 1 / 256) {
    throw new PerceptError('VALIDATION', `Cannot resample from ${fromRate} to ${toRate} Hz: the ratio is beyond 1:256.`)
  }
}

/**
 * Resamples one channel from fromRate to toRate (whole numbers, ratio within 1:256): round(n * to / from)
 * samples, aligned with the input, the signal taken as silence beyond its ends. Synchronous: 4 s at
 * 44.1 kHz takes a few ms. At the same rate, the input itself.
 */
export function resamplePolyphase(signal: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRates(fromRate, toRate)
  if (fromRate === toRate) return signal
  const g = gcd(fromRate, toRate)
  const up = toRate / g
  const down = fromRate / g
  const length = Math.round((signal.length * up) / down)
  const output = new Float32Array(length)
  if (length === 0) return output
  const filter = filterFor(up, down)
  const { lead, taps, table } = filter
  const block = table ? blockOutputs : Math.max(1, Math.min(blockOutputs, Math.floor(mostTableCoefficients / taps)))
  const inputSpan = Math.ceil((block * down) / up) + taps + 1
  // The kernel's memory, in floats: the table (or this block's rows), then starts, rows, outputs and input of a block.
  const rowFloats = table ? table.length : block * taps
  const at = { starts: rowFloats, rows: rowFloats + block, out: rowFloats + 2 * block, input: rowFloats + 3 * block }
  const k = dotsKernel()
  const bytes = 4 * (at.input + inputSpan)
  if (k.memory.buffer.byteLength < bytes) k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / 65536))
  const floats = new Float32Array(k.memory.buffer)
  const ints = new Int32Array(k.memory.buffer)
  if (k.table !== table) floats.set(table ?? [], 0)
  k.table = table
  const input = floats.subarray(at.input, at.input + inputSpan)
  // Output j is at input time j * down / up = q + p / up: integers below 2^53 here, so exact in doubles,
  // and from one output to the next q and p step by down / up (whole part and remainder).
  const whole = (j: number): number => (j * down - ((j * down) % up)) / up
  const stepQ = Math.floor(down / up)
  const stepP = down % up

  for (let j0 = 0; j0 < length; j0 += block) {
    const n = Math.min(block, length - j0)
    const base = whole(j0) - lead // the input sample at input[0]
    let p = (j0 * down) % up
    let start = 4 * at.input // where q - lead, here base, sits (bytes)
    for (let j = 0; j < n; j++) {
      ints[at.starts + j] = start
      if (table) ints[at.rows + j] = 4 * p * taps
      else {
        fillRow(filter, p / up, floats, j * taps)
        ints[at.rows + j] = 4 * j * taps
      }
      start += 4 * stepQ
      p += stepP
      if (p >= up) {
        p -= up
        start += 4
      }
    }
    // The block's input, zeros beyond the signal's ends.
    const span = whole(j0 + n - 1) - lead + taps - base
    const from = Math.max(0, base)
    const to = Math.min(signal.length, base + span)
    if (to > from) {
      input.fill(0, 0, from - base)
      input.set(signal.subarray(from, to), from - base)
      input.fill(0, to - base, span)
    } else input.fill(0, 0, span)
    k.dots(4 * at.starts, 4 * at.rows, 4 * at.out, n, 4 * taps)
    output.set(floats.subarray(at.out, at.out + n), j0)
  }
  return output
}
