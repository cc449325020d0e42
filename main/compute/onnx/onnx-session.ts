/**
 * Inference with onnxruntime-node: one `OnnxModelSession` per loaded model (checked feeds, named outputs) and
 * an `OnnxSessionCache` that keeps the most recently used sessions per model file and releases the rest.
 * The composition root owns one cache and calls `releaseAll()` on shutdown.
 */
import { stat } from 'node:fs/promises'
import { availableParallelism, cpus } from 'node:os'
import { resolve } from 'node:path'
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import { PerceptError } from '../../core/errors'

export type OnnxTensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array

/** A named input or output: flat row-major data and its shape. */
export interface OnnxTensor {
  data: OnnxTensorData
  shape: number[]
}

export interface OnnxOutput extends OnnxTensor {
  dtype: string
}

/** What the model declares: dtype ('float32', 'int64', ...) and shape (numbers, symbolic names); null when not declared. */
export interface OnnxValueDescription {
  name: string
  dtype: string | null
  shape: (number | string)[] | null
}

export interface OnnxSessionOptions {
  /** Threads for one operator; default: every core this process may use (os.availableParallelism()). */
  intraOpThreads?: number
  /** onnxruntime graph optimisations; default 'all'. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all'
}

type OrtModule = typeof import('onnxruntime-node')

let ortModule: Promise<OrtModule> | null = null

/** Loads onnxruntime-node once; a machine where its native library cannot load gets UNAVAILABLE. */
export function loadOnnxRuntime(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').catch((error: unknown) => {
    ortModule = null
    throw new PerceptError(
      'UNAVAILABLE',
      `onnxruntime-node cannot load on this machine: ${(error as Error).message.split('\n')[0]}. ` +
        'Reinstall the app, or run it on a supported platform (Windows, macOS, Linux; x64 or arm64).',
    )
  })
  return ortModule
}

export function defaultIntraOpThreads(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length)
}

/** Typed array class each ONNX element type takes in onnxruntime-node. */
const arrayForDtype: Record<string, { name: string; accepts: (data: unknown) => boolean }> = {
  float32: { name: 'Float32Array', accepts: (d) => d instanceof Float32Array },
  float64: { name: 'Float64Array', accepts: (d) => d instanceof Float64Array },
  int32: { name: 'Int32Array', accepts: (d) => d instanceof Int32Array },
  int64: { name: 'BigInt64Array', accepts: (d) => d instanceof BigInt64Array },
  uint8: { name: 'Uint8Array', accepts: (d) => d instanceof Uint8Array },
  bool: { name: 'Uint8Array', accepts: (d) => d instanceof Uint8Array },
  int8: { name: 'Int8Array', accepts: (d) => d instanceof Int8Array },
}

function dtypeOfData(data: unknown): string | null {
  if (data instanceof Float32Array) return 'float32'
  if (data instanceof Float64Array) return 'float64'
  if (data instanceof Int32Array) return 'int32'
  if (data instanceof BigInt64Array) return 'int64'
  if (data instanceof Uint8Array) return 'uint8'
  if (data instanceof Int8Array) return 'int8'
  return null
}

