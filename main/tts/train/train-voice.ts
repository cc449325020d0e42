import * as tf from '@tensorflow/tfjs-core'
import { join } from 'node:path'
import { writeJsonAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import type { JobContext, JsonValue } from '../../core/jobs/kind'
import { initBackend } from '../../compute/backend'
import { seededRandom } from '../../compute/seeded-random'
import { decodeTensors, encodeTensors } from '../../compute/tensor-files'
import { importCorpus } from '../corpus/import-corpus'
import { framePeriodMs, spectrumBins } from '../vocoder/defaults'
import { predictRows, variablesOf, type DenseLayer } from '../model/mlp'
import { segmentRows } from '../model/post-filter'
import { autoEncoderLayers, pretrainLayers } from '../model/tied-autoencoder'
import { parameterCounts, paperWidths, phoneInputSize, frameInputSize, type VoiceSystem, type VoiceWidths } from '../model/voice-config'
import { buildVoiceNetworks, disposeVoiceNetworks, spectralLayers, voiceVariables, type VoiceNetworks } from '../model/voice-networks'
import { Voice, postFilterByDefault } from '../model/voice-package'
import { fitVoiceStats, scaleSpectrum, zScore, type VoiceStats } from '../model/voice-stats'
import { loadAcousticData, type UtteranceData } from './acoustic-data'
import { evaluateVoice } from './evaluate'
import { frameWindows, meanSquaredError, trainEpoch, type Pairs } from './fit'
import { exportVoiceGraphs, onnxAgreement, voiceCard, writeVoicePackage } from './install-voice'
import { epochsOf, reportPath, trainingStages, voiceIdFor, type StageEpoch, type TtsTrainInput, type TtsTrainReport } from './train-job'

/** Share of the progress bar the corpus analysis takes. */
const dataShare = 0.2

/** One part of the corpus, normalised for the networks. */
interface DataSet {
  utterances: UtteranceData[]
  phoneIn: Float32Array
  duration: Float32Array
  phones: number
  frameIn: Float32Array
  acoustic: Float32Array
  frames: number
  /** 0..1 spectra (MDNN only). */
  spectra: Float32Array | null
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) out.set(p, offset), (offset += p.length)
  return out
}

function dataSet(utterances: UtteranceData[], stats: VoiceStats, withSpectra: boolean): DataSet {
  const d = stats.duration
  return {
    utterances,
    phoneIn: zScore(concat(utterances.map((u) => u.phoneInputs)), stats.phoneInput),
    duration: concat(utterances.map((u) => Float32Array.from(u.phoneFrames, (n) => (n - d.mean) / d.std))),
    phones: utterances.reduce((n, u) => n + u.labPhones.length, 0),
    frameIn: zScore(concat(utterances.map((u) => u.frameInputs)), stats.frameInput),
    acoustic: zScore(concat(utterances.map((u) => u.acoustic)), stats.acoustic),
    frames: utterances.reduce((n, u) => n + u.frames, 0),
    spectra: withSpectra ? scaleSpectrum(concat(utterances.map((u) => u.logSpectrum)), stats.spectrum) : null,
  }
}

interface StagePlan {
  layers: DenseLayer[]
  variables: tf.Variable[]
  train: Pairs
  validation: Pairs
}

/** The stacked network's spectra and the natural ones, as post-filter segments made batch by batch. */
function postFilterPairs(nets: VoiceNetworks, set: DataSet): Pairs {
  const lengths = set.utterances.map((u) => u.frames)
  const synthetic = predictRows(spectralLayers(nets), set.frameIn, set.frames)
  return { inputs: frameWindows(synthetic, spectrumBins, lengths), targets: frameWindows(set.spectra!, spectrumBins, lengths), count: set.frames }
}

