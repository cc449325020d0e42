import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EnhanceComparison, EnhanceDemoMixture, EnhanceModelInfo, EnhanceModelKind, EnhanceResult, JobSummary } from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { fetchBytes } from '../../../lib/resources'
import { useAppStore } from '../../../stores/app'
import { emptyTab, maxTabs, type TabVersion } from '../../sound/lib/editor-tabs'
import { useSoundEditorStore } from '../../sound/stores/sound-editor'
import { parseMaskNpy, type MaskArray } from '../lib/mask-image'

const finished = (state: string): boolean => state === 'done' || state === 'failed' || state === 'cancelled' || state === 'interrupted'

/** The train job's report as the tab shows it (train/train-job.ts' EnhanceTrainReport, the parts used). */
export interface TrainSummary {
  model: EnhanceModelKind
  modelId: string | null
  epochs: number
  layers: string[]
  history: { epoch: number; train: { f1: number; accuracy: number; eventRates: number[] }; proxy: { f1: number; accuracy: number } | null }[]
  firingRateArea: { train: Record<string, number> }
}

/**
 * The Enhancement tab: the clip and its references (picked in the file browser, or a demo mixture made from
 * the fixture corpus), the model and mask kind, the enhance.run job followed live, and once done its
 * versions opened as one tab of the waveform editor (noisy, enhanced, the other models', clean, IBM oracle:
 * switchable at the same playhead, loudness-matched), its masks fetched as arrays for the images; plus
 * training (enhance.train) and comparing (enhance.eval) as jobs.
 */
