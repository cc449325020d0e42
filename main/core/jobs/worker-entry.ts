import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { PerceptError } from '../errors'
import type { WorkerStart } from './protocol'

/** Where a job's worker thread starts, chosen by the composition root. */
export interface JobWorkerEntry {
  /** The worker script: a built .js file, or a .ts source file when loader is 'tsx'. */
  url: URL
  /** 'tsx': run the TypeScript source through tsx (development and tests; tsx is a devDependency). */
  loader?: 'tsx'
  /** Optional V8 heap limits for each worker, so a runaway job fails alone instead of taking the app down. */
  resourceLimits?: { maxOldGenerationSizeMb?: number }
}

/**
 * The job worker beside the calling module: `job-worker.ts` through tsx when the caller is itself a
 * TypeScript source (tests, tsx), else the built `job-worker.js` in the same folder or the one above
 * (the bundler may put the caller in a chunks/ folder beside the entries).
 */
export function locateJobWorker(callerUrl: string, name = 'job-worker'): JobWorkerEntry {
  const caller = fileURLToPath(callerUrl)
  if (caller.endsWith('.ts')) return { url: new URL(`./${name}.ts`, callerUrl), loader: 'tsx' }
  const here = dirname(caller)
  const candidates = [join(here, `${name}.js`), join(here, '..', `${name}.js`)]
  // A missing file is reported when a job starts (spawnJobWorker), not here: the app still opens without it.
  return { url: pathToFileURL(candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!) }
}

let tsxApiUrl: string | null = null

/** tsx's ESM API, found through its package.json so that neither cwd nor a bundler changes the answer. */
function tsxApi(): string {
  if (tsxApiUrl) return tsxApiUrl
  const requireHere = createRequire(import.meta.url)
  let packageJson: string
  try {
    packageJson = requireHere.resolve('tsx/package.json')
  } catch {
    throw new PerceptError('UNAVAILABLE', 'Running job workers from TypeScript sources needs the tsx devDependency: run `npm install`.')
  }
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>
  }
  const relative = pkg.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs'
  tsxApiUrl = pathToFileURL(join(dirname(packageJson), relative)).href
  return tsxApiUrl
}

/** Starts one job's worker thread. */
export function spawnJobWorker(entry: JobWorkerEntry, start: WorkerStart): Worker {
  return spawnWorker(entry, start)
}

/** Starts a worker thread from `entry` (built .js, or TypeScript through tsx) with `workerData`. */
export function spawnWorker(entry: JobWorkerEntry, workerData: unknown): Worker {
  const options = { workerData, resourceLimits: entry.resourceLimits, stdout: false, stderr: false }
  if (entry.loader !== 'tsx') {
    if (entry.url.protocol === 'file:' && !existsSync(fileURLToPath(entry.url))) {
      throw new PerceptError(
        'UNAVAILABLE',
        `The worker ${fileURLToPath(entry.url)} is missing: the build is incomplete. Rebuild with \`npm run build\`.`,
      )
    }
    return new Worker(entry.url, options)
  }
  // Node 20 does not apply --import hooks to a worker's own entry, so the worker registers tsx first.
  const bootstrap =
    `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); ` +
    `return import(${JSON.stringify(entry.url.href)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