/** What a stage trains, on what (computed when the stage starts: codes come from the layers trained before it). */
function stagePlan(stage: string, nets: VoiceNetworks, sets: { train: DataSet; validation: DataSet }): StagePlan {
  const both = (f: (s: DataSet) => Pairs): Pick<StagePlan, 'train' | 'validation'> => ({ train: f(sets.train), validation: f(sets.validation) })
  const ae = nets.autoencoder
  const layerMatch = /^autoencoder-layer(\d+)$/.exec(stage)
  if (stage === 'duration') return { layers: nets.duration, variables: variablesOf(nets.duration), ...both((s) => ({ inputs: s.phoneIn, targets: s.duration, count: s.phones })) }
  if (stage === 'acoustic') return { layers: nets.acoustic, variables: variablesOf(nets.acoustic), ...both((s) => ({ inputs: s.frameIn, targets: s.acoustic, count: s.frames })) }
  if (!ae || !nets.bottleneck || !nets.postFilter) throw new Error(`Internal error: stage ${stage} needs the MDNN's networks.`)
  if (layerMatch) {
    const k = Number(layerMatch[1]) - 1
    const layers = pretrainLayers(ae, k)
    const codes = (s: DataSet): Pairs => {
      const x = k === 0 ? s.spectra! : predictRows(ae.encoder.slice(0, k), s.spectra!, s.frames)
      return { inputs: x, targets: x, count: s.frames }
    }
    return { layers, variables: variablesOf(layers), ...both(codes) }
  }
  if (stage === 'autoencoder') {
    const layers = autoEncoderLayers(ae)
    return { layers, variables: variablesOf(layers), ...both((s) => ({ inputs: s.spectra!, targets: s.spectra!, count: s.frames })) }
  }
  if (stage === 'bottleneck') {
    return { layers: nets.bottleneck, variables: variablesOf(nets.bottleneck), ...both((s) => ({ inputs: s.frameIn, targets: predictRows(ae.encoder, s.spectra!, s.frames), count: s.frames })) }
  }
  if (stage === 'stacked') {
    const layers = spectralLayers(nets)
    return { layers, variables: variablesOf(layers), ...both((s) => ({ inputs: s.frameIn, targets: s.spectra!, count: s.frames })) }
  }
  if (stage === 'postfilter') return { layers: nets.postFilter, variables: variablesOf(nets.postFilter), ...both((s) => postFilterPairs(nets, s)) }
  throw new Error(`Internal error: unknown stage ${stage}.`)
}

/** The held-out utterances: a seeded tenth of the corpus, at least one. */
export function heldOutIds(ids: readonly string[], seed: number): string[] {
  const order = [...ids].sort()
  const random = seededRandom(seed * 31 + 7)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order.slice(0, Math.max(1, Math.round(order.length / 10))).sort()
}

