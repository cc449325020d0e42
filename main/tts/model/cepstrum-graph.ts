import { encodeModel, makeTensor, makeValueInfo } from '../../compute/onnx'
import { openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { allPassConstant } from '../vocoder/defaults'
import { warpedCosines } from '../vocoder/mel-cepstrum'
import { postFilterBeta } from './cepstral-post-filter'

/*
 * The baseline's mel-cepstra to power spectra for a whole sentence in one matrix product: log|H| = MC x C,
 * C[m][k] = cos(m b(w_k)) (mel-cepstrum.ts's closed form), run by onnxruntime (a 60 x 1025 MatMul, a few
 * milliseconds a sentence) instead of 61,500 multiply-adds per frame in JavaScript (about 0.15 ms a frame,
 * with the post-filter twice that, the largest cost of the DNN system's generation). The cepstral post-filter is the same
 * product on the sharpened cepstra (coefficients from c2 on times 1 + beta), rescaled per frame to the
 * unfiltered power, as postFilteredSpectrum does frame by frame; both come from one run.
 */

const input = 'mc'
const output = 'log_amplitude'

function graphBytes(order: number, bins: number, alpha: number): Uint8Array {
  const table = warpedCosines(order, bins, alpha)
  const transposed = new Float32Array((order + 1) * bins)
  for (let k = 0; k < bins; k++) for (let m = 0; m <= order; m++) transposed[m * bins + k] = table[k * (order + 1) + m]!
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'percept-workbench',
    graph: {
      name: 'mel_cepstrum_to_log_amplitude',
      node: [{ opType: 'MatMul', input: [input, 'cosines'], output: [output], name: 'warped_cosine_sum' }],
      initializer: [makeTensor('cosines', [order + 1, bins], transposed)],
      input: [makeValueInfo(input, 'float32', ['N', order + 1])],
      output: [makeValueInfo(output, 'float32', ['N', bins])],
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
    return new CepstrumSpectra(await openOnnxSession(graphBytes(order, bins, alpha)), order, bins)
  }

  /** Frame-major mel-cepstra (frames x (order + 1)) to one power spectrum per frame, post-filtered with `beta` unless it is 0. */
  async spectra(mc: ArrayLike<number>, frames: number, beta = postFilterBeta): Promise<Float64Array[]> {
    const dims = this.order + 1
    const { bins } = this
    const sharpen = beta !== 0
    const rows = new Float32Array((sharpen ? 2 : 1) * frames * dims)
    for (let i = 0; i < frames * dims; i++) rows[i] = mc[i]!
    if (sharpen) for (let i = 0; i < frames * dims; i++) rows[frames * dims + i] = i % dims >= 2 ? mc[i]! * (1 + beta) : mc[i]!
    const log = (await this.session.run({ [input]: { data: rows, shape: [rows.length / dims, dims] } }, [output]))[output]!.data as Float32Array
    return Array.from({ length: frames }, (_, t) => {
      const out = new Float64Array(bins)
      if (!sharpen) {
        for (let k = 0, i = t * bins; k < bins; k++, i++) out[k] = Math.exp(2 * log[i]!)
        return out
      }
      let before = 0
      let after = 0
      for (let k = 0, i = t * bins, j = (frames + t) * bins; k < bins; k++, i++, j++) {
        before += Math.exp(2 * log[i]!)
        after += out[k] = Math.exp(2 * log[j]!)
      }
      const scale = after > 0 ? before / after : 1
      for (let k = 0; k < bins; k++) out[k]! *= scale
      return out
    })
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
