import { join } from 'node:path'
import type { JobContext } from '../../core/jobs/kind'
import { writeModelPackage } from '../../compute/model-package'
import { exportToOnnxWithSignature } from '../../compute/onnx'
import { CONTEXT_FRAMES, INPUT_BINS, INPUT_FIRST_BIN } from '../audio-input'
import { LIP_HEIGHT, LIP_WIDTH } from '../corpus/mouth-image'
import { VIDEO_FPS } from '../corpus/visemes'
import { DEFAULT_LC_DB } from '../ideal-binary-mask'
import { ENHANCE_SAMPLE_RATE, FRAME_LENGTH, HOP_LENGTH } from '../frames'
import { PAPER_PBAR } from '../model/burst-train'
import { buildEnhanceModel, isMultimodal, MASK_OUTPUT, RATES_OUTPUT, type NetWeights } from '../model/enhance-net'
import { SPECTRUM_BINS } from '../spectra'
import { FEATURE } from './examples'
import { GAIN_FLOOR } from './mask-gain'
import { MASK_THRESHOLD } from './measures'
import type { EnhanceTrainReport } from './train-job'
import { ADAM } from './train-step'

/*
 * The trained network as a speech-enhancement package: model.onnx (inputs 'audio' [N, 8, 500, 1] and, for
 * the multimodal models, 'lips' [N, 50, 92, 1]; outputs 'mask' [N, 622] and 'event_rates' [N, layers]),
 * model.json with the preprocessing a caller must repeat (models.ts' speech-enhancement keys, plus what
 * this network needs), and the card.
 */

const fixed = (v: number, digits = 3): string => v.toFixed(digits)

/** What `percept enhance eval` and the enhancer read back from model.json's preprocessing. */
export interface EnhancePreprocessing {
  sampleRate: number
  nFft: number
  frameLength: number
  hopLength: number
  window: 'hamming'
  target: 'mask'
  model: 'unimodal' | 'multimodal' | 'mburst'
  spectrumBins: { first: number; count: number }
  inputBins: { first: number; count: number }
  contextFrames: number
  feature: typeof FEATURE
  lips: { width: number; height: number; fps: number } | null
  threshold: number
  /** The least gain a mask applies (mask-gain.ts): -10 dB. Absent in older packages (read as 0). */
  gainFloor: number
  layers: string[]
  /** The network's sizes (the paper: conv 32, embedding 256). */
  architecture: { convChannels: number; embedding: number }
  training: { seed: number; split: number; splits: number; snrsDb: number[]; lcDb: number; positiveWeight: number; epochs: number }
}

export function enhancePreprocessing(report: EnhanceTrainReport): EnhancePreprocessing {
  return {
    sampleRate: ENHANCE_SAMPLE_RATE,
    nFft: FRAME_LENGTH,
    frameLength: FRAME_LENGTH,
    hopLength: HOP_LENGTH,
    window: 'hamming',
    target: 'mask',
    model: report.model,
    spectrumBins: { first: 1, count: SPECTRUM_BINS },
    inputBins: { first: 1 + INPUT_FIRST_BIN, count: INPUT_BINS },
    contextFrames: CONTEXT_FRAMES,
    feature: FEATURE,
    lips: isMultimodal(report.model) ? { width: LIP_WIDTH, height: LIP_HEIGHT, fps: VIDEO_FPS } : null,
    threshold: MASK_THRESHOLD,
    gainFloor: GAIN_FLOOR,
    layers: report.layers,
    architecture: report.architecture,
    training: { seed: report.seed, split: report.split, splits: 4, snrsDb: report.snrsDb, lcDb: DEFAULT_LC_DB, positiveWeight: report.positiveWeight, epochs: report.epochs },
  }
}

const names = { unimodal: 'Unimodal', multimodal: 'Multimodal', mburst: 'MBURST' } as const