export const useSpeechEnhanceStore = defineStore('speechEnhance', () => {
  const api = useApi()
  const app = useAppStore()
  const editor = useSoundEditorStore()

  const models = shallowRef<EnhanceModelInfo[]>([])
  const modelsLoaded = ref(false)
  const modelId = ref<string | null>(null)
  const maskKind = ref<'soft' | 'binary'>('soft')
  const compare = ref(true)
  const noisy = ref<string | null>(null)
  const lips = ref<string | null>(null)
  const clean = ref<string | null>(null)
  const noise = ref<string | null>(null)

  const demoSnr = ref(0)
  const demoNoise = ref<'babble' | 'bus' | 'cafe' | 'street' | 'pedestrian'>('cafe')
  const demoJob = shallowRef<JobSummary | null>(null)
  const demo = shallowRef<EnhanceDemoMixture | null>(null)

  const job = shallowRef<JobSummary | null>(null)
  const result = shallowRef<EnhanceResult | null>(null)
  const masks = shallowRef<Record<string, MaskArray>>({})
  const error = ref<string | null>(null)
  const tabKey = ref<string | null>(null)

  const trainDataset = ref<string | null>(null)
  const trainModel = ref<EnhanceModelKind>('unimodal')
  const trainEpochs = ref(3)
  const trainJob = shallowRef<JobSummary | null>(null)
  const trained = shallowRef<TrainSummary | null>(null)
  const trainError = ref<string | null>(null)

  const compareDataset = ref<string | null>(null)
  const compareModels = ref<string[]>([])
  const compareJob = shallowRef<JobSummary | null>(null)
  const comparison = shallowRef<EnhanceComparison | null>(null)
  const compareError = ref<string | null>(null)

  let stopFollowing: (() => void) | null = null

  const model = computed(() => models.value.find((m) => m.id === modelId.value) ?? null)
  const running = computed(() => job.value !== null && !finished(job.value.state))
  const demoRunning = computed(() => demoJob.value !== null && !finished(demoJob.value.state))
  const training = computed(() => trainJob.value !== null && !finished(trainJob.value.state))
  const comparing = computed(() => compareJob.value !== null && !finished(compareJob.value.state))
  const outcome = computed(() => result.value?.outcome ?? null)

  async function loadModels(): Promise<void> {
    try {
      models.value = await api.call('enhance.models', {})
      if (!model.value) modelId.value = models.value.find((m) => m.kind === 'unimodal')?.id ?? models.value[0]?.id ?? null
      if (!compareModels.value.length) compareModels.value = models.value.filter((m) => m.bundled).map((m) => m.id)
    } catch (caught) {
      app.report(caught, 'enhance.models')
    } finally {
      modelsLoaded.value = true
    }
  }

  async function makeDemo(): Promise<void> {
    error.value = null
    try {
      demoJob.value = await api.call('enhance.mixture', { snrDb: demoSnr.value, noise: demoNoise.value, seed: 1 })
      // A failed enhancement was of the clip this mixture replaces: its badge would only confuse.
      if (job.value && finished(job.value.state) && job.value.state !== 'done') job.value = null
      demo.value = null
      await refreshDemo()
    } catch (caught) {
      error.value = toApiError(caught, 'enhance.mixture').message
    }
  }

  async function refreshDemo(): Promise<void> {
    const id = demoJob.value?.id
    if (!id || demo.value) return
    const detail = await api.call('jobs.get', { id })
    if (demoJob.value?.id !== id) return
    demoJob.value = detail
    if (detail.state === 'done' && !demo.value) {
      const made = detail.result as EnhanceDemoMixture
      demo.value = made
      noisy.value = made.noisy
      clean.value = made.clean
      noise.value = made.noise
      lips.value = made.lips
    } else if (detail.state === 'failed') error.value = detail.error?.message ?? 'The demo mixture failed.'
  }

  async function enhance(): Promise<void> {
    error.value = null
    if (!noisy.value) return void (error.value = 'Choose the noisy clip first (a WAV), or make a demo mixture.')
    if (!model.value) return void (error.value = 'No enhancement model: train one below, or install a model package in the Models workspace.')
    if (model.value.withLips && !lips.value) {
      return void (error.value = `${model.value.name} is a ${model.value.kind === 'mburst' ? 'MBURST' : 'Multimodal'} model: it needs the speaker's lips. Choose the lip frames folder, or a Unimodal model.`)
    }
    try {
      const started = await api.call('enhance.run', {
        noisy: noisy.value,
        ...(lips.value ? { lips: lips.value } : {}),
        ...(clean.value ? { clean: clean.value } : {}),
        ...(noise.value ? { noise: noise.value } : {}),
        model: model.value.id,
        mask: maskKind.value,
        compare: compare.value,
      })
      job.value = started
      result.value = null
      await refresh()
    } catch (caught) {
      error.value = toApiError(caught, 'enhance.run').message
    }
  }

  async function refresh(): Promise<void> {
    const id = job.value?.id
    if (!id) return
    try {
      const next = await api.call('enhance.result', { job: id })
      if (job.value?.id !== id) return
      result.value = next
      if (job.value.state !== next.state) job.value = { ...job.value, state: next.state, ...(next.state === 'done' ? { fraction: 1 } : {}) }
      if (next.state === 'done') await openResult(next)
      else if (next.state === 'failed') error.value = next.error ?? 'The enhancement failed.'
    } catch (caught) {
      app.report(caught, 'enhance.result')
    }
  }

  /** Opens every version as one editor tab (replacing the previous enhancement's) and fetches the masks. */
  let openedJob: string | null = null
  async function openResult(next: EnhanceResult): Promise<void> {
    const done = next.outcome
    if (!done || openedJob === next.job) return
    openedJob = next.job
    const loaded: Record<string, MaskArray> = {}
    try {
      for (const mask of done.masks) loaded[mask.key] = parseMaskNpy((await fetchBytes(mask.url)).bytes)
      masks.value = loaded
    } catch (caught) {
      app.report(caught, 'res/enhance')
    }
    if (tabKey.value && editor.tabs.some((t) => t.key === tabKey.value)) editor.closeTab(tabKey.value)
    if (editor.tabs.length >= maxTabs) return void (error.value = `The editor has ${maxTabs} sounds open: close one in the Sound workspace to audition this enhancement.`)
    try {
      const versions: TabVersion[] = []
      for (const version of done.versions) {
        const opened = await api.call('audio.open', { path: version.path })
        versions.push({ ...opened, name: version.label, key: `enhance-${next.job}-${version.key}` })
      }
      const key = `enhance-${next.job}`
      editor.addTab(emptyTab(key, versions))
      tabKey.value = key
    } catch (caught) {
      error.value = toApiError(caught, 'audio.open').message
    }
  }

  async function cancel(which: 'run' | 'train' | 'compare'): Promise<void> {
    const target = which === 'run' ? job : which === 'train' ? trainJob : compareJob
    const id = target.value?.id
    if (!id) return
    try {
      target.value = await api.call('jobs.cancel', { id })
    } catch (caught) {
      app.report(caught, 'jobs.cancel')
    }
  }

  async function train(): Promise<void> {
    trainError.value = null
    if (!trainDataset.value) return void (trainError.value = 'Choose the corpus folder to train on (speaker folders and noise/, as `percept enhance corpus fixture` makes).')
    try {
      trainJob.value = await api.call('enhance.train', { dataset: trainDataset.value, model: trainModel.value, epochs: trainEpochs.value })
      trained.value = null
    } catch (caught) {
      trainError.value = toApiError(caught, 'enhance.train').message
    }
  }

  async function refreshTrain(): Promise<void> {
    const id = trainJob.value?.id
    if (!id || trained.value) return
    const detail = await api.call('jobs.get', { id })
    if (trainJob.value?.id !== id) return
    trainJob.value = detail
    if (detail.state === 'done') {
      trained.value = detail.result as TrainSummary
      await loadModels()
    } else if (detail.state === 'failed') trainError.value = detail.error?.message ?? 'The training failed.'
  }

  async function runCompare(): Promise<void> {
    compareError.value = null
    if (!compareDataset.value) return void (compareError.value = 'Choose the corpus folder whose test part the models are compared on.')
    try {
      compareJob.value = await api.call('enhance.compare', { dataset: compareDataset.value, models: compareModels.value })
      comparison.value = null
    } catch (caught) {
      compareError.value = toApiError(caught, 'enhance.compare').message
    }
  }

  async function refreshCompare(): Promise<void> {
    const id = compareJob.value?.id
    if (!id || comparison.value) return
    const detail = await api.call('jobs.get', { id })
    if (compareJob.value?.id !== id) return
    compareJob.value = detail
    if (detail.state === 'done') comparison.value = detail.result as EnhanceComparison
    else if (detail.state === 'failed') compareError.value = detail.error?.message ?? 'The comparison failed.'
  }

  function follow(): void {
    if (stopFollowing) return
    stopFollowing = api.on('job.progress', (summary) => {
      if (summary.id === job.value?.id) {
        job.value = summary
        if (finished(summary.state)) void refresh()
      } else if (summary.id === demoJob.value?.id) {
        demoJob.value = summary
        if (finished(summary.state)) void refreshDemo()
      } else if (summary.id === trainJob.value?.id) {
        trainJob.value = summary
        if (finished(summary.state)) void refreshTrain()
      } else if (summary.id === compareJob.value?.id) {
        compareJob.value = summary
        if (finished(summary.state)) void refreshCompare()
      }
    })
  }

  /** Coming back to the tab: what the jobs did while it was not listening. */
  async function refreshAll(): Promise<void> {
    try {
      await Promise.all([refresh(), refreshDemo(), refreshTrain(), refreshCompare()])
    } catch (caught) {
      app.report(caught, 'jobs.get')
    }
  }

  /** A clip chosen by hand: the demo's clean speech, noise and lips belong to the demo's clip, not to it. */
  function chooseNoisy(path: string): void {
    if (demo.value && noisy.value === demo.value.noisy) {
      for (const slot of [clean, noise, lips]) slot.value = null
      demo.value = null
    }
    noisy.value = path
  }

  function unfollow(): void {
    stopFollowing?.()
    stopFollowing = null
  }

  return {
    models, modelsLoaded, modelId, model, maskKind, compare, noisy, lips, clean, noise,
    demoSnr, demoNoise, demoJob, demo, demoRunning, makeDemo,
    job, result, outcome, masks, error, tabKey, running, enhance, refresh, cancel,
    trainDataset, trainModel, trainEpochs, trainJob, trained, trainError, training, train,
    compareDataset, compareModels, compareJob, comparison, compareError, comparing, runCompare,
    loadModels, follow, unfollow, refreshAll, chooseNoisy,
  }
})
