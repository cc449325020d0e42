import type { ModelCheckReport, ModelMeta, ModelTask } from '../../../../../main/api'
import type { FileChoice } from '../../../lib/file-browser'
import { formatDuration, formatNumber } from '../../../lib/format'

export const modelTaskLabels: Record<ModelTask, string> = {
  'sound-classification': 'Sound classification',
  'speech-synthesis': 'Speech synthesis',
  'speech-enhancement': 'Speech enhancement',
  'mri-segmentation': 'MRI segmentation',
  'face-recognition': 'Face recognition',
  generic: 'Generic',
}

/** The files the import dialog lists besides folders. */
export const importExtensions = ['zip', 'json', 'onnx'] as const

/** "3 labels", "1 label", or null for a model without labels (an embedding, a regressor). */
export function describeLabels(meta: Pick<ModelMeta, 'labels'>): string | null {
  const count = meta.labels?.length
  if (count === undefined) return null
  return `${count} label${count === 1 ? '' : 's'}`
}

/** The held-out figures of the provenance, in name order, formatted. */
export function provenanceMetrics(meta: Pick<ModelMeta, 'provenance'>): Array<{ name: string; value: string }> {
  return Object.entries(meta.provenance.metrics ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value: formatNumber(value) }))
}

/**
 * What models.import is given for a choice in the file browser: a .zip or a folder as chosen; a model.json
 * or model.onnx inside a package means that package's folder.
 */
export function importPathFor(choice: FileChoice): string {
  if (choice.kind === 'file' && /\.(json|onnx)$/i.test(choice.path)) return choice.folder
  return choice.path
}

/** The line beside the passed/failed badge: "Loaded in 12 ms, ran in 3.4 ms" / "2 problems; loaded in …". */
export function describeCheck(report: ModelCheckReport): string {
  const timing = `${formatDuration(report.loadMs)}, ran in ${formatDuration(report.runMs)}`
  if (report.ok) return `Loaded in ${timing}`
  const count = report.problems.length
  return `${count} problem${count === 1 ? '' : 's'}; loaded in ${timing}`
}