/** The model card: the network, how it learnt (the burst conventions for MBURST), what it scored, what it is not for. */
export function enhanceModelCard(report: EnhanceTrainReport): string {
  const last = report.history[report.history.length - 1]
  const row = (part: string, m: { f1: number; accuracy: number } | null | undefined) => `| ${part} | ${m ? fixed(m.f1) : 'n/a'} | ${m ? `${(100 * m.accuracy).toFixed(2)}%` : 'n/a'} |`
  const rates = report.layers.map((name, i) => `| ${name} | ${last ? fixed(last.train.eventRates[i]!) : 'n/a'} | ${fixed(report.firingRateArea.train[name] ?? 0)} |`).join('\n')
  const burst =
    report.model === 'mburst'
      ? `
## Burst propagation (how MBURST learnt)
Equations (1)-(8) of Passos et al. with the conventions of Payeur et al.'s reference code where the paper is silent:
sigmoid units, so h(e) = f'(v)/e = 1 - e; output teaching probability p_L = clip(pbar (1 - h(e_L) dL/de_L), 0, 1)
with pbar = ${PAPER_PBAR}, and p = pbar without teaching. The paper's eq. (3) writes zeta(pbar - h dL/de); we use
the reference code's form because it scales the correction by pbar, so that b_L - bbar_L = -pbar f'(v_L) dL/de_L,
pbar times back-propagation's error at the output until the clip, and the rule stays a gradient estimate whatever
pbar is. Hidden layers: u = h(e) (Y b_above), p = sigmoid(u) (beta 1, alpha 0) with and without teaching; b = p e.
The weight change -(b - bbar) e_below^T is the gradient handed to Adam; biases take it with e_below = 1.
Feedback weights Y are separate from W (drawn apart) and updated by the same rule transposed; below a conv layer the
bursts go through the transposed convolution with Y. The loss in dL/de is the weighted BCE below, summed over the
622 outputs of an example; batches average the examples' changes.
`
      : ''
  return `# ${names[report.model]}: audio${isMultimodal(report.model) ? '-visual' : ''} speech enhancement mask (${report.model === 'mburst' ? 'burst propagation' : 'back-propagation'})

**Trained on ${report.dataset}${report.synthetic ? ': a synthetic corpus (festival speech, rendered lips, synthesised noise), no real recording' : ''}.**

After Passos, Khubaib, Raza and Adeel, "Multimodal Speech Enhancement Using Burst Propagation". The network estimates the
ideal binary mask (eq. 9, LC ${DEFAULT_LC_DB} dB) of the current STFT frame from the noisy spectra${isMultimodal(report.model) ? ' and the speaker\'s lips' : ''}.

## Input
16 kHz mono; frames of ${FRAME_LENGTH} samples from sample 0, hop ${HOP_LENGTH}, no padding; symmetric Hamming window; the power
spectrum of the ${FRAME_LENGTH}-point rfft, bins 1..622. Audio input 'audio' [N, ${CONTEXT_FRAMES}, ${INPUT_BINS}, 1]: frames t-7..t (row 0 oldest),
spectrum bins 1..500 (12.9 Hz to 6.43 kHz, where speech and most IBM ones lie), each value ${FEATURE.scale} log10(power + ${FEATURE.floor}) + ${FEATURE.offset}.
${isMultimodal(report.model) ? `Lips 'lips' [N, ${LIP_HEIGHT}, ${LIP_WIDTH}, 1]: the 92 x 50 grey crop (0..1) of the 25 fps video frame at the centre of STFT frame t.\n` : ''}Frames 0..6 have no full context and are not estimated (the enhancer passes them unchanged).

## Output
'mask' [N, ${SPECTRUM_BINS}]: sigmoid mask of frame t over bins 1..622 (a unit is speech where >= ${MASK_THRESHOLD}). Applied as gains with a
floor of ${fixed(GAIN_FLOOR)} (-10 dB, model.json's gainFloor): binary 1 or the floor, soft floor + (1 - floor) * mask.
'event_rates' [N, ${report.layers.length}]: each layer's mean event rate for the example (${report.layers.join(', ')}): how much it fires.

## Network
Per channel two 3 x 3 conv layers of ${report.architecture.convChannels} channels, padding 1 (stride 1 audio, 2 lips), flatten, dense ${report.architecture.embedding};
embeddings concatenated into a dense layer of 622 units; sigmoid units throughout; biases on every layer. The dense
layers fed by sigmoid units learn on the rates less 0.5 (W (e - 0.5) + bias, folded into the exported bias): with the
raw rates, all about 0.5, Adam's first step saturated every embedding unit and the network learnt only the prior.
Parameters: ${report.parameters.total}${report.parameters.feedback ? ` (plus ${report.parameters.feedback} feedback weights used in training only)` : ''}.

## Training
Split ${report.split} of 4 (seed ${report.seed}): 80% train, 15% test, 5% proxy by sentence; mixtures at ${report.snrsDb.join(', ')} dB.
Weighted binary cross-entropy, positive weight = negatives / positives of the training masks = ${fixed(report.positiveWeight, 4)}.
Adam, learning rate ${ADAM.learningRate}, betas ${ADAM.beta1}/${ADAM.beta2}, eps ${ADAM.epsilon}, weight decay ${ADAM.weightDecay} as an L2 term added to the
gradient (PyTorch's Adam weight_decay, not AdamW); batch ${report.batchSize}; ${report.epochs} epochs; backend ${report.backend}.
${burst}
## Scores after the last epoch (threshold 0.5, every unit of the part)
| part | F1 | accuracy |
|---|---|---|
${row('train', last?.train)}
${row('proxy', last?.proxy)}

Test figures: \`percept enhance eval --dataset <corpus> --model <this package>\`.

## Firing rates (mean event rate per layer, train)
| layer | last epoch | area under curve |
|---|---|---|
${rates}

## Not good for
Voices, rooms, noises and faces unlike the training corpus${report.synthetic ? ' (synthetic here: it says little about real recordings)' : ''}; clips shorter than 8 frames
(0.15 s); lips that are not a 92 x 50 crop centred on the mouth; anything where a wrong mask could cause harm.
`
}

