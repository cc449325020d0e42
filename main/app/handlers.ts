import type { AppInfo } from '../api'
import { backendNotes, probeBackends } from '../compute/backend'
import { onnxRuntimeVersion } from '../compute/onnx-runtime'
import type { AudioService } from '../audio/service'
import type { SoundService } from '../sound/service'
import type { MriService } from '../mri/service'
import type { FacesService } from '../faces/service'
import type { SpeechService } from '../tts/speech-service'
import type { EnhanceService } from '../enhance/enhance-service'
import type { ModelLibrary } from '../compute/model-package'
import { listFolder } from '../core/file-browser'
import type { JobRunner } from '../core/jobs/job-runner'
import type { SettingsStore } from '../core/settings-store'
import type { Workspace } from '../core/workspace'
import { appMeta } from './app-meta'
import type { Door, Handlers } from './router'

/** Facts about this installation that need no workspace: what `percept info` prints. */
export async function collectAppInfo(workspace: string, door: Door): Promise<AppInfo> {
  const [backends, onnxruntime] = await Promise.all([probeBackends(), onnxRuntimeVersion()])
  return {
    name: appMeta.name,
    version: appMeta.version,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    onnxruntime,
    tfBackends: backends.available,
    tfBackend: backends.available[0] ?? null,
    tfBackendNotes: backendNotes(backends),
    workspace,
    door,
  }
}

export interface Services {
  workspace: Workspace
  settings: SettingsStore
  jobs: JobRunner
  models: ModelLibrary
  audio: AudioService
  sound: SoundService
  mri: MriService
  faces: FacesService
  speech: SpeechService
  enhance: EnhanceService
}

export function createHandlers({ workspace, settings, jobs, models, audio, sound, mri, faces, speech, enhance }: Services): Handlers {
  return {
    'app.info': (_input, context) => collectAppInfo(workspace.home, context.door),
    'workspace.info': () => ({
      path: workspace.home,
      schemaVersion: workspace.schemaVersion,
      folders: {
        datasets: workspace.folder('datasets'),
        models: workspace.folder('models'),
        runs: workspace.folder('runs'),
        cache: workspace.folder('cache'),
      },
    }),
    'settings.get': ({ key }) => ({ key, value: settings.get(key) }),
    'settings.set': ({ key, value }) => ({ key, value: settings.set(key, value) }),
    'jobs.list': ({ states }) => jobs.list(states),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.start': ({ kind, input }) => jobs.start(kind, input),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'jobs.resume': ({ id }) => jobs.resume(id),
    'jobs.logs': ({ id, after, limit }) => ({ lines: jobs.logs(id, after, limit) }),
    'jobs.metrics': ({ id }) => ({ series: jobs.metrics(id) }),
    'audio.open': ({ path, reuse }) => audio.open(path, reuse),
    'audio.close': ({ id }) => audio.close(id),
    'audio.export': (input) => audio.export(input),
    'audio.labels.read': ({ path }) => audio.readLabels(path),
    'audio.labels.write': ({ path, labels }) => audio.writeLabels(path, labels),
    'audio.editor.get': () => audio.editorState(),
    'audio.editor.save': ({ state }) => audio.saveEditorState(state),
    'audio.recent': () => audio.recent(),
    'audio.spectrogram.probe': (input) => audio.probeSpectrogram(input),
    'sound.classifiers': ({ id }) => sound.classifiers(id),
    'sound.classify': (input) => sound.classify(input),
    'sound.presets': () => sound.presets(),
    'sound.dataset': ({ path }) => sound.dataset(path),
    'sound.trainingRuns': () => sound.training.runs(),
    'sound.trainingReport': ({ id }) => sound.training.report(id),
    'sound.experiments': () => sound.training.experiments(),
    'sound.startExperiment': (input) => sound.training.start(input),
    'models.list': () => models.list(),
    'models.get': ({ id }) => models.get(id),
    'models.import': ({ path }) => models.import(path),
    'models.export': ({ id, path, as }) => models.export(id, path, as),
    'models.delete': ({ id }) => models.delete(id),
    'models.check': ({ id }) => models.check(id),
    'files.list': (input) => listFolder(input, workspace.home),
    'mri.open': (input) => mri.open(input),
    'mri.series': ({ path }) => mri.series(path),
    'mri.close': ({ id }) => mri.close(id),
    'mri.meshes': (input) => mri.meshes(input),
    'mri.cancelMeshes': ({ id }) => mri.cancelMeshes(id),
    'mri.dice': ({ a, b }) => mri.dice(a, b),
    'mri.exportLabels': ({ id, path }) => mri.exportLabels(id, path),
    'mri.exportMeshes': (input) => mri.exportMeshes(input),
    'mri.recent': () => mri.recent(),
    'mri.segmentationModels': () => mri.segmentationModels(),
    'mri.segment': (input) => mri.segment(input),
    'mri.cancelSegment': ({ id }) => mri.cancelSegment(id),
    'mri.saveSegmentation': (input) => mri.saveSegmentation(input),
    'faces.people': ({ search }) => faces.people(search),
    'faces.person': ({ id }) => faces.person(id),
    'faces.createPerson': ({ name }) => faces.createPerson(name),
    'faces.renamePerson': ({ id, name }) => faces.renamePerson(id, name),
    'faces.mergePeople': ({ source, target }) => faces.mergePeople(source, target),
    'faces.undoMerge': ({ id }) => faces.undoMerge(id),
    'faces.splitPerson': ({ id, photoIds, name }) => faces.splitPerson(id, photoIds, name),
    'faces.deletePerson': ({ id }) => faces.deletePerson(id),
    'faces.inbox': () => faces.inbox(),
    'faces.assignPhoto': ({ photoId, personId }) => faces.assignPhoto(photoId, personId),
    'faces.importPhotos': (input) => faces.importPhotos(input),
    'faces.detectPhotos': (input) => faces.detectPhotos(input),
    'faces.detection': ({ job }) => faces.detection(job),
    'faces.relit': ({ photoId }) => faces.relit(photoId),
    'faces.identify': (input) => faces.identify(input),
    'faces.evaluate': (input) => faces.evaluate(input),
    'speech.voices': () => speech.voices(),
    'speech.synthesize': (input) => speech.synthesize(input),
    'speech.synthesis': ({ job }) => speech.synthesis(job),
    'speech.listening.tests': () => speech.listeningTests(),
    'speech.listening.prepare': (input) => speech.prepareListening(input),
    'speech.listening.begin': ({ test, listener }) => speech.begin(test, listener),
    'speech.listening.rate': ({ test, listener, trial, ratings }) => speech.rate(test, listener, trial, ratings),
    'speech.listening.summary': ({ test, screen }) => speech.summary(test, screen),
    'speech.listening.export': ({ test, path }) => speech.exportCsv(test, path),
    'enhance.models': () => enhance.models(),
    'enhance.mixture': (input) => enhance.mixture(input),
    'enhance.run': (input) => enhance.run(input),
    'enhance.result': ({ job }) => enhance.result(job),
    'enhance.train': (input) => enhance.train(input),
    'enhance.compare': (input) => enhance.compare(input),
  }
}


