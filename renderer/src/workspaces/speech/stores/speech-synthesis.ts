import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JobSummary, SpeechVoice, SynthesisState } from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { useAppStore } from '../../../stores/app'
import { emptyTab, maxTabs, type TabVersion } from '../../sound/lib/editor-tabs'
import { useSoundEditorStore } from '../../sound/stores/sound-editor'
import { SentenceStream, type StreamStatus } from '../lib/sentence-stream'
import { phoneRegions, systemKey } from '../lib/systems'

const finished = (state: string): boolean => state === 'done' || state === 'failed' || state === 'cancelled' || state === 'interrupted'

/**
 * The Synthesis tab: the voices, the text and the chosen systems, the tts.synthesize job followed live
 * (job.progress -> speech.synthesis), playback of the sentences as they come (SentenceStream), and once
 * done every system's WAV opened as a version of one tab of the waveform editor, the phones as its regions.
 * The editor tab is the Sound editor's own (it shows in the Sound workspace too); this store only
 * remembers which one holds the last synthesis.
 */
export const useSpeechSynthesisStore = defineStore('speechSynthesis', () => {
  const api = useApi()
  const app = useAppStore()
  const editor = useSoundEditorStore()

  const voices = shallowRef<SpeechVoice[]>([])
  const voicesLoaded = ref(false)
  const voiceId = ref<string | null>(null)
  /** Chosen system keys (dnn, dnn-raw, mdnn, mdnn-raw). */
  const chosen = ref<string[]>([])
  const text = ref('')
  const rate = ref(1)
  const pitch = ref(0)
  const listenAsItComes = ref(true)
  const job = shallowRef<JobSummary | null>(null)
  const state = shallowRef<SynthesisState | null>(null)
  const error = ref<string | null>(null)
  const notice = ref<string | null>(null)
  const tabKey = ref<string | null>(null)
  const stream = shallowRef<StreamStatus | null>(null)
  let player: SentenceStream | null = null
  let context: AudioContext | null = null
  let stopFollowing: (() => void) | null = null

  const voice = computed(() => voices.value.find((v) => v.id === voiceId.value) ?? null)
  const running = computed(() => job.value !== null && !finished(job.value.state))

  async function loadVoices(): Promise<void> {
    try {
      voices.value = await api.call('speech.voices', {})
      if (!voice.value) chooseVoice(voices.value[0]?.id ?? null)
    } catch (caught) {
      app.report(caught, 'speech.voices')
    } finally {
      voicesLoaded.value = true
    }
  }

  function chooseVoice(id: string | null): void {
    voiceId.value = id
    // Every system of the voice at first, so that they can be compared straight away.
    chosen.value = voice.value ? voice.value.systems.map(systemKey) : []
  }

  function audioContext(): AudioContext {
    context ??= new AudioContext()
    return context
  }

  async function synthesize(): Promise<void> {
    const current = voice.value
    error.value = null
    notice.value = null
    if (!current) return void (error.value = 'No voice to speak with: train one with `percept tts train --corpus <dir>`, or install a voice package in the Models workspace.')
    if (text.value.trim() === '') return void (error.value = 'Type the text to say.')
    const systems = current.systems.filter((s) => chosen.value.includes(systemKey(s)))
    if (!systems.length) return void (error.value = 'Choose at least one system.')
    stopStream()
    // Made in the click, so that the browser lets it play when the first sentence comes.
    const ctx = listenAsItComes.value ? audioContext() : null
    try {
      const started = await api.call('speech.synthesize', { text: text.value, voice: current.id, systems, rate: rate.value, pitch: pitch.value })
      job.value = started
      state.value = null
      if (ctx) {
        const key = systemKey(systems[0]!)
        player = new SentenceStream((n) => `res/speech/synthesis/${encodeURIComponent(started.id)}/${key}/${n}`, (status) => (stream.value = status), (caught) => app.report(caught, 'res/speech/synthesis'))
        player.start(ctx)
      }
      await refresh()
    } catch (caught) {
      error.value = toApiError(caught, 'speech.synthesize').message
    }
  }

  async function refresh(): Promise<void> {
    const id = job.value?.id
    if (!id) return
    try {
      const next = await api.call('speech.synthesis', { job: id })
      if (job.value?.id !== id) return
      state.value = next
      // The job's state as the synthesis reports it, should its last progress event be missed.
      if (job.value.state !== next.state) job.value = { ...job.value, state: next.state, ...(next.state === 'done' ? { fraction: 1 } : {}) }
      const first = next.systems[0]
      if (player && first) player.update(first.ready, finished(next.state))
      if (next.state === 'done') await openResult(next)
      else if (next.state === 'failed') {
        const detail = await api.call('jobs.get', { id })
        error.value = detail.error?.message ?? 'The synthesis failed.'
        stopStream()
      } else if (next.state === 'cancelled' || next.state === 'interrupted') stopStream()
    } catch (caught) {
      app.report(caught, 'speech.synthesis')
    }
  }

  /** Opens every system's WAV as a version of one editor tab, replacing the previous synthesis's tab. */
  let openedJob: string | null = null
  async function openResult(result: SynthesisState): Promise<void> {
    // Progress events come in bursts: the first 'done' opens the result, the others find it opened.
    if (openedJob === result.job) return
    openedJob = result.job
    if (tabKey.value && editor.tabs.some((t) => t.key === tabKey.value)) editor.closeTab(tabKey.value)
    if (editor.tabs.length >= maxTabs) return void (error.value = `The editor has ${maxTabs} sounds open: close one in the Sound workspace to see this synthesis.`)
    try {
      const versions: TabVersion[] = []
      for (const system of result.systems) {
        if (!system.path) continue
        const opened = await api.call('audio.open', { path: system.path })
        versions.push({ ...opened, name: system.label, key: `speech-${result.job}-${system.key}` })
      }
      const { regions, dropped } = phoneRegions(result.phones)
      const key = `speech-${result.job}`
      editor.addTab({ ...emptyTab(key, versions), regions: regions.map((r, i) => ({ ...r, id: `${key}-p${i}` })) })
      tabKey.value = key
      if (dropped) notice.value = `The first ${regions.length} phones are shown as regions; ${dropped} more are not (a text this long has too many to show).`
    } catch (caught) {
      error.value = toApiError(caught, 'audio.open').message
    }
  }

  async function cancel(): Promise<void> {
    const id = job.value?.id
    if (!id) return
    stopStream()
    try {
      job.value = await api.call('jobs.cancel', { id })
      await refresh()
    } catch (caught) {
      app.report(caught, 'jobs.cancel')
    }
  }

  function stopStream(): void {
    player?.stop()
    player = null
    stream.value = null
  }

  function follow(): void {
    if (stopFollowing) return
    stopFollowing = api.on('job.progress', (summary) => {
      if (summary.id !== job.value?.id) return
      job.value = summary
      void refresh()
    })
  }

  function unfollow(): void {
    stopFollowing?.()
    stopFollowing = null
    stopStream()
  }

  return { voices, voicesLoaded, voiceId, voice, chosen, text, rate, pitch, listenAsItComes, job, state, error, notice, tabKey, stream, running, loadVoices, chooseVoice, refresh, synthesize, cancel, stopStream, follow, unfollow }
})
