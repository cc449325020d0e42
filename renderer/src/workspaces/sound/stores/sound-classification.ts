import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { SoundClassificationResult, SoundClassifier } from '../../../../../main/api'
import { useApi } from '../../../api/inject'
import { classRegions, formatProbability, newRegionsOnly } from '../lib/classification'
import { useAppStore } from '../../../stores/app'
import { useSoundEditorStore } from './sound-editor'

/**
 * Sound classification of the sounds open in the editor: the classifiers that can run, the one
 * chosen, and a result per version (by the version's key, which outlives a reopen), so the lane and
 * the panel show the active version's. A result goes when its version is removed, its tab is closed or
 * another file replaces the sound.
 */
export const useSoundClassificationStore = defineStore('soundClassification', () => {
  const api = useApi()
  const app = useAppStore()
  const editor = useSoundEditorStore()

  /** null until sound.classifiers answered. */
  const classifiers = shallowRef<SoundClassifier[] | null>(null)
  const chosenId = ref<string | null>(null)
  /** Set once the user picks a classifier: until then the choice follows the core's default (a newly trained model takes over). */
  const pickedByUser = ref(false)
  const results = shallowRef<Record<string, SoundClassificationResult>>({})
  /** The sound being classified. */
  const classifying = ref<string | null>(null)
  /** Regions under this mean probability are not added. */
  const threshold = ref(0.5)

  const current = computed(() => (editor.active ? (results.value[editor.active.key] ?? null) : null))
  const proposedRegions = computed(() => (current.value ? classRegions(current.value, editor.duration, threshold.value) : []))

  /** The core's default follows the open sound: a model trained on the classes of the data set it lies in. */
  async function loadClassifiers(): Promise<void> {
    try {
      const list = await api.call('sound.classifiers', editor.sound ? { id: editor.sound.id } : {})
      classifiers.value = list
      const kept = pickedByUser.value && list.some((entry) => entry.id === chosenId.value)
      if (!kept) chosenId.value = (list.find((entry) => entry.default) ?? list[0])?.id ?? null
    } catch (error) {
      app.report(error, 'sound.classifiers')
    }
  }

  /** The user's own choice, kept over the default from then on. */
  function choose(id: string): void {
    chosenId.value = id
    pickedByUser.value = true
  }

  /** Classifies the active version with the chosen classifier; errors go to the error banner. */
  async function classify(): Promise<void> {
    const sound = editor.active
    if (!sound || classifying.value) return
    classifying.value = sound.id
    try {
      const result = await api.call('sound.classify', { id: sound.id, ...(chosenId.value ? { model: chosenId.value } : {}) })
      // The sound may have been closed or replaced while it ran.
      if (editor.allVersions.some((version) => version.key === sound.key)) results.value = { ...results.value, [sound.key]: result }
    } catch (error) {
      app.report(error, 'sound.classify')
    } finally {
      classifying.value = null
    }
  }

  /** Sets the threshold for regions, kept within 0..1; a value that is not a number changes nothing. */
  function setThreshold(value: number): void {
    if (Number.isFinite(value)) threshold.value = Math.min(1, Math.max(0, value))
  }

  /** Adds the proposed regions through the editor's region API, so they are edited and exported like any. */
  function addRegions(): number {
    const added = newRegionsOnly(proposedRegions.value, editor.regions)
    for (const region of added) editor.addRegion(region, region.label)
    const bound = formatProbability(threshold.value)
    if (added.length) editor.notice = `Added ${added.length} region${added.length === 1 ? '' : 's'} from the classification (probability ${bound} or more).`
    else if (proposedRegions.value.length) editor.notice = `No new region: the class regions with probability ${bound} or more are already there.`
    else editor.notice = `No class region has a probability of ${bound} or more.`
    return added.length
  }

  /** Keeps a result for a version (the session store restores them). */
  function keep(key: string, result: SoundClassificationResult): void {
    results.value = { ...results.value, [key]: result }
  }

  watch(
    () => editor.allVersions,
    (versions) => {
      const ids = new Set(versions.map((version) => version.key))
      const kept = Object.entries(results.value).filter(([id]) => ids.has(id))
      if (kept.length !== Object.keys(results.value).length) results.value = Object.fromEntries(kept)
    },
  )

  return { classifiers, chosenId, choose, results, classifying, threshold, current, proposedRegions, loadClassifiers, classify, setThreshold, addRegions, keep }
})
