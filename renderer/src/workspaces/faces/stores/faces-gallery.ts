import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { FaceImportReport, FacePersonSummary, FacePhotoSummary } from '../../../../../main/api'
import { useApi } from '../../../api/inject'
import { successMillis } from '../../../lib/transient'
import { useAppStore } from '../../../stores/app'

/** Where imported photos go. */
export type ImportTarget = { kind: 'inbox' } | { kind: 'person'; id: string } | { kind: 'new'; name: string }

/** The import methods' fields for a target. */
export function targetInput(target: ImportTarget): { personId?: string; newPerson?: string } {
  return target.kind === 'person' ? { personId: target.id } : target.kind === 'new' ? { newPerson: target.name } : {}
}

/** A line telling what the last action did; `undoMerge` offers to undo a merge from it. */
export interface GalleryNotice {
  text: string
  undoMerge?: string
}

/**
 * The face gallery as the page shows it: the people (searchable), the open person with their photos,
 * the inbox, and the actions on them. Actions asked for from a dialog throw the core's error for the
 * dialog to show; the others report it in the error banner.
 */
export const useFacesGalleryStore = defineStore('faces-gallery', () => {
  const api = useApi()
  const app = useAppStore()
  const people = shallowRef<FacePersonSummary[]>([])
  const inboxCount = ref(0)
  const crop = ref({ height: 48, width: 40 })
  const search = ref('')
  const loaded = ref(false)
  /** The open person's page, or null for the grid. */
  const person = shallowRef<FacePersonSummary | null>(null)
  const photos = shallowRef<FacePhotoSummary[]>([])
  const inbox = shallowRef<FacePhotoSummary[]>([])
  const notice = ref<GalleryNotice | null>(null)
  const busy = ref(false)
  let request = 0
  let noticeTimer: ReturnType<typeof setTimeout> | null = null

  // A notice goes once read (an undo offer stays three times as long); a newer one replaces it.
  watch(notice, (shown) => {
    if (noticeTimer !== null) clearTimeout(noticeTimer)
    noticeTimer = null
    if (!shown) return
    app.succeeded()
    noticeTimer = setTimeout(() => {
      if (notice.value === shown) notice.value = null
    }, shown.undoMerge ? 3 * successMillis : successMillis)
  })

  const others = computed(() => people.value.filter((p) => p.id !== person.value?.id))

  async function refresh(): Promise<void> {
    const mine = ++request
    try {
      const answer = await api.call('faces.people', search.value.trim() ? { search: search.value.trim() } : {})
      if (mine !== request) return
      people.value = answer.people
      inboxCount.value = answer.inbox
      crop.value = answer.crop
      loaded.value = true
    } catch (error) {
      if (mine === request) app.report(error, 'faces.people')
    }
  }

  function setSearch(text: string): void {
    search.value = text
    void refresh()
  }

  async function open(id: string): Promise<void> {
    try {
      const answer = await api.call('faces.person', { id })
      person.value = answer.person
      photos.value = answer.photos
    } catch (error) {
      app.report(error, 'faces.person')
    }
  }

  function close(): void {
    person.value = null
    photos.value = []
  }

  async function loadInbox(): Promise<void> {
    try {
      inbox.value = await api.call('faces.inbox')
      inboxCount.value = inbox.value.length
    } catch (error) {
      app.report(error, 'faces.inbox')
    }
  }

  /** What changed anywhere: the list, the open person (closed when gone) and the inbox. */
  async function reload(): Promise<void> {
    await refresh()
    const current = person.value
    if (current) {
      try {
        const answer = await api.call('faces.person', { id: current.id })
        person.value = answer.person
        photos.value = answer.photos
      } catch {
        // Merged away or deleted meanwhile: back to the grid.
        close()
      }
    }
    await loadInbox()
  }

  async function run<T>(work: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await work()
    } finally {
      busy.value = false
    }
  }

  /** Renames the open person; throws the core's refusal (the name field shows it). */
  async function rename(name: string): Promise<void> {
    const current = person.value
    if (!current) return
    const renamed = await run(() => api.call('faces.renamePerson', { id: current.id, name }))
    person.value = renamed
    notice.value = { text: `Renamed ${current.name} to ${renamed.name}.` }
    await refresh()
  }

  /** Merges the open person into `targetId` and opens the target; the notice offers to undo. */
  async function mergeInto(targetId: string): Promise<void> {
    const current = person.value
    if (!current) return
    const receipt = await run(() => api.call('faces.mergePeople', { source: current.id, target: targetId }))
    notice.value = { text: `Merged ${receipt.merged.name} into ${receipt.into.name} (${receipt.photoIds.length} photo${receipt.photoIds.length === 1 ? '' : 's'} moved).`, undoMerge: receipt.merged.id }
    await open(targetId)
    await refresh()
  }

  async function undoMerge(mergedId: string): Promise<void> {
    try {
      const undone = await run(() => api.call('faces.undoMerge', { id: mergedId }))
      notice.value = { text: `${undone.person.name} is back with ${undone.photoIds.length} photo${undone.photoIds.length === 1 ? '' : 's'}.` }
      await reload()
    } catch (error) {
      app.report(error, 'faces.undoMerge')
    }
  }

  /** Moves the chosen photos of the open person to a new person; throws the core's refusal. */
  async function split(photoIds: string[], name: string): Promise<void> {
    const current = person.value
    if (!current) return
    const created = await run(() => api.call('faces.splitPerson', { id: current.id, photoIds, name }))
    notice.value = { text: `Split ${photoIds.length} photo${photoIds.length === 1 ? '' : 's'} off to ${created.name}.` }
    await reload()
  }

  /** Deletes the open person; their photos go to the inbox. */
  async function remove(): Promise<boolean> {
    const current = person.value
    if (!current) return false
    try {
      const deleted = await run(() => api.call('faces.deletePerson', { id: current.id }))
      const n = deleted.photoIds.length
      notice.value = { text: `Deleted ${deleted.person.name}; ${n === 0 ? 'they had no photos' : `${n} photo${n === 1 ? '' : 's'} went to the inbox`}.` }
      close()
      await reload()
      return true
    } catch (error) {
      app.report(error, 'faces.deletePerson')
      return false
    }
  }

  async function assign(photoId: string, personId: string): Promise<void> {
    try {
      await run(() => api.call('faces.assignPhoto', { photoId, personId }))
      const to = people.value.find((p) => p.id === personId)?.name ?? 'the person'
      notice.value = { text: `Gave the photo to ${to}.` }
      await reload()
    } catch (error) {
      app.report(error, 'faces.assignPhoto')
    }
  }

  /** Imports files or folders; throws the core's refusal (the import dialog shows it). */
  async function importPaths(paths: string[], target: ImportTarget): Promise<FaceImportReport> {
    const report = await run(() => api.call('faces.importPhotos', { paths, ...targetInput(target) }))
    const place = report.person ? report.person.name : 'the inbox'
    notice.value = { text: `Imported ${report.taken} photo${report.taken === 1 ? '' : 's'} to ${place}${report.refused ? `; ${report.refused} refused` : ''}.` }
    await reload()
    return report
  }

  function dismissNotice(): void {
    notice.value = null
  }

  function start(): void {
    void refresh()
    void loadInbox()
  }

  return {
    people, inboxCount, crop, search, loaded, person, photos, inbox, notice, busy, others,
    refresh, setSearch, open, close, loadInbox, reload, rename, mergeInto, undoMerge, split, remove, assign, importPaths, dismissNotice, start,
  }
})
