/**
 * The best epoch's network exported to ONNX (Gabor layers as their materialised convolution weights, see
 * main/compute/onnx) and installed as an 'mri-segmentation' package that `percept mri segment --model <id>`
 * reads: model.json per segmentation-model.ts (labels, preprocessing { spacingMm, orientation, intensity, patch }),
 * and a card saying what it was trained on, its held-out Dice per structure, and that it is not for clinical use.
 * The network has one output (the deep supervision is inside it, see train-loop.ts), so the exported graph has
 * only the final probabilities.
 */
import type * as tfl from '@tensorflow/tfjs-layers'
import { join } from 'node:path'
import { writeModelPackage } from '../../../compute/model-package'
import { exportToOnnxWithSignature } from '../../../compute/onnx'
import { PerceptError } from '../../../core/errors'
import type { JobContext } from '../../../core/jobs/kind'
import { segmentationSpec } from '../segmentation-model'
import type { TrainingReport } from './training-report'

const percent = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`)

export function mriModelCard(report: TrainingReport, id: string): string {
  const trainedOn = report.dataset.synthetic
    ? `a synthetic cohort: the anatomy of a single template (the ch2 head the AAL atlas was drawn on), deformed, with bias fields, intensity rescaling, noise and fields of view of its own. **Not real patients.**`
    : `${report.dataset.subjects} image/label pairs from ${report.dataset.root}.`
  const rows = report.labels.slice(1).map((name, i) => `| ${i + 1} | ${name} | ${percent(report.test.dice[i] ?? null)} | ${percent(report.history.find((h) => h.epoch === report.bestEpoch)?.validationDice[i] ?? null)} |`)
  return `# ${id}: brain structure segmentation (${report.mode} kernels, ${report.loss} loss)

**Not for clinical use.** A research model, trained on ${trainedOn}

After Wong & Moradi, "3D segmentation with fully trainable Gabor kernels and Pearson's correlation coefficient
loss", MLMI 2022: the modified V-Net with deep supervision of their Fig. 2, ${report.mode} kernels, base ${report.baseFilters}
channels, blocks [${report.blocks.join(', ')}], ${report.parameters.toLocaleString('en-US')} parameters.

## Input
A T1-weighted volume, reoriented to RAS, resampled to ${report.spacingMm.join(' x ')} mm, a ${report.size}^3 patch centred on
the head's centre of mass, z-scored with the head's statistics (percept mri segment does all of it).

## Training
Split ${report.split.index} of five shuffled 60/10/30 splits (seed ${report.seed}): ${report.split.train.length} training,
${report.split.validation.length} validation, ${report.split.test.length} test subjects. Nadam, learning rate ${report.learningRate},
batch ${report.batchSize}, ${report.epochs} epochs, augmentation (axial rotation +-30 deg, shift +-20%, scale 0.8-1.2, p = 0.8),
backend ${report.backend}. Best epoch by validation mean Dice: ${report.bestEpoch} (${percent(report.validationMeanDice)}).

## Held-out Dice (test part, ${report.test.subjects} subject(s), on the model grid)
Mean ${percent(report.test.meanDice)}.

| label | structure | test Dice | validation Dice (best epoch) |
|---|---|---|---|
${rows.join('\n')}

## Not good for
Anything clinical. Brains unlike its training data (other contrasts, lesions, children, other scanners);
${report.dataset.synthetic ? 'being trained on one template deformed, it has never seen another anatomy, and its Dice above says nothing of real heads.' : 'the Dice above was measured on a few held-out subjects of the same dataset.'}
`
}

/** Exports `model` (holding the weights to ship) and installs models/<id>; returns the id. */
export async function installSegmentationModel(model: tfl.LayersModel, report: TrainingReport, ctx: Pick<JobContext, 'jobId' | 'modelsDir' | 'log'>): Promise<string> {
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  if (outputs.length !== 1) throw new PerceptError('INTERNAL', `The exported segmentation graph has ${outputs.length} outputs; it must have the final probabilities only.`)
  const id = `mri-seg-${report.mode}-${report.loss}-${ctx.jobId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
  const meta = {
    formatVersion: 1 as const,
    name: id,
    task: 'mri-segmentation' as const,
    description: `Brain structure segmentation, ${report.mode} kernels, ${report.loss} loss (Wong & Moradi 2022, Fig. 2)`,
    inputs,
    outputs,
    preprocessing: { spacingMm: report.spacingMm, orientation: 'RAS', intensity: 'zscore', patch: [report.size, report.size, report.size] },
    labels: report.labels,
    provenance: {
      dataset: report.dataset.root,
      runId: ctx.jobId,
      metrics: {
        ...(report.test.meanDice === null ? {} : { dice: report.test.meanDice }),
        ...(report.validationMeanDice === null ? {} : { validation_dice: report.validationMeanDice }),
      },
      testExamples: report.test.subjects,
      heldOutFolds: 1,
      synthetic: report.dataset.synthetic,
      createdAt: new Date().toISOString(),
      framework: 'tfjs 4.22',
    },
  }
  // The package must be one `percept mri segment` accepts: checked before it is written.
  segmentationSpec({ id, meta, onnxPath: '' })
  await writeModelPackage(join(ctx.modelsDir, id), { onnx: bytes, card: mriModelCard(report, id), meta }, { overwrite: true })
  ctx.log('info', `installed the model as models/${id}`)
  return id
}
