/** Reading and writing a model package folder: model.onnx, model.json, card.md. */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { modelMetaSchema, type ModelMeta, type ModelPackageSummary } from '../../api/models'
import { syncDirectory, writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'

export const MODEL_FILE = 'model.onnx'
export const META_FILE = 'model.json'
export const CARD_FILE = 'card.md'

export interface ModelPackageContents {
  /** The bytes of model.onnx. */
  onnx: Uint8Array
  meta: ModelMeta
  /** Markdown model card; default: one generated from `meta` (see `defaultModelCard`). */
  card?: string
}

export interface ModelPackage {
  dir: string
  /** The folder's name: the package's id inside a models folder. */
  id: string
  meta: ModelMeta
  card: string | null
  onnxPath: string
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  )
}

const maxIssuesInMessage = 5
const maxIssuesInDetails = 100

/** Validates model.json content; a schema problem names the path in the JSON (`inputs[0].shape[1]`). */
export function parseModelMeta(value: unknown, where = META_FILE): ModelMeta {
  const result = modelMetaSchema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({
    path: issuePath(issue.path) || '(root)',
    message: issue.message,
  }))
  // A hostile file can have thousands of problems: the message names the first few, details keep them all.
  const shown = issues.slice(0, maxIssuesInMessage).map((i) => `${i.path}: ${i.message}`)
  if (issues.length > maxIssuesInMessage) shown.push(`and ${issues.length - maxIssuesInMessage} more`)
  throw new PerceptError('VALIDATION', `${where} does not match the model.json schema: ${shown.join('; ')}`, {
    issues: issues.slice(0, maxIssuesInDetails),
  })
}

/** Parses model.json text: invalid JSON and schema problems both become VALIDATION errors that say where. */
export function parseModelMetaText(text: string, where = META_FILE): ModelMeta {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // The engine's message quotes the text around the fault; say only where it is.
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new PerceptError('VALIDATION', `${where} is not valid JSON${at ? ` (the first fault is at character ${at})` : ''}: fix or replace it.`)
  }
  return parseModelMeta(value, where)
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

/** A plain model card from model.json, for packages made without one. */
export function defaultModelCard(meta: ModelMeta): string {
  const lines = [`# ${meta.name}`, '', meta.description ?? `A ${meta.task} model.`, '', '## Inputs', '']
  for (const input of meta.inputs) lines.push(`- \`${input.name}\`: ${input.dtype} ${formatShape(input.shape)}${input.description ? `, ${input.description}` : ''}`)
  lines.push('', '## Outputs', '')
  for (const output of meta.outputs) lines.push(`- \`${output.name}\`: ${output.dtype} ${formatShape(output.shape)}${output.description ? `, ${output.description}` : ''}`)
  if (meta.labels?.length) lines.push('', '## Labels', '', meta.labels.map((l) => `\`${l}\``).join(', '))
  lines.push('', '## Provenance', '')
  const p = meta.provenance
  lines.push(`- Created: ${p.createdAt}`)
  if (p.framework) lines.push(`- Framework: ${p.framework}`)
  if (p.dataset) lines.push(`- Dataset: ${p.dataset}`)
  if (p.runId) lines.push(`- Run: ${p.runId}`)
  for (const [name, value] of Object.entries(p.metrics ?? {})) lines.push(`- ${name}: ${value}`)
  return lines.join('\n') + '\n'
}

/** A fresh hidden folder beside `target`, on the same file system so it can be renamed into place. */
export async function stagingDirBeside(target: string): Promise<string> {
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  await mkdir(staging, { recursive: true })
  return staging
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * Renames a finished staging folder to `dir`. An existing `dir` (`replace`) is moved aside first and
 * removed after the swap, and put back if the swap fails, so `dir` is always a whole folder, old or new.
 */
export async function renameIntoPlace(staging: string, dir: string, replace: boolean): Promise<void> {
  if (replace) {
    const aside = `${staging}.old`
    await rename(dir, aside)
    try {
      await rename(staging, dir)
    } catch (error) {
      await rename(aside, dir)
      throw error
    }
    await rm(aside, { recursive: true, force: true })
  } else {
    await rename(staging, dir)
  }
  syncDirectory(dirname(dir))
}

/**
 * Writes a package folder atomically: the files go into a temp folder beside `dir`, which is renamed to `dir`
 * once complete, so a reader never sees half a package. Refuses to replace an existing folder unless
 * `overwrite` is set (then the old one is moved aside and removed after the swap).
 */
export async function writeModelPackage(
  dir: string,
  contents: ModelPackageContents,
  options: { overwrite?: boolean } = {},
): Promise<ModelPackage> {
  const meta = parseModelMeta(contents.meta)
  if (!(contents.onnx instanceof Uint8Array) || contents.onnx.length === 0) {
    throw new PerceptError('VALIDATION', 'The package needs the bytes of an ONNX model.')
  }
  const exists = await pathExists(dir)
  if (exists && !options.overwrite) {
    throw new PerceptError('VALIDATION', `${dir} already exists; remove it or write the package elsewhere.`)
  }
  await mkdir(dirname(dir), { recursive: true })
  const card = contents.card ?? defaultModelCard(meta)
  const staging = await stagingDirBeside(dir)
  try {
    await writeFileAtomic(join(staging, MODEL_FILE), contents.onnx)
    await writeFileAtomic(join(staging, META_FILE), JSON.stringify(meta, null, 2) + '\n')
    await writeFileAtomic(join(staging, CARD_FILE), card)
    await renameIntoPlace(staging, dir, exists)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error instanceof PerceptError ? error : new PerceptError('INTERNAL', `Cannot write the package ${dir}: ${(error as Error).message}`)
  }
  return { dir, id: basename(dir), meta, card, onnxPath: join(dir, MODEL_FILE) }
}

/** Reads and validates a package folder (model.json against the schema, model.onnx present). */
export async function readModelPackage(dir: string): Promise<ModelPackage> {
  let info
  try {
    info = await stat(dir)
  } catch {
    throw new PerceptError('NOT_FOUND', `No model package at ${dir}.`)
  }
  if (!info.isDirectory()) throw new PerceptError('VALIDATION', `${dir} is not a folder; a model package is a folder (or a .zip to import).`)
  let metaText: string
  try {
    metaText = await readFile(join(dir, META_FILE), 'utf8')
  } catch {
    throw new PerceptError('VALIDATION', `${dir} has no ${META_FILE}; a model package needs ${MODEL_FILE}, ${META_FILE} and ${CARD_FILE}.`)
  }
  const meta = parseModelMetaText(metaText, join(dir, META_FILE))
  const onnxPath = join(dir, MODEL_FILE)
  const onnxInfo = await stat(onnxPath).catch(() => null)
  if (!onnxInfo?.isFile()) throw new PerceptError('VALIDATION', `${dir} has no ${MODEL_FILE}.`)
  const card = await readFile(join(dir, CARD_FILE), 'utf8').catch(() => null)
  return { dir, id: basename(dir), meta, card, onnxPath }
}

/** Every valid package in a models folder (hidden and invalid folders skipped), sorted by id. */
export async function listModelPackages(modelsDir: string): Promise<ModelPackageSummary[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => [])
  const summaries: ModelPackageSummary[] = []
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    try {
      const pkg = await readModelPackage(join(modelsDir, entry.name))
      summaries.push({ id: pkg.id, dir: pkg.dir, meta: pkg.meta })
    } catch {
      // Not a package (or a broken one): importing reports why; listing skips it.
    }
  }
  return summaries.sort((a, b) => a.id.localeCompare(b.id))
}
