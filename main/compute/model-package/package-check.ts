/** Runs a package once on a sample input and reports shapes, timing and whether the outputs are finite. */
import { performance } from 'node:perf_hooks'
import type { ModelCheckReport, ModelTensorSpec } from '../../api/models'
import { PerceptError } from '../../core/errors'
import { seededRandom } from '../seeded-random'
import { openOnnxSession, type OnnxSessionOptions, type OnnxTensor, type OnnxTensorData } from '../onnx/onnx-session'
import { readModelPackage } from './package-files'
import { metaMismatches } from './package-verify'

export interface CheckOptions extends OnnxSessionOptions {
  /** Sample input: zeros, or seeded uniform values in [-1, 1) (integers: zeros). Default 'random'. */
  fill?: 'zeros' | 'random'
  seed?: number
  /** Sizes for symbolic dimensions by name (e.g. { N: 2 }); others become 1. */
  dims?: Record<string, number>
}

/**
 * The largest sample input made (64 Mi values, 512 MiB as float64): a check needs no more, and a larger
 * declared shape would only exhaust memory.
 */
const MAX_SAMPLE_VALUES = 2 ** 26

function sampleTensor(spec: ModelTensorSpec, index: number, fill: 'zeros' | 'random', next: () => number, dims: Record<string, number>): OnnxTensor {
  const shape = spec.shape.map((d) => (typeof d === 'number' ? d : (dims[d] ?? 1)))
  const count = shape.reduce((a, b) => a * b, 1)
  if (!(count <= MAX_SAMPLE_VALUES)) {
    throw new PerceptError(
      'VALIDATION',
      `model.json declares input ${index + 1} with ${count} values (its shape multiplied out); a check runs the model on at most ${MAX_SAMPLE_VALUES}. Declare the sizes the model really takes.`,
    )
  }
  let data: OnnxTensorData
  switch (spec.dtype) {
    case 'float32':
      data = new Float32Array(count)
      break
    case 'float64':
      data = new Float64Array(count)
      break
    case 'int32':
      data = new Int32Array(count)
      break
    case 'int64':
      data = new BigInt64Array(count)
      break
    case 'int8':
      data = new Int8Array(count)
      break
    case 'uint8':
    case 'bool':
      data = new Uint8Array(count)
      break
  }
  if (fill === 'random' && (data instanceof Float32Array || data instanceof Float64Array)) {
    for (let i = 0; i < count; i++) data[i] = next() * 2 - 1
  }
  return { data, shape }
}

function summarise(data: OnnxTensorData): { finite: boolean; min: number | null; max: number | null } {
  let finite = true
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i])
    if (!Number.isFinite(v)) {
      finite = false
      continue
    }
    if (v < min) min = v
    if (v > max) max = v
  }
  return { finite, min: min === Infinity ? null : min, max: max === -Infinity ? null : max }
}

function matchesDeclared(shape: readonly number[], declared: readonly (number | string)[]): boolean {
  return shape.length === declared.length && declared.every((d, i) => typeof d !== 'number' || d === shape[i])
}

/**
 * Loads the package's model, runs it once on a sample input of the declared shapes (symbolic dims 1 unless
 * given), and reports output shapes, load and run time, finiteness and value range. Problems (mismatched
 * declaration, failed run, NaN or infinite outputs, unexpected shapes) make `ok` false; a folder that is not
 * a package throws.
 */
export async function checkModelPackage(dir: string, options: CheckOptions = {}): Promise<ModelCheckReport> {
  const pkg = await readModelPackage(dir)
  const fill = options.fill ?? 'random'
  const next = seededRandom(options.seed ?? 1)
  const dims = options.dims ?? {}
  const feeds: Record<string, OnnxTensor> = {}
  pkg.meta.inputs.forEach((spec, index) => (feeds[spec.name] = sampleTensor(spec, index, fill, next, dims)))
  const inputs = pkg.meta.inputs.map((spec) => ({ name: spec.name, shape: feeds[spec.name]!.shape, dtype: spec.dtype }))

  const loadStart = performance.now()
  const session = await openOnnxSession(pkg.onnxPath, options)
  const loadMs = performance.now() - loadStart
  const problems = metaMismatches(pkg.meta, session)
  const report: ModelCheckReport = { ok: false, loadMs, runMs: 0, inputs, outputs: [], problems }
  try {
    if (problems.length) return report
    const runStart = performance.now()
    let results
    try {
      results = await session.run(feeds)
    } catch (error) {
      problems.push(`running the model failed: ${error instanceof PerceptError ? error.message : String(error)}`)
      return report
    }
    report.runMs = performance.now() - runStart
    for (const spec of pkg.meta.outputs) {
      const out = results[spec.name]!
      const stats = summarise(out.data)
      const matches = matchesDeclared(out.shape, spec.shape)
      report.outputs.push({ name: spec.name, shape: out.shape, dtype: out.dtype, ...stats, matchesDeclared: matches })
      if (!stats.finite) problems.push(`output '${spec.name}' has NaN or infinite values`)
      if (!matches) problems.push(`output '${spec.name}' has shape [${out.shape.join(', ')}], declared [${spec.shape.join(', ')}]`)
    }
    report.ok = problems.length === 0
    return report
  } finally {
    await session.release()
  }
}
