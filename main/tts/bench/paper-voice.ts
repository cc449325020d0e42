import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { initBackend } from '../../compute/backend'
import { spectrumBins } from '../vocoder/defaults'
import { acousticDims, frameInputSize, mcDims, paperWidths, phoneInputSize, staticDims, streams, type VoiceSystem, type VoiceWidths } from '../model/voice-config'
import { buildVoiceNetworks, disposeVoiceNetworks } from '../model/voice-networks'
import { Voice, type VoicePreprocessing } from '../model/voice-package'
import type { VoiceStats } from '../model/voice-stats'
import { exportVoiceGraphs } from '../train/install-voice'

/*
 * A voice of the paper's network sizes with untrained (seeded Glorot) weights, for timing synthesis where
 * no trained voice of those sizes exists: every graph does the full work of a trained one, and the
 * normalisation is chosen so that what comes out is speech-like in range (durations about 12 frames, F0
 * about 200 Hz, mel-cepstra near a smooth spectrum), so the vocoder and MLPG see ordinary values.
 */

/** Normalisation of plausible ranges for an untrained voice. */
export function syntheticStats(): VoiceStats {
  const mean = new Array<number>(acousticDims).fill(0)
  const std = new Array<number>(acousticDims).fill(0.05)
  mean[streams.mc] = -4
  mean[streams.lf0] = Math.log(200)
  for (let d = streams.bap; d < staticDims; d++) (mean[d] = -20), (std[d] = 2)
  for (let d = 0; d < mcDims; d++) std[d] = d === 0 ? 0.5 : 0.05
  mean[acousticDims - 1] = 0.6
  std[acousticDims - 1] = 0.2
  return {
    frameInput: { mean: new Array(frameInputSize).fill(0), std: new Array(frameInputSize).fill(1) },
    phoneInput: { mean: new Array(phoneInputSize).fill(0), std: new Array(phoneInputSize).fill(1) },
    acoustic: { mean, std },
    duration: { mean: 12, std: 2 },
    spectrum: { min: new Array(spectrumBins).fill(-9), max: new Array(spectrumBins).fill(-1) },
  }
}

interface GraphEntry {
  file: string
  input: string
  output: string
}

/** Exports the graphs of an untrained voice, or reads them from `cacheDir` where an earlier run left them (export of 30 M weights takes minutes). */
async function untrainedGraphs(system: VoiceSystem, widths: VoiceWidths, seed: number, cacheDir?: string): Promise<{ entries: Record<string, GraphEntry>; bytes: Record<string, Uint8Array> }> {
  const dir = cacheDir ? join(cacheDir, 'tts-untrained-voice', `${system}-${seed}-${Object.values(widths).map((w) => w.join('x')).join('-')}`) : undefined
  if (dir) {
    try {
      const entries = JSON.parse(await readFile(join(dir, 'graphs.json'), 'utf8')) as Record<string, GraphEntry>
      const bytes: Record<string, Uint8Array> = {}
      for (const [name, entry] of Object.entries(entries)) bytes[name] = new Uint8Array(await readFile(join(dir, entry.file)))
      return { entries, bytes }
    } catch {
      // absent or damaged: exported below
    }
  }
  await initBackend()
  const nets = buildVoiceNetworks(system, widths, seed)
  let graphs: ReturnType<typeof exportVoiceGraphs>
  try {
    graphs = exportVoiceGraphs(nets)
  } finally {
    disposeVoiceNetworks(nets)
  }
  const entries = Object.fromEntries(Object.entries(graphs).map(([k, g]) => [k, { file: `${k.toLowerCase()}.onnx`, input: g.inputs[0]!.name, output: g.outputs[0]!.name }]))
  const bytes = Object.fromEntries(Object.entries(graphs).map(([k, g]) => [k, g.bytes]))
  if (dir) {
    await mkdir(dir, { recursive: true })
    for (const [name, entry] of Object.entries(entries)) await writeFileAtomic(join(dir, entry.file), bytes[name]!)
    await writeFileAtomic(join(dir, 'graphs.json'), JSON.stringify(entries))
  }
  return { entries, bytes }
}

/** An untrained voice of `widths` (the paper's by default) speaking `system` (mdnn also carries the dnn). */
export async function untrainedVoice(system: VoiceSystem = 'mdnn', widths: VoiceWidths = paperWidths, options: { seed?: number; cacheDir?: string } = {}): Promise<Voice> {
  const { entries, bytes } = await untrainedGraphs(system, widths, options.seed ?? 1, options.cacheDir)
  const id = `untrained-${system}`
  const preprocessing: VoicePreprocessing = {
    sampleRate: 16000,
    symbols: 'phonemes',
    vocoder: 'world-like',
    system,
    framePeriodMs: 5,
    graphs: entries as VoicePreprocessing['graphs'],
    stats: 'stats.json',
    widths,
    heldOut: [],
    corpus: 'none (untrained)',
  }
  const signature = (name: string) => [{ name, dtype: 'float32', shape: [null, 0] }]
  return Voice.open({
    id,
    meta: { formatVersion: 1, name: id, task: 'speech-synthesis', description: 'untrained voice for timing', inputs: signature(entries.acoustic!.input), outputs: signature(entries.acoustic!.output), preprocessing: {} } as never,
    preprocessing,
    stats: syntheticStats(),
    graphs: bytes,
  })
}
