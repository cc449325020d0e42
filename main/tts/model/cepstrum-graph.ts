import { encodeModel, int64Tensor, makeTensor, makeValueInfo } from '../../compute/onnx'
import { openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { allPassConstant } from '../vocoder/defaults'
import { voiceSessionOptions } from './voice-config'
import { warpedCosines } from '../vocoder/mel-cepstrum'
import { postFilterBeta } from './cepstral-post-filter'

/*
 * The baseline's mel-cepstra to power spectra for a whole sentence in one graph run: log|H|^2 = MC x 2C,
 * C[m][k] = cos(m b(w_k)) (mel-cepstrum.ts's closed form), then Exp and each frame's energy (ReduceSum), run
 * by onnxruntime (a 60 x 1025 MatMul and vectorised exponentials, a few milliseconds a sentence) instead of
 * 61,500 multiply-adds and 1025 Math.exp per frame in JavaScript (the exponentials alone were the largest
 * cost of the DNN system's generation). The cepstral post-filter is the same product on the sharpened
 * cepstra (coefficients from c2 on times 1 + beta), rescaled per frame to the unfiltered energy, as
 * postFilteredSpectrum does frame by frame.
 * The vocoder reads the envelope at its own (coarser) bins only (synthesis.ts: every other bin for its
 * 1024-point responses), so a caller may ask for every `step`-th bin: the graph's columns hold the even bins
 * first, so those are one contiguous copy per frame. The energies still sum every bin (the post-filter's
 * rescaling is that of the full spectrum), and of the unfiltered spectra only the energies leave the graph.
 */

const input = 'mc'
const output = 'power'
const energy = 'energy'

function graphBytes(order: number, bins: number, alpha: number): Uint8Array {
  const table = warpedCosines(order, bins, alpha)
  // Twice the cosines: the product is the log power, so Exp needs no scaling first.
  // Column j holds bin columnBin(j): the even bins, then the odd ones.
  const transposed = new Float32Array((order + 1) * bins)
  for (let j = 0; j < bins; j++) {
    const k = columnBin(j, bins)
    for (let m = 0; m <= order; m++) transposed[m * bins + j] = 2 * table[k * (order + 1) + m]!
  }
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'percept-workbench',
    graph: {
      name: 'mel_cepstrum_to_power',
      node: [
        { opType: 'MatMul', input: [input, 'cosines'], output: ['log_power'], name: 'warped_cosine_sum' },
        { opType: 'Exp', input: ['log_power'], output: [output], name: 'power' },
        { opType: 'ReduceSum', input: [output, 'bins_axis'], output: [energy], name: 'energy' },
      ],
      initializer: [makeTensor('cosines', [order + 1, bins], transposed), int64Tensor('bins_axis', [1])],
      input: [makeValueInfo(input, 'float32', ['N', order + 1])],
      output: [makeValueInfo(output, 'float32', ['N', bins]), makeValueInfo(energy, 'float32', ['N', 1])],
    },
  })
}

/** The bin in column j of the graph's output: even bins first (0, 2, ..., bins - 1), then odd ones. */
const columnBin = (j: number, bins: number): number => {
  const even = (bins + 1) >> 1
  return j < even ? 2 * j : 2 * (j - even) + 1
}

export class CepstrumSpectra {
  private constructor(
    private readonly session: OnnxModelSession,
    readonly order: number,
    readonly bins: number,
  ) {}

  static async open(order: number, bins: number, alpha = allPassConstant): Promise<CepstrumSpectra> {
    return new CepstrumSpectra(await openOnnxSession(graphBytes(order, bins, alpha), voiceSessionOptions), order, bins)
  }

  /**
   * Frame-major mel-cepstra (frames x (order + 1)) to one power spectrum per frame, post-filtered with
   * `beta` unless it is 0; `step` 2 answers the even bins only ((bins + 1) / 2 of them, what the vocoder reads).
   */
  async spectra(mc: ArrayLike<number>, frames: number, beta = postFilterBeta, step: 1 | 2 = 1): Promise<Float64Array[]> {
    const dims = this.order + 1
    const { bins } = this
    const rows = new Float32Array(frames * dims)
    for (let i = 0; i < frames * dims; i++) rows[i] = mc[i]!
    const run = (data: Float32Array, outputs: string[]) => this.session.run({ [input]: { data, shape: [frames, dims] } }, outputs)
    let scales: Float64Array | null = null
    let power: Float32Array
    if (beta === 0) {
      power = (await run(rows, [output]))[output]!.data as Float32Array
    } else {
      // The unfiltered spectra's energies first (nothing else of them is needed), then the sharpened spectra.
      const before = (await run(rows, [energy]))[energy]!.data as Float32Array
      for (let i = 0; i < frames * dims; i++) if (i % dims >= 2) rows[i] = mc[i]! * (1 + beta)
      const result = await run(rows, [output, energy])
      power = result[output]!.data as Float32Array
      const after = result[energy]!.data as Float32Array
      scales = Float64Array.from(after, (a, t) => (a > 0 ? before[t]! / a : 1))
    }
    const even = (bins + 1) >> 1
    return Array.from({ length: frames }, (_, t) => {
      const scale = scales ? scales[t]! : 1
      const from = t * bins
      if (step === 2) {
        const out = new Float64Array(even)
        for (let j = 0; j < even; j++) out[j] = power[from + j]! * scale
        return out
      }
      const out = new Float64Array(bins)
      for (let j = 0; j < even; j++) out[2 * j] = power[from + j]! * scale
      for (let j = even, k = 1; j < bins; j++, k += 2) out[k] = power[from + j]! * scale
      return out
    })
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
