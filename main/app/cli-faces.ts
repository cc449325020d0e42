import { type Command, InvalidArgumentError } from 'commander'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { PerceptError } from '../core/errors'
import { decodeNpyFloat64 } from '../dsp/features/npy'
import { evaluatePie, type EvalResult } from '../faces/evaluate'
import { readFaceDataset } from '../faces/face-dataset'
import { CANONICAL_CROP } from '../faces/face-shape'
import { writePieSet } from '../faces/fixtures/pie-set'
import { fromRowMajor, type Matrix } from '../faces/linear-algebra'
import { orthogonalMatchingPursuit } from '../faces/omp'
import { projectionResidual } from '../faces/projection'
import { parseResolution, type Resolution } from '../faces/resolution'

function whole(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.')
  return n
}

function integerList(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()))
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('expected whole numbers from 0 separated by commas, e.g. 0,7,14.')
  return list
}

const print = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n')

/** A float .npy file's values, refused unless finite and of the given rank; the name is for messages. */
async function readArray(path: string, flag: string, rank: 1 | 2): Promise<{ data: Float64Array; shape: number[] }> {
  const bytes = await readFile(resolve(path)).catch(() => {
    throw new PerceptError('VALIDATION', `${flag} ${path}: no such readable file.`)
  })
  const array = decodeNpyFloat64(bytes)
  const { shape } = array
  const ok = rank === 2 ? shape.length === 2 : shape.length === 1 || (shape.length === 2 && shape[1] === 1)
  if (!ok) {
    const want = rank === 2 ? 'a 2-D array of shape (dim, atoms), one atom per column' : 'a vector of shape (dim,) or (dim, 1)'
    throw new PerceptError('VALIDATION', `${flag} ${basename(path)} has shape (${shape.join(', ')}); it must be ${want}.`)
  }
  if (array.data.length === 0) throw new PerceptError('VALIDATION', `${flag} ${basename(path)} is empty.`)
  if (array.data.some((v) => !Number.isFinite(v))) throw new PerceptError('VALIDATION', `${flag} ${basename(path)} holds NaN or infinite values.`)
  return array
}

async function readDictionaryAndVector(dictPath: string, vectorPath: string, vectorFlag: string): Promise<{ dictionary: Matrix; y: Float64Array }> {
  const [dict, vector] = await Promise.all([readArray(dictPath, '--dict', 2), readArray(vectorPath, vectorFlag, 1)])
  const [dim, atoms] = dict.shape as [number, number]
  if (vector.data.length !== dim) {
    throw new PerceptError('VALIDATION', `${vectorFlag} has ${vector.data.length} values but the dictionary's atoms (its columns) have ${dim}: the dictionary must be of shape (dim, atoms).`)
  }
  return { dictionary: fromRowMajor(dict.data, dim, atoms), y: vector.data }
}

function formatEval(result: EvalResult): string {
  const lines = ['RESOLUTION  METHOD      RANK-1   RANK-5   RANK-10']
  for (const { resolution, methods } of result.resolutions) {
    for (const { method, rank1, cmc } of methods) {
      const at = (k: number): string => `${(100 * cmc[Math.min(k, cmc.length) - 1]!).toFixed(1)}%`.padStart(7)
      lines.push(`${resolution.padEnd(10)}  ${method.padEnd(10)}  ${`${(100 * rank1).toFixed(1)}%`.padStart(6)}  ${at(5)}  ${at(10)}`)
    }
  }
  return lines.join('\n') + '\n'
}