function describe(metadata: readonly InferenceSession.ValueMetadata[], names: readonly string[]): OnnxValueDescription[] {
  return names.map((name) => {
    const m = metadata.find((v) => v.name === name)
    if (!m || !m.isTensor) return { name, dtype: null, shape: null }
    return { name, dtype: m.type, shape: m.shape.length ? [...m.shape] : null }
  })
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

/** A loaded model. Runs may overlap; `release()` waits for the runs in flight, then frees the native session. */
export class OnnxModelSession {
  readonly inputs: OnnxValueDescription[]
  readonly outputs: OnnxValueDescription[]
  private inFlight = 0
  private released = false
  private idleWaiters: (() => void)[] = []

  constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    /** The model file, or a label for a model loaded from bytes. */
    readonly source: string,
  ) {
    this.inputs = describe(session.inputMetadata, session.inputNames)
    this.outputs = describe(session.outputMetadata, session.outputNames)
  }

  get inputNames(): string[] {
    return this.inputs.map((i) => i.name)
  }

  get outputNames(): string[] {
    return this.outputs.map((o) => o.name)
  }

  get isReleased(): boolean {
    return this.released
  }

  /** Checks every feed against the model's declared inputs; throws VALIDATION naming what is wrong. */
  validateFeeds(feeds: Record<string, OnnxTensor>): void {
    if (typeof feeds !== 'object' || feeds === null) {
      throw new PerceptError('VALIDATION', `Inputs must be an object of named tensors; the model takes ${this.inputNames.join(', ')}.`)
    }
    const expected = this.inputNames
    for (const name of Object.keys(feeds)) {
      if (!expected.includes(name)) {
        throw new PerceptError('VALIDATION', `The model has no input '${name}'; its inputs are ${expected.map((n) => `'${n}'`).join(', ')}.`)
      }
    }
    for (const input of this.inputs) {
      const feed = feeds[input.name]
      if (!feed) {
        throw new PerceptError('VALIDATION', `Input '${input.name}' is missing; the model takes ${expected.map((n) => `'${n}'`).join(', ')}.`)
      }
      const { data, shape } = feed
      const dataType = dtypeOfData(data)
      if (dataType === null) {
        throw new PerceptError('VALIDATION', `Input '${input.name}' must be a typed array (e.g. Float32Array), got ${Object.prototype.toString.call(data)}.`)
      }
      if (input.dtype !== null) {
        const wanted = arrayForDtype[input.dtype]
        if (!wanted) {
          throw new PerceptError('VALIDATION', `Input '${input.name}' has element type ${input.dtype}, which this app cannot feed.`)
        }
        if (!wanted.accepts(data)) {
          throw new PerceptError('VALIDATION', `Input '${input.name}' expects ${input.dtype} data (${wanted.name}), got ${dataType}.`)
        }
      }
      if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new PerceptError('VALIDATION', `Input '${input.name}' needs a shape of non-negative integers, got ${JSON.stringify(shape)}.`)
      }
      const count = shape.reduce((a, b) => a * b, 1)
      if (count !== data.length) {
        throw new PerceptError(
          'VALIDATION',
          `Input '${input.name}' has ${data.length} values but shape ${formatShape(shape)} needs ${count}.`,
        )
      }
      if (input.shape !== null) {
        if (shape.length !== input.shape.length) {
          throw new PerceptError(
            'VALIDATION',
            `Input '${input.name}' must have rank ${input.shape.length} (shape ${formatShape(input.shape)}), got shape ${formatShape(shape)}.`,
          )
        }
        input.shape.forEach((declared, axis) => {
          if (typeof declared === 'number' && declared >= 0 && declared !== shape[axis]) {
            throw new PerceptError(
              'VALIDATION',
              `Input '${input.name}' dimension ${axis} must be ${declared} (shape ${formatShape(input.shape!)}), got shape ${formatShape(shape)}.`,
            )
          }
        })
      }
    }
  }

  /** Runs the model on named inputs and returns every output (or the named ones) by name. */
  async run(feeds: Record<string, OnnxTensor>, outputNames?: readonly string[]): Promise<Record<string, OnnxOutput>> {
    if (this.released) throw new PerceptError('UNAVAILABLE', `The session for ${this.source} was released; open the model again.`)
    this.validateFeeds(feeds)
    const wanted = outputNames ?? this.outputNames
    for (const name of wanted) {
      if (!this.outputNames.includes(name)) {
        throw new PerceptError('VALIDATION', `The model has no output '${name}'; its outputs are ${this.outputNames.map((n) => `'${n}'`).join(', ')}.`)
      }
    }
    const ortFeeds: Record<string, OrtTensor> = {}
    for (const input of this.inputs) {
      const feed = feeds[input.name]!
      const type = input.dtype === 'bool' ? 'bool' : (input.dtype ?? dtypeOfData(feed.data)!)
      ortFeeds[input.name] = new this.ort.Tensor(type as 'float32', feed.data as Float32Array, feed.shape)
    }
    this.inFlight++
    let results: InferenceSession.ReturnType
    try {
      results = await this.session.run(ortFeeds, [...wanted])
    } catch (error) {
      throw new PerceptError('INTERNAL', `onnxruntime failed to run ${this.source}: ${(error as Error).message}`)
    } finally {
      this.inFlight--
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake())
    }
    const outputs: Record<string, OnnxOutput> = {}
    for (const name of wanted) {
      const value = results[name] as OrtTensor
      outputs[name] = { data: value.data as OnnxTensorData, shape: [...value.dims], dtype: value.type }
    }
    return outputs
  }

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    if (this.inFlight > 0) await new Promise<void>((wake) => this.idleWaiters.push(wake))
    await this.session.release()
  }
}

