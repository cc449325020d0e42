import { encodeModel, makeTensor, makeValueInfo, openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { voiceSessionOptions } from './voice-config'

/*
 * The MDNN's spectra from its 0..1 scale back to power, a whole sentence in one graph run:
 * power = exp(offset + scaled * scale) per bin (offset = 2 min, scale = 2 (max - min) of the training
 * spectra's log amplitudes, voice-stats.ts's scaleSpectrum inverted), by onnxruntime's vectorised Exp
 * instead of 1025 Math.exp per frame in JavaScript (as cepstrum-graph.ts does for the baseline).
 */

const input = 'scaled'
const output = 'power'

function graphBytes(offset: Float32Array, scale: Float32Array): Uint8Array {
  const bins = offset.length
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'percept-workbench',
    graph: {
      name: 'scaled_spectrum_to_power',
      node: [
        { opType: 'Mul', input: [input, 'scale'], output: ['scaled_log'], name: 'scale' },
        { opType: 'Add', input: ['scaled_log', 'offset'], output: ['log_power'], name: 'offset' },
        { opType: 'Exp', input: ['log_power'], output: [output], name: 'power' },
      ],
      initializer: [makeTensor('scale', [bins], scale), makeTensor('offset', [bins], offset)],
      input: [makeValueInfo(input, 'float32', ['N', bins])],
      output: [makeValueInfo(output, 'float32', ['N', bins])],
    },
  })
}

export class ScaledSpectra {
  private constructor(
    private readonly session: OnnxModelSession,
    readonly bins: number,
  ) {}

  /** `offset` and `scale` per bin (log power = offset + scaled * scale). */
  static async open(offset: ArrayLike<number>, scale: ArrayLike<number>): Promise<ScaledSpectra> {
    return new ScaledSpectra(await openOnnxSession(graphBytes(Float32Array.from(offset), Float32Array.from(scale)), voiceSessionOptions), offset.length)
  }

  /** Frame-major scaled spectra (frames x bins) to one power spectrum per frame. */
  async spectra(scaled: Float32Array, frames: number): Promise<Float64Array[]> {
    const { bins } = this
    const power = (await this.session.run({ [input]: { data: scaled.subarray(0, frames * bins), shape: [frames, bins] } }, [output]))[output]!.data as Float32Array
    return Array.from({ length: frames }, (_, t) => Float64Array.from(power.subarray(t * bins, (t + 1) * bins)))
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}