export async function trainVoice(input: TtsTrainInput, ctx: JobContext): Promise<TtsTrainReport> {
  const backend = await initBackend()
  ctx.progress(0, 'reading the corpus')
  const { report: corpusReport, utterances } = await importCorpus(input.corpus)
  for (const p of corpusReport.problems.slice(0, 50)) ctx.log('warn', `${p.file}: ${p.problem}`)
  if (corpusReport.problems.length > 50) ctx.log('warn', `... and ${corpusReport.problems.length - 50} more problems`)
  if (utterances.length < 2) {
    throw new PerceptError('VALIDATION', `${input.corpus} has ${utterances.length} usable utterance(s); training needs at least 2 (one is held out). Fix the problems \`percept tts corpus import\` lists, or add utterances.`)
  }
  const heldOut = heldOutIds(utterances.map((u) => u.id), input.seed)
  const data = await loadAcousticData(utterances, {
    cacheDir: ctx.cacheDir,
    signal: ctx.signal,
    progress: (done, total) => ctx.progress((dataShare * done) / total, `analysing ${done}/${total}`),
  })
  const labPhones = data.reduce((n, u) => n + u.alignment.labPhones, 0)
  const edits = data.reduce((n, u) => n + u.alignment.edits, 0)
  const alignment = { labPhones, edits, mismatchRate: edits / Math.max(1, labPhones) }
  ctx.log('info', `${utterances.length} utterances (${heldOut.length} held out); front-end phones differ from the alignments' in ${(100 * alignment.mismatchRate).toFixed(1)}% (${edits} edits over ${labPhones} phones); backend ${backend}`)
  const train = data.filter((u) => !heldOut.includes(u.id))
  const validationData = data.filter((u) => heldOut.includes(u.id))
  const stats = fitVoiceStats(train)
  const widths: VoiceWidths = { ...paperWidths, ...(input.widths ?? {}) }
  const mdnn = input.system === 'mdnn'
  const sets = { train: dataSet(train, stats, mdnn), validation: dataSet(validationData, stats, mdnn) }
  const nets = buildVoiceNetworks(input.system, widths, input.seed)
  const stages = trainingStages(input.system, widths.autoencoder.length)
  const unknown = Object.keys(input.stageEpochs ?? {}).filter((name) => !stages.includes(name))
  if (unknown.length) throw new PerceptError('VALIDATION', `No stage ${unknown.join(', ')} in a voice of system ${input.system}: give --stage-epochs stages among ${stages.join(', ')}.`)
  const variables = voiceVariables(nets)
  const history: StageEpoch[] = []

  let resumeStage = 0
  let resumeEpoch = 0
  let slots: tf.Tensor[] | null = null
  const checkpoint = await ctx.checkpoint.load()
  if (checkpoint) {
    const saved = decodeTensors(checkpoint.files['weights.bin']!, checkpoint.files['weights.json']!)
    if (saved.length !== variables.length) throw new PerceptError('VALIDATION', 'The checkpoint does not match the networks of this input; start a new run.')
    variables.forEach((v, i) => v.assign(saved[i]!))
    tf.dispose(saved)
    resumeStage = Number(checkpoint.state.stage)
    resumeEpoch = Number(checkpoint.state.stageEpoch)
    history.push(...(checkpoint.state.history as unknown as StageEpoch[]))
    if (resumeEpoch < epochsOf(input, stages[resumeStage]!)) slots = decodeTensors(checkpoint.files['optimizer.bin']!, checkpoint.files['optimizer.json']!)
    ctx.log('info', `resuming after stage ${stages[resumeStage]}, epoch ${resumeEpoch}`)
  }

  try {
    for (let s = 0; s < stages.length; s++) {
      const stage = stages[s]!
      const epochs = epochsOf(input, stage)
      if (s < resumeStage || (s === resumeStage && resumeEpoch >= epochs)) continue
      const plan = stagePlan(stage, nets, sets)
      const optimizer = tf.train.adam(input.learningRate)
      let first = 1
      if (s === resumeStage && slots) {
        await optimizer.setWeights(slots.map((tensor, i) => ({ name: `t${i}`, tensor })))
        first = resumeEpoch + 1
        slots = null
      }
      ctx.log('info', `${stage}: ${plan.train.count} training rows, ${plan.validation.count} held-out`)
      for (let epoch = first; epoch <= epochs; epoch++) {
        const started = performance.now()
        let steps = 0
        const loss = await trainEpoch(plan.layers, plan.variables, optimizer, plan.train, {
          batchSize: input.batchSize,
          seed: input.seed * 1000 + s * 100 + epoch,
          signal: ctx.signal,
          onBatch: (b, batches) => {
            steps = batches
            ctx.progress(dataShare + ((1 - dataShare) * (s + (epoch - 1 + b / batches) / epochs)) / (stages.length + 0.5), `${stage}: epoch ${epoch}/${epochs}`)
          },
        })
        const stepSeconds = (performance.now() - started) / 1000 / Math.max(1, steps)
        const validationLoss = meanSquaredError(plan.layers, plan.validation)
        const global = history.length + 1
        ctx.metric({ epoch: global, name: `${stage}.loss`, value: loss })
        ctx.metric({ epoch: global, name: `${stage}.validation_loss`, value: validationLoss })
        history.push({ stage, epoch, loss, validationLoss, stepSeconds })
        if (!Number.isFinite(loss)) throw new PerceptError('INTERNAL', `${stage}: the loss became ${loss} at epoch ${epoch}; try a lower learning rate.`)
        const weights = await encodeTensors(variables)
        const moments = await encodeTensors((await optimizer.getWeights()).map((w) => w.tensor))
        await ctx.checkpoint.save(
          { epoch: global, stage: s, stageName: stage, stageEpoch: epoch, history: history as unknown as JsonValue },
          { 'weights.bin': weights.bin, 'weights.json': weights.json, 'optimizer.bin': moments.bin, 'optimizer.json': moments.json },
        )
      }
      optimizer.dispose()
    }
    const report: TtsTrainReport = {
      system: input.system,
      corpus: input.corpus,
      utterances: { train: train.length, validation: validationData.length },
      heldOut,
      alignment,
      widths,
      parameters: parameterCounts(widths, input.system),
      epochs: input.epochs,
      ...(input.stageEpochs && Object.keys(input.stageEpochs).length ? { stageEpochs: input.stageEpochs } : {}),
      stages,
      history,
      evaluation: null,
      onnxMaxDifference: null,
      modelId: null,
      backend,
    }
    if (input.exportModel) await install(report, nets, stats, sets, input, ctx)
    await writeJsonAtomic(reportPath(ctx), report)
    return report
  } finally {
    tf.dispose(slots ?? [])
    disposeVoiceNetworks(nets)
  }
}

