/** How the data set sits on disk: one of the published metadata layouts, or one folder per class. */
export type SoundDatasetLayout = 'urbansound8k' | 'esc50' | 'folders'

/** A class as the data names it: ids come from the metadata (or sorted folder names), never a built-in list. */
export interface SoundClass {
  id: number
  name: string
}

export interface SoundClip {
  /**
   * Stable across machines: the '/'-separated path under the audio folder (UrbanSound8K
   * 'fold5/100032-3-0-0.wav', ESC-50 '1-100032-A-0.wav') or, for class folders, under the root ('dog/a.wav').
   */
  id: string
  /** Absolute path of the sound file. */
  path: string
  classId: number
  fold: number
  /** The recording the clip was cut from (UrbanSound8K fsID, ESC-50 src_file): clips of one source belong together. */
  source?: string
  /** Seconds into the source recording (UrbanSound8K). */
  start?: number
  end?: number
  /** UrbanSound8K: 1 foreground, 2 background. */
  salience?: number
  /** ESC-50: the clip belongs to the ESC-10 subset. */
  esc10?: boolean
}

/** Something wrong with one row or file: reported and left out, never fatal. */
export interface DatasetProblem {
  /** 1-based line of the metadata CSV the row starts on. */
  line?: number
  /** Absolute path of the file concerned (the CSV for row problems). */
  path?: string
  message: string
}

export interface DatasetSummary {
  clips: number
  perClass: { classId: number; name: string; clips: number }[]
  perFold: { fold: number; clips: number }[]
}

export interface SoundDataset {
  /** The data set's top folder. */
  root: string
  layout: SoundDatasetLayout
  name: string
  /** Sorted by id. */
  classes: SoundClass[]
  /** Folds that hold clips, ascending. */
  folds: number[]
  clips: SoundClip[]
  problems: DatasetProblem[]
  summary: DatasetSummary
}
