import type * as tfl from '@tensorflow/tfjs-layers'
import { join } from 'node:path'
import type { JobContext } from '../../core/jobs/kind'
import { counted } from '../../core/counted'
import { writeModelPackage } from '../../compute/model-package'
import { exportToOnnxWithSignature } from '../../compute/onnx'
import { paperSegments } from '../features/segments'
import { describeEscModel, layerTableMarkdown } from '../model'
import type { CrossValidationReport } from './report'

const percent = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`)

/** The loader names a data set that carries the synthetic marker "Synthetic ..." (see synthetic-marker.ts). */
const isSynthetic = (report: CrossValidationReport): boolean => report.dataset.name.startsWith('Synthetic')

/** The model card: what it is, what it was trained on, how it did, what it is not for. */
export function escModelCard(report: CrossValidationReport, exportedFold: number): string {
  const description = describeEscModel(report.config)
  const folds = report.folds.map((f) => `| ${f.fold} | ${f.trainClips} | ${f.testClips} | ${percent(f.accuracy)} |`).join('\n')
  const perClass = report.classNames.map((name, i) => `| ${name} | ${percent(report.summary.perClass[i] ?? null)} |`).join('\n')
  const synthetic = isSynthetic(report) ? ': every clip synthesised, no real recording' : ''
  return `# ${report.preset}: environmental sound classifier (dilated CNN)

**Trained on ${report.dataset.name}${synthetic} (${report.dataset.clips} clips).**

After Chen et al., "Environmental sound classification with dilated convolutions", Applied Acoustics 2019.
Structure: ${description.notation}.

## Input
Mono audio resampled to ${paperSegments.sr} Hz; log-mel spectrogram (n_fft ${paperSegments.nFft}, hop ${paperSegments.hopLength},
${paperSegments.nMels} mel bands, librosa defaults, power_to_db ref 1, top_db 80) cut into segments of ${paperSegments.frames} frames
with 50% overlap (step ${paperSegments.step}); channel 0 the log-mel, channel 1 its delta (width 9): input ${paperSegments.nMels} x ${paperSegments.frames} x 2.
A clip's label is the arg-max of its segments' ${report.aggregation === 'mean' ? 'mean probability' : 'majority vote'}.

## Layers
${layerTableMarkdown(description)}

Parameters: ${description.params}. Receptive field before global pooling: ${description.receptiveField.frames} frames x ${description.receptiveField.bands} bands.
Not in the paper, chosen here: ${description.notInPaper.join(' ')}

## Training
Data set: ${report.dataset.name} (${report.dataset.layout} layout, ${report.dataset.clips} clips).
SGD with Nesterov momentum 0.9, learning rate ${report.learningRate}, batch ${report.batchSize}, ${counted(report.epochs, 'epoch')}, seed ${report.seed} (initial weights, batch order, dropout masks), backend ${report.backend}.
This package holds the model trained with fold ${exportedFold} held out.

## Cross-validation (clip accuracy on each held-out fold)
| held-out fold | training clips | test clips | accuracy |
|---|---|---|---|
${folds}

Mean ${percent(report.summary.accuracy.mean)} +- ${percent(report.summary.accuracy.std)} over ${report.folds.length} fold(s).

| class | accuracy |
|---|---|
${perClass}

## Not good for
Sounds outside these ${report.classNames.length} classes (it always answers one of them); recordings unlike its training data
(other microphones, rooms, levels); overlapping sources; anything safety-critical. Accuracy above was measured on
held-out folds of the same data set, which says little about other recordings.
`
}

/** Exports to ONNX and installs models/esc-<preset>-<job> (replacing an earlier export of the same job). */
export async function installEscModel(model: tfl.LayersModel, report: CrossValidationReport, ctx: JobContext): Promise<string> {
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  const id = `esc-${report.preset}-${ctx.jobId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
  const exportedFold = report.folds[report.folds.length - 1]?.fold ?? 0
  await writeModelPackage(
    join(ctx.modelsDir, id),
    {
      onnx: bytes,
      card: escModelCard(report, exportedFold),
      meta: {
        formatVersion: 1,
        name: id,
        task: 'sound-classification',
        description: `${report.preset} preset of the dilated CNN of Chen et al. (2019), trained on ${report.dataset.name}`,
        inputs,
        outputs,
        preprocessing: {
          sampleRate: paperSegments.sr,
          frameLength: paperSegments.nFft,
          hopLength: paperSegments.hopLength,
          nMels: paperSegments.nMels,
          log: 'db',
          frames: paperSegments.frames,
          step: paperSegments.step,
          channels: ['logmel', 'delta'],
          aggregation: report.aggregation,
        },
        labels: report.classNames,
        provenance: {
          dataset: `${report.dataset.name} (${report.dataset.layout})`,
          runId: ctx.jobId,
          metrics: { accuracy: report.summary.accuracy.mean, accuracy_std: report.summary.accuracy.std },
          // What the accuracy was measured on, so it is never shown as a bare percentage.
          testExamples: report.folds.reduce((sum, f) => sum + f.testClips, 0),
          heldOutFolds: report.folds.length,
          synthetic: isSynthetic(report),
          createdAt: new Date().toISOString(),
          framework: 'tfjs 4.22',
        },
      },
    },
    { overwrite: true },
  )
  ctx.log('info', `installed the model as models/${id}`)
  return id
}
