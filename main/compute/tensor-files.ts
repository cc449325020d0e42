import * as tf from '@tensorflow/tfjs-core'

/** Tensors as a checkpoint's pair of files: the raw data and the JSON specs, in order. */
export async function encodeTensors(tensors: tf.Tensor[]): Promise<{ bin: Uint8Array; json: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((tensor, i) => ({ name: `t${i}`, tensor })))
  return { bin: new Uint8Array(data), json: new TextEncoder().encode(JSON.stringify(specs)) }
}

export function decodeTensors(bin: Uint8Array, json: Uint8Array): tf.Tensor[] {
  const specs = JSON.parse(new TextDecoder().decode(json)) as tf.io.WeightsManifestEntry[]
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer
  const map = tf.io.decodeWeights(buffer, specs)
  return specs.map((spec) => map[spec.name]!)
}
