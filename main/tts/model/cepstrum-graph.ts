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
 * postFilteredSpectrum does frame by frame; both come from one run.
 */

const input = 'mc'
const output = 'power'
const energy = 'energy'

function graphBytes(order: number, bins: number, alpha: number): Uint8Array {
  const table = warpedCosines(order, bins, alpha)
  // Twice the cosines: the product is the log power, so Exp needs no scaling first.
  const transposed = new Float32Array((order + 1) * bins)
  for (let k = 0; k < bins; k++) for (let m = 0; m <= order; m++) transposed[m * bins + k] = 2 * table[k * (order + 1) + m]!
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

export class CepstrumSpectra {
  private constructor(
    private readonly session: OnnxModelSession,
    readonly order: number,
    readonly bins: number,
  ) {}

  static async open(order: number, bins: number, alpha = allPassConstant): Promise<CepstrumSpectra> {
    return new CepstrumSpectra(await openOnnxSession(graphBytes(order, bins, alpha), voiceSessionOptions), order, bins)
  }

  /** Frame-major mel-cepstra (frames x (order + 1)) to one power spectrum per frame, post-filtered with `beta` unless it is 0. */
  async spectra(mc: ArrayLike<number>, frames: number, beta = postFilterBeta): Promise<Float64Array[]> {
    const dims = this.order + 1
    const { bins } = this
    const sharpen = beta !== 0
    const rows = new Float32Array((sharpen ? 2 : 1) * frames * dims)
    for (let i = 0; i < frames * dims; i++) rows[i] = mc[i]!
    if (sharpen) for (let i = 0; i < frames * dims; i++) rows[frames * dims + i] = i % dims >= 2 ? mc[i]! * (1 + beta) : mc[i]!
    const result = await this.session.run({ [input]: { data: rows, shape: [rows.length / dims, dims] } }, [output, energy])
    const power = result[output]!.data as Float32Array
    const energies = result[energy]!.data as Float32Array
    return Array.from({ length: frames }, (_, t) => {
      if (!sharpen) return Float64Array.from(power.subarray(t * bins, (t + 1) * bins))
      const out = new Float64Array(bins)
      const after = energies[frames + t]!
      const scale = after > 0 ? energies[t]! / after : 1
      for (let k = 0, j = (frames + t) * bins; k < bins; k++, j++) out[k] = power[j]! * scale
      return out
    })
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
