import { runJobWorker } from '../core/jobs/worker-host'
import { jobKinds } from './job-kinds'

/**
 * The entry of every job worker thread: built to out/main/job-worker.js (see electron.vite.config.ts),
 * run from this source through tsx in development and tests. workerData names the kind to run.
 */
runJobWorker(jobKinds)