/** Exports, checks and scores the voice, and installs it; fills the report's last fields. */
async function install(report: TtsTrainReport, nets: VoiceNetworks, stats: VoiceStats, sets: { train: DataSet; validation: DataSet }, input: TtsTrainInput, ctx: JobContext): Promise<void> {
  const { validation } = sets
  const trainFrames = sets.train.frames
  // The fixture corpus's utterances are festival's (fixture.ts names them fixture_NNNN).
  const synthetic = [...sets.train.utterances, ...validation.utterances].every((u) => u.id.startsWith('fixture_'))
  ctx.progress(dataShare + (1 - dataShare) * (1 - 0.5 / (report.stages.length + 0.5)), 'exporting and scoring the voice')
  const graphs = exportVoiceGraphs(nets)
  // Held-out rows of each graph's own input: frame features, phone features, or post-filter segments.
  report.onnxMaxDifference = await onnxAgreement(graphs, (inputs) => {
    const count = inputs === phoneInputSize ? Math.min(32, validation.phones) : Math.min(32, validation.frames)
    if (inputs === phoneInputSize) return { rows: validation.phoneIn.slice(0, count * inputs), count }
    if (inputs === frameInputSize) return { rows: validation.frameIn.slice(0, count * inputs), count }
    // Segments of the first utterance's frames (enough of them, without segmenting the whole held-out set).
    const first = validation.utterances[0]!.frames
    return { rows: segmentRows(validation.spectra!.subarray(0, first * spectrumBins), first, spectrumBins).slice(0, Math.min(count, first) * inputs), count: Math.min(count, first) }
  })
  if (report.onnxMaxDifference > 1e-3) ctx.log('warn', `the ONNX graphs differ from TF.js by up to ${report.onnxMaxDifference}`)
  const id = voiceIdFor(input.system, ctx.jobId)
  const preprocessing = { system: input.system, widths: report.widths, heldOut: report.heldOut, corpus: input.corpus, postFilterNetwork: undefined as boolean | undefined, cepstralPostFilter: undefined as boolean | undefined }
  const meta = {
    formatVersion: 1 as const,
    name: id,
    task: 'speech-synthesis' as const,
    description: `${input.system === 'mdnn' ? 'MDNNs2' : 'DNN'} voice after Takaki et al. (2015), trained on ${input.corpus}`,
    provenance: {
      dataset: input.corpus,
      runId: ctx.jobId,
      createdAt: new Date().toISOString(),
      framework: 'tfjs 4.22',
      testExamples: validation.utterances.length,
    },
  }
  // Scored through the exported graphs, as `tts say` will run them.
  const voice = await Voice.open({ id, meta: { ...meta, inputs: graphs.acoustic!.inputs, outputs: graphs.acoustic!.outputs, preprocessing: {} }, preprocessing: { sampleRate: 16000, symbols: 'phonemes', vocoder: '', framePeriodMs: 5, graphs: Object.fromEntries(Object.entries(graphs).map(([k, g]) => [k, { file: `${k}.onnx`, input: g.inputs[0]!.name, output: g.outputs[0]!.name }])) as never, stats: 'stats.json', ...preprocessing }, stats, graphs: Object.fromEntries(Object.entries(graphs).map(([k, g]) => [k, g.bytes])) })
  try {
    report.evaluation = await evaluateVoice(voice, validation.utterances, ctx.signal)
  } finally {
    await voice.release()
  }
  // Each post-filter (the DNN's cepstral one, MDNNs2's network) speaks by default only where it lowered the held-out MCD.
  const lowersMcd = (system: VoiceSystem): boolean => {
    const mcdOf = (postFilter: boolean) => report.evaluation!.systems.find((s) => s.system === system && s.postFilter === postFilter)?.mcd ?? null
    const [withIt, without] = [mcdOf(true), mcdOf(false)]
    return withIt === null || without === null || withIt < without
  }
  preprocessing.cepstralPostFilter = lowersMcd('dnn')
  if (input.system === 'mdnn') preprocessing.postFilterNetwork = lowersMcd('mdnn')
  const main = report.evaluation.systems.find((s) => s.system === input.system && s.postFilter === postFilterByDefault(preprocessing, input.system))
  const metrics: Record<string, number> = {}
  for (const [k, v] of Object.entries({ mcd: main?.mcd, lsd: main?.logSpectralDistance, f0_rmse_cents: main?.f0RmseCents, vuv_error: main?.vuvError })) if (typeof v === 'number') metrics[k] = v
  for (const [name, value] of Object.entries(metrics)) ctx.metric({ epoch: report.history.length, name: `validation_${name}`, value })
  const card = voiceCard({
    ...report,
    batchSize: input.batchSize,
    learningRate: input.learningRate,
    seed: input.seed,
    trainSeconds: (trainFrames * framePeriodMs) / 1000,
    synthetic,
  })
  await writeVoicePackage(join(ctx.modelsDir, id), graphs, stats, { ...meta, provenance: { ...meta.provenance, metrics, synthetic }, preprocessing }, card)
  report.modelId = id
  ctx.log('info', `installed the voice as models/${id}`)
}