/** Exports to ONNX and installs models/enhance-<model>-<job> (replacing an earlier export of the same job). */
export async function installEnhanceModel(weights: NetWeights, report: EnhanceTrainReport, ctx: Pick<JobContext, 'jobId' | 'modelsDir' | 'log'>): Promise<string> {
  const model = buildEnhanceModel(weights)
  try {
    const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
    const id = `enhance-${report.model}-${ctx.jobId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
    const last = report.history[report.history.length - 1]
    const metrics: Record<string, number> = {}
    if (last) {
      metrics.train_f1 = last.train.f1
      metrics.train_accuracy = last.train.accuracy
      if (last.proxy) {
        metrics.proxy_f1 = last.proxy.f1
        metrics.proxy_accuracy = last.proxy.accuracy
      }
    }
    await writeModelPackage(
      join(ctx.modelsDir, id),
      {
        onnx: bytes,
        card: enhanceModelCard(report),
        meta: {
          formatVersion: 1,
          name: id,
          task: 'speech-enhancement',
          description: `${names[report.model]} (Passos et al.): ideal-binary-mask estimation from ${isMultimodal(report.model) ? 'noisy spectra and lips' : 'noisy spectra'}, trained by ${report.model === 'mburst' ? 'burst propagation' : 'back-propagation'}`,
          inputs: inputs.map((s) => ({ ...s, description: s.name === 'audio' ? 'log-power spectra, frames t-7..t x bins 1..500 x 1' : 'grey lip crop of frame t, 50 x 92 x 1' })),
          outputs: outputs.map((s) => ({ ...s, description: s.name === MASK_OUTPUT ? 'mask of frame t over bins 1..622' : s.name === RATES_OUTPUT ? `mean event rate per layer: ${report.layers.join(', ')}` : s.name })),
          preprocessing: enhancePreprocessing(report) as unknown as Record<string, unknown>,
          provenance: {
            dataset: report.dataset,
            runId: ctx.jobId,
            metrics,
            testExamples: last?.proxy?.examples ?? 0,
            synthetic: report.synthetic,
            createdAt: new Date().toISOString(),
            framework: 'tfjs 4.22',
          },
        },
      },
      { overwrite: true },
    )
    ctx.log('info', `installed the model as models/${id}`)
    return id
  } finally {
    model.dispose()
  }
}
