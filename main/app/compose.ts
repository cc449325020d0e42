import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ResourceHandler } from '../api'
import { AudioService } from '../audio/service'
import { workerDecoder } from '../audio/worker-decode'
import { ModelLibrary } from '../compute/model-package'
import { OnnxSessionCache } from '../compute/onnx/onnx-session'
import { SoundService } from '../sound/service'
import { threadClassifier } from '../sound/infer/classify-thread'
import { MriService } from '../mri/service'
import { FacesService, facesUploadDir } from '../faces/service'
import { SpeechService } from '../tts/speech-service'
import { EnhanceService } from '../enhance/enhance-service'
import { workerRunner } from '../mri/worker-client'
import { EventBus } from '../core/event-bus'
import { JobStore } from '../core/job-store'
import { JobRunner } from '../core/jobs/job-runner'
import { locateJobWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'
import { Logger } from '../core/logger'
import { SettingsStore } from '../core/settings-store'
import { Workspace } from '../core/workspace'
import { placesFor, WriteTargets } from '../core/write-target'
import { resolveWorkspaceHome } from '../core/workspace-home'
import { createHandlers } from './handlers'
import { jobKinds } from './job-kinds'
import { createResourceHandler } from './resources'
import { Router, type Door } from './router'
import { bundledModelsDir } from './bundled-models'

export interface PerceptOptions {
  door: Door
  /** The door's preferred workspace folder (Electron's userData); PERCEPT_HOME still wins. */
  proposedHome?: string
  sqliteBinding?: string
  /** Where job workers start; by default job-worker.js beside the built app, or job-worker.ts via tsx from sources. */
  jobWorker?: JobWorkerEntry
  /** Where audio threads start, opening and classifying sounds (default: audio-worker beside the built app, as for jobWorker). */
  audioWorker?: JobWorkerEntry
  /** Where MRI threads start (default: mri-worker beside the built app). */
  mriWorker?: JobWorkerEntry
  /** Take up jobs left queued by the last session (the app does; a CLI that only looks does not). Default true. */
  runQueuedJobs?: boolean
}

export interface PerceptApp {
  router: Router
  /** Binary resources under res/ (both doors serve them). */
  resources: ResourceHandler
  events: EventBus
  log: Logger
  workspace: Workspace
  jobs: JobRunner
  close(): void
}

/** The composition root: every service is created here and handed down, never reached through a global. */
export function createPercept(options: PerceptOptions): PerceptApp {
  const events = new EventBus()
  const log = new Logger(events)
  const workspace = Workspace.open({
    home: resolveWorkspaceHome(options.proposedHome),
    door: options.door,
    sqliteBinding: options.sqliteBinding,
  })
  const settings = new SettingsStore(workspace, events)
  const jobs = new JobStore(workspace)
  const interrupted = jobs.markInterrupted()
  if (interrupted) log.warn(`${interrupted} job(s) were running when the app last stopped; they can be resumed.`)
  const runner = new JobRunner({
    workspace,
    events,
    log: log.child('jobs'),
    kinds: jobKinds,
    worker: options.jobWorker ?? locateJobWorker(import.meta.url),
  })
  if (options.runQueuedJobs !== false) runner.restoreQueue()
  // One set of write rules for every method that writes where its caller says.
  const writeTargets = new WriteTargets(placesFor(workspace.home))
  const models = new ModelLibrary(workspace.folder('models'), events, writeTargets, bundledModelsDir())
  const audioCache = join(workspace.folder('cache'), 'audio')
  mkdirSync(audioCache, { recursive: true })
  const audioWorker = options.audioWorker ?? locateJobWorker(import.meta.url, 'audio-worker')
  const audio = new AudioService({
    settings,
    uploadDir: join(workspace.folder('datasets'), 'dropped'),
    cacheDir: audioCache,
    decode: workerDecoder(audioWorker),
    writeTargets,
    editorStateFile: join(workspace.home, 'sound-editor.json'),
    warn: (message) => log.warn(message),
  })
  const sessions = new OnnxSessionCache()
  const sound = new SoundService({ audio, modelsDir: workspace.folder('models'), bundledDir: bundledModelsDir(), sessions, classify: threadClassifier(audioWorker), training: { jobs: runner, runsDir: workspace.folder('runs') } })
  const mri = new MriService({
    settings,
    events,
    uploadDir: join(workspace.folder('datasets'), 'dropped'),
    run: workerRunner(options.mriWorker ?? locateJobWorker(import.meta.url, 'mri-worker')),
    writeTargets,
    modelsDir: workspace.folder('models'),
    bundledDir: bundledModelsDir(),
  })
  const faces = new FacesService({ workspace, jobs: runner, uploadDir: facesUploadDir(workspace.folder('datasets')) })
  const speech = new SpeechService({ jobs: runner, models, runsDir: workspace.folder('runs'), writeTargets })
  const enhance = new EnhanceService({ jobs: runner, models, runsDir: workspace.folder('runs'), datasetsDir: workspace.folder('datasets') })
  const router = new Router(createHandlers({ workspace, settings, jobs: runner, models, audio, sound, mri, faces, speech, enhance }), events, log.child('router'))
  const resources = createResourceHandler(
    { audio: (request) => audio.resource(request), mri: (request) => mri.resource(request), faces: (request) => faces.resource(request), speech: (request) => speech.resource(request), enhance: (request) => enhance.resource(request) },
    log.child('resources'),
  )
  log.info(`workspace ${workspace.home} (schema ${workspace.schemaVersion}) opened by ${options.door}`)
  return {
    router,
    resources,
    events,
    log,
    workspace,
    jobs: runner,
    close: () => {
      // Marks running jobs interrupted synchronously, then ends their workers; the database can close now.
      void runner.shutdown()
      audio.dispose()
      void sessions.releaseAll()
      workspace.close()
    },
  }
}