/** `percept faces ...`: low-resolution face recognition (SLRFR, paper 004) from the command line; no workspace needed. */
export function registerFacesCommands(program: Command): Command {
  const faces = program.command('faces').description('low-resolution face recognition (SLRFR): evaluation on face folders, OMP, projection residuals, synthetic faces (the gallery is coming)')
  faces
    .command('eval')
    .description('the PIE protocol: for each gallery index g, image g of every person is the gallery and all the others are probes')
    .requiredOption('--dataset <dir>', 'one folder per person of aligned face images (PNG or JPEG, any size), files sorted by name')
    .requiredOption('--resolutions <list>', 'probe resolutions HEIGHTxWIDTH, e.g. 7x6,10x8,12x10')
    .option('--gallery-images <list>', 'gallery indices, e.g. 0,7,14 (default: every index)', integerList)
    .option('--json', 'print JSON')
    .action(async (opts: { dataset: string; resolutions: string; galleryImages?: number[]; json?: boolean }) => {
      const resolutions: Resolution[] = opts.resolutions.split(',').map((r) => parseResolution(r, CANONICAL_CROP))
      const dataset = await readFaceDataset(resolve(opts.dataset))
      const result = evaluatePie(dataset.people, {
        resolutions,
        ...(opts.galleryImages ? { galleryImages: opts.galleryImages } : {}),
        onProgress: opts.json ? undefined : (line) => process.stderr.write(line + '\n'),
      })
      if (opts.json) return print(result)
      process.stdout.write(formatEval(result))
    })
  faces
    .command('omp')
    .description('orthogonal matching pursuit of a signal on a dictionary whose columns are unit-length atoms')
    .requiredOption('--dict <file>', '.npy of shape (dim, atoms)')
    .requiredOption('--signal <file>', '.npy of shape (dim,)')
    .requiredOption('--sparsity <T>', 'the most atoms to use', whole)
    .option('--json', 'print JSON')
    .action(async (opts: { dict: string; signal: string; sparsity: number; json?: boolean }) => {
      const { dictionary, y } = await readDictionaryAndVector(opts.dict, opts.signal, '--signal')
      if (opts.sparsity < 1 || opts.sparsity > dictionary.cols) {
        throw new PerceptError('VALIDATION', `--sparsity is from 1 to the number of atoms (${dictionary.cols}); got ${opts.sparsity}.`)
      }
      const { support, coefficients, residualNorm } = orthogonalMatchingPursuit(dictionary, y, opts.sparsity)
      const result = { support, coefficients: Array.from(coefficients), residualNorm }
      if (opts.json) return print(result)
      process.stdout.write(`Support       ${support.join(', ') || '(none)'}\nCoefficients  ${support.map((a) => `${a}: ${coefficients[a]!.toPrecision(6)}`).join(', ')}\nResidual      ${residualNorm.toPrecision(6)}\n`)
    })
  faces
    .command('residual')
    .description('||(I - P) y|| for the orthogonal projector P onto the span of the dictionary\'s columns (equations 6-8)')
    .requiredOption('--dict <file>', '.npy of shape (dim, atoms)')
    .requiredOption('--probe <file>', '.npy of shape (dim,)')
    .option('--json', 'print JSON')
    .action(async (opts: { dict: string; probe: string; json?: boolean }) => {
      const { dictionary, y } = await readDictionaryAndVector(opts.dict, opts.probe, '--probe')
      const { residualNorm } = projectionResidual(dictionary, y)
      if (opts.json) return print({ residualNorm })
      process.stdout.write(`Residual ${residualNorm.toPrecision(6)}\n`)
    })
  faces
    .command('fixture <dir>')
    .description('write a synthetic PIE-like set: one folder per person of 21 Lambertian face images (48x40 grey PNG) under 21 lights')
    .option('--people <n>', 'number of people', whole, 68)
    .option('--seed <s>', 'seed (the same seed gives the same faces)', whole, 1)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { people: number; seed: number; json?: boolean }) => {
      const summary = await writePieSet(resolve(dir), { people: opts.people, seed: opts.seed })
      if (opts.json) return print(summary)
      process.stdout.write(`${summary.dir}: ${summary.people} people x ${summary.imagesPerPerson} images of ${summary.height}x${summary.width}, seed ${summary.seed}\n`)
    })
  return program
}
