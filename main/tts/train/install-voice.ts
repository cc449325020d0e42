import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelMeta } from '../../api/models'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { counted } from '../../core/counted'
import { exportToOnnxWithSignature, openOnnxSession, type OnnxTensorSignature } from '../../compute/onnx'
import { CARD_FILE, META_FILE, parseModelMeta } from '../../compute/model-package'
import { pathExists, renameIntoPlace, stagingDirBeside } from '../../compute/model-package/package-files'
import { layerSizes, predictRows, toLayersModel, type DenseLayer } from '../model/mlp'
import { spectralLayers, type VoiceNetworks } from '../model/voice-networks'
import { statsFile, voiceGraphFiles, type VoiceGraph, type VoicePreprocessing } from '../model/voice-package'
import { framePeriodMs } from '../vocoder/defaults'
import { paperWidths, type VoiceWidths } from '../model/voice-config'
import type { VoiceStats } from '../model/voice-stats'
import { scoresTable, type VoiceEvaluation } from './evaluate'

/*
 * Export and install of a trained voice: each network written as an ONNX graph (mlp.ts's Sequential of
 * Dense layers; the tied decoder with W^T written out), checked against TF.js on rows of real input, then
 * the package folder (voice-package.ts's layout) assembled in a staging folder and renamed into place whole.
 */

export interface ExportedGraph {
  bytes: Uint8Array
  inputs: OnnxTensorSignature[]
  outputs: OnnxTensorSignature[]
  layers: DenseLayer[]
}

export function exportVoiceGraphs(nets: VoiceNetworks): Partial<Record<VoiceGraph, ExportedGraph>> {
  const networks: Partial<Record<VoiceGraph, DenseLayer[]>> = { acoustic: nets.acoustic, duration: nets.duration }
  if (nets.system === 'mdnn') Object.assign(networks, { spectral: spectralLayers(nets), postFilter: nets.postFilter! })
  const out: Partial<Record<VoiceGraph, ExportedGraph>> = {}
  for (const [name, layers] of Object.entries(networks) as [VoiceGraph, DenseLayer[]][]) {
    const model = toLayersModel(layers, name)
    try {
      out[name] = { ...exportToOnnxWithSignature(model), layers }
    } finally {
      model.dispose()
    }
  }
  return out
}

/** The largest |ONNX - TF.js| over every graph's outputs on the given rows (`probe(inputs)`: rows and their count). */
export async function onnxAgreement(graphs: Partial<Record<VoiceGraph, ExportedGraph>>, probe: (inputs: number) => { rows: Float32Array; count: number }): Promise<number> {
  let worst = 0
  for (const graph of Object.values(graphs)) {
    const inputs = layerSizes(graph.layers[0]!).inputs
    const { rows, count } = probe(inputs)
    const expected = predictRows(graph.layers, rows, count)
    const session = await openOnnxSession(graph.bytes)
    try {
      const got = (await session.run({ [graph.inputs[0]!.name]: { data: rows, shape: [count, inputs] } }))[graph.outputs[0]!.name]!.data as Float32Array
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - got[i]!))
    } finally {
      await session.release()
    }
  }
  return worst
}

export interface VoiceReportForCard {
  system: 'dnn' | 'mdnn'
  corpus: string
  utterances: { train: number; validation: number }
  trainSeconds: number
  alignment: { labPhones: number; edits: number; mismatchRate: number }
  widths: VoiceWidths
  parameters: Record<string, number>
  epochs: number
  stageEpochs?: Record<string, number>
  batchSize: number
  learningRate: number
  seed: number
  backend: string
  evaluation: VoiceEvaluation | null
  synthetic: boolean
}