/** Opens a model from a file path or from the bytes of an .onnx file. */
export async function openOnnxSession(source: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxModelSession> {
  const ort = await loadOnnxRuntime()
  const label = typeof source === 'string' ? source : 'an in-memory model'
  if (typeof source === 'string') {
    try {
      const info = await stat(source)
      if (!info.isFile()) throw new PerceptError('NOT_FOUND', `${source} is not a file.`)
    } catch (error) {
      if (error instanceof PerceptError) throw error
      throw new PerceptError('NOT_FOUND', `No ONNX model at ${source}.`)
    }
  }
  // Checked against the alternatives (threads, spinning, arena, inter-op branches) on the reference CNN:
  // see benchOnnx in compute/bench/compute-bench.ts for what was measured and what bounds it.
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpThreads ?? defaultIntraOpThreads(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: options.graphOptimization ?? 'all',
    logSeverityLevel: 3,
  }
  try {
    const session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, sessionOptions)
        : await ort.InferenceSession.create(source, sessionOptions)
    return new OnnxModelSession(ort, session, label)
  } catch (error) {
    throw new PerceptError('VALIDATION', `onnxruntime cannot load ${label}: ${(error as Error).message}`)
  }
}

export interface OnnxSessionCacheOptions extends OnnxSessionOptions {
  /** Sessions kept open at once; the least recently used is released beyond it. Default 4. */
  capacity?: number
}

interface CacheEntry {
  session: Promise<OnnxModelSession>
  /** File identity when loaded: a model replaced on disk is loaded again. */
  stamp: string
}

/**
 * Sessions per model file, least recently used released first. `get` of a file that changed since it was
 * loaded (size or mtime) loads it again. Release is explicit (`release`, `releaseAll`) or by eviction.
 */
export class OnnxSessionCache {
  private readonly entries = new Map<string, CacheEntry>()
  private readonly releasing = new Set<Promise<void>>()
  readonly capacity: number
  private readonly sessionOptions: OnnxSessionOptions

  constructor(options: OnnxSessionCacheOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 4)
    this.sessionOptions = {
      intraOpThreads: options.intraOpThreads ?? defaultIntraOpThreads(),
      graphOptimization: options.graphOptimization ?? 'all',
    }
  }

  get size(): number {
    return this.entries.size
  }

  /** Cached model paths, least recently used first. */
  paths(): string[] {
    return [...this.entries.keys()]
  }

  async get(modelPath: string): Promise<OnnxModelSession> {
    const path = resolve(modelPath)
    let info
    try {
      info = await stat(path)
    } catch {
      await this.release(path)
      throw new PerceptError('NOT_FOUND', `No ONNX model at ${path}.`)
    }
    const stamp = `${info.size}:${info.mtimeMs}`
    const existing = this.entries.get(path)
    if (existing && existing.stamp === stamp) {
      this.entries.delete(path)
      this.entries.set(path, existing)
      return existing.session
    }
    if (existing) await this.release(path)
    const session = openOnnxSession(path, this.sessionOptions)
    const entry: CacheEntry = { session, stamp }
    this.entries.set(path, entry)
    session.catch(() => {
      if (this.entries.get(path) === entry) this.entries.delete(path)
    })
    this.evict()
    return session
  }

  /** Opens (or reuses) the model's session and runs it. */
  async run(modelPath: string, feeds: Record<string, OnnxTensor>, outputNames?: readonly string[]): Promise<Record<string, OnnxOutput>> {
    return (await this.get(modelPath)).run(feeds, outputNames)
  }

  /** Releases one model's session; false when it was not open. */
  async release(modelPath: string): Promise<boolean> {
    const path = resolve(modelPath)
    const entry = this.entries.get(path)
    if (!entry) return false
    this.entries.delete(path)
    await this.releaseEntry(entry)
    return true
  }

  /** Releases every session (on shutdown), including those being evicted. */
  async releaseAll(): Promise<void> {
    const entries = [...this.entries.values()]
    this.entries.clear()
    await Promise.all([...entries.map((e) => this.releaseEntry(e)), ...this.releasing])
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const [oldestPath, oldest] = this.entries.entries().next().value as [string, CacheEntry]
      this.entries.delete(oldestPath)
      const pending = this.releaseEntry(oldest).finally(() => this.releasing.delete(pending))
      this.releasing.add(pending)
    }
  }

  private async releaseEntry(entry: CacheEntry): Promise<void> {
    try {
      await (await entry.session).release()
    } catch {
      // A session that failed to open has nothing to release.
    }
  }
}
