import { z } from 'zod'
import { soundClassificationSchema } from './sound'
import { spectrogramSettingsSchema } from './spectrogram-settings'

/*
 * What the Sound editor keeps in the workspace so that its work survives leaving the page, a reload
 * and a restart: the open tabs, each with its versions (by path: the core's handles do not outlive
 * the app), regions and markers, selection, gain, view and each version's classification. The core
 * stores it atomically (audio.editor.save) and checks it with this schema when it reads it back, so a
 * damaged file is set aside instead of reaching the page.
 */

const seconds = z.number().finite().nonnegative()

export const editorRegionSchema = z.object({
  id: z.string().min(1).max(100),
  /** Seconds; a marker has end === start. */
  start: seconds,
  end: seconds,
  label: z.string().max(2000),
})

export const editorVersionSchema = z.object({
  path: z.string().min(1),
  name: z.string(),
  /** The core's handle when this was saved: audio.open reuses it while that sound is still open. */
  id: z.string().min(1).optional(),
  /** The version's last classification, or null. */
  classification: soundClassificationSchema.nullable(),
})

export const editorTabSchema = z.object({
  /** Stable for the tab's life, also across restarts. */
  key: z.string().min(1).max(100),
  /** The first is the sound as opened; the others were added to compare with it. */
  versions: z.array(editorVersionSchema).min(1).max(16),
  activeIndex: z.number().int().nonnegative(),
  regions: z.array(editorRegionSchema).max(100_000),
  selectedId: z.string().nullable(),
  selection: z.object({ start: seconds, end: seconds }).nullable(),
  gainDb: z.number().finite().min(-48).max(48),
  matchLoudness: z.boolean(),
  /** Seconds at the left edge and pixels per second; null for "fit the whole sound". */
  view: z.object({ start: seconds, pxPerSec: z.number().finite().positive() }).nullable(),
  /** Regions or markers changed since they were last written as a label track. */
  unsaved: z.boolean(),
})

export const soundEditorStateSchema = z.object({
  formatVersion: z.literal(1),
  tabs: z.array(editorTabSchema).max(16),
  /** The tab shown, or null. */
  activeKey: z.string().nullable(),
  /** The spectrogram's settings, shared by every tab; absent in states saved before it had any. */
  spectrogram: spectrogramSettingsSchema.optional(),
})

export type EditorRegionState = z.infer<typeof editorRegionSchema>
export type EditorVersionState = z.infer<typeof editorVersionSchema>
export type EditorTabState = z.infer<typeof editorTabSchema>
export type SoundEditorState = z.infer<typeof soundEditorStateSchema>