export function voiceCard(r: VoiceReportForCard): string {
  const w = r.widths
  const paper = JSON.stringify(w) === JSON.stringify(paperWidths)
  const sizes = (v: number[]): string => v.join(' x ')
  return `# ${r.system === 'mdnn' ? 'MDNNs2' : 'DNN'} voice (statistical parametric speech synthesis)

After Takaki, Kim, Yamagishi & Kim, "Multiple feed-forward deep neural networks for statistical parametric
speech synthesis", Interspeech 2015. System: ${r.system === 'mdnn' ? 'MDNNs2 (spectra from the stacked auto-encoder network and its DNN post-filter; F0 and aperiodicity from the baseline DNN), with the baseline DNN inside' : 'the baseline DNN (mel-cepstra, log F0, band aperiodicity with dynamics; MLPG; cepstral post-filter)'}.

## Data
${r.corpus}: ${r.utterances.train} training and ${r.utterances.validation} held-out utterances, ${(r.trainSeconds / 60).toFixed(1)} min of training speech${r.synthetic ? ', synthesised by festival (cmu_us_slt_arctic_hts): the voice imitates a synthetic voice' : ''}.
Front-end phones against the corpus alignments: ${(100 * r.alignment.mismatchRate).toFixed(1)}% differ (${r.alignment.edits} edits over ${r.alignment.labPhones} phones).

## Settings
16 kHz, 5 ms frames; WORLD-style vocoder (DIO + StoneMask F0, CheapTrick 1025-bin envelope, D4C band aperiodicity).
Duration DNN ${sizes(w.duration)}; baseline DNN ${sizes(w.acoustic)}${r.system === 'mdnn' ? `; auto-encoder 1025-${sizes(w.autoencoder).replace(/ x /g, '-')}-... tied; bottleneck DNN ${sizes(w.bottleneck)}; post-filter ${sizes(w.postFilter)}` : ''}${paper ? " (the paper's sizes)" : ' (smaller than the paper\'s)'}.
Parameters: ${Object.entries(r.parameters).map(([k, v]) => `${k} ${v}`).join(', ')}.
Hidden units sigmoid; Adam, learning rate ${r.learningRate}, batch ${r.batchSize} frames, ${counted(r.epochs, 'epoch')} per stage${r.stageEpochs ? ` (${Object.entries(r.stageEpochs).map(([stage, n]) => `${stage} ${n}`).join(', ')})` : ''}, seed ${r.seed}, TF.js backend ${r.backend}.

## Objective scores (held-out utterances, natural durations)
${r.evaluation ? scoresTable(r.evaluation) : 'Not measured.'}

## Limits
English text only (the front end's CMUdict and letter-to-sound rules); one speaker; its quality is bounded by
the size of the corpus and the number of epochs above. Scores are on ${r.utterances.validation} held-out sentence(s) of the same corpus,
which says little about other text. Not for impersonating anyone.
`
}

/** Writes the whole voice package into `dir` (replacing an earlier one of the same id) atomically. */
export async function writeVoicePackage(
  dir: string,
  graphs: Partial<Record<VoiceGraph, ExportedGraph>>,
  stats: VoiceStats,
  meta: Omit<ModelMeta, 'inputs' | 'outputs' | 'preprocessing'> & { preprocessing: Omit<VoicePreprocessing, 'graphs' | 'stats' | 'sampleRate' | 'symbols' | 'vocoder' | 'framePeriodMs'> },
  card: string,
): Promise<void> {
  const acoustic = graphs.acoustic
  if (!acoustic || !graphs.duration) throw new PerceptError('INTERNAL', 'A voice needs its acoustic and duration graphs.')
  const graphEntries = Object.fromEntries(
    (Object.entries(graphs) as [VoiceGraph, ExportedGraph][]).map(([name, g]) => [name, { file: voiceGraphFiles[name], input: g.inputs[0]!.name, output: g.outputs[0]!.name }]),
  )
  const full = parseModelMeta({
    ...meta,
    inputs: acoustic.inputs.map((s) => ({ ...s, description: 'z-scored frame features: linguistic features of the phone, then 4 frame-position features' })),
    outputs: acoustic.outputs.map((s) => ({ ...s, description: 'z-scored mel-cepstra, log F0, band aperiodicity, their deltas and delta-deltas, voicing' })),
    preprocessing: {
      sampleRate: 16000,
      symbols: 'phonemes',
      vocoder: 'world-like: DIO+StoneMask F0, CheapTrick envelope (FFT 2048), D4C band aperiodicity',
      framePeriodMs,
      graphs: graphEntries,
      stats: statsFile,
      ...meta.preprocessing,
    },
  })
  await mkdir(join(dir, '..'), { recursive: true })
  const exists = await pathExists(dir)
  const staging = await stagingDirBeside(dir)
  try {
    for (const [name, g] of Object.entries(graphs) as [VoiceGraph, ExportedGraph][]) await writeFileAtomic(join(staging, voiceGraphFiles[name]), g.bytes)
    await writeFileAtomic(join(staging, statsFile), JSON.stringify(stats))
    await writeFileAtomic(join(staging, META_FILE), JSON.stringify(full, null, 2) + '\n')
    await writeFileAtomic(join(staging, CARD_FILE), card)
    await renameIntoPlace(staging, dir, exists)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
}
