import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'

export interface WeightArray {
  data: Float32Array
  dims: number[]
}

/** A layer's serialised config as a plain record (what `getConfig()` returns). */
export function layerConfig(layer: tfl.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>
}

/** The layer's weight whose original name ends in `/<shortName>` ('kernel', 'bias', 'gamma', ...), or null. */
export function findWeight(layer: tfl.layers.Layer, shortName: string): tfl.LayerVariable | null {
  return layer.weights.find((w) => w.originalName === shortName || w.originalName.endsWith(`/${shortName}`)) ?? null
}

export function requireWeight(layer: tfl.layers.Layer, shortName: string): tfl.LayerVariable {
  const weight = findWeight(layer, shortName)
  if (!weight) throw new Error(`layer '${layer.name}' has no weight '${shortName}' (is it built?)`)
  return weight
}

/** The weight's values as float32, optionally transposed by `perm` and then reshaped to `reshape`. */
export function weightArray(weight: tfl.LayerVariable, perm?: readonly number[], reshape?: readonly number[]): WeightArray {
  const value = weight.read()
  // Only the tensor comes out of tidy: tidy walks what its function returns element by element, and a typed
  // array of 2^24 values or more (a large dense kernel) overflows the Set it collects them in.
  const t = reshape || perm
    ? tf.tidy(() => {
        let x: tf.Tensor = value
        if (reshape) x = tf.reshape(x, [...reshape])
        if (perm) x = tf.transpose(x, [...perm])
        return x
      })
    : value
  try {
    return { data: Float32Array.from(t.dataSync() as Float32Array), dims: [...t.shape] }
  } finally {
    if (t !== value) t.dispose()
  }
}

/** Float64 copy of a weight's values, for folding constants (batch norm) without float32 round-off. */
export function weightValues(weight: tfl.LayerVariable): Float64Array {
  return Float64Array.from(weight.read().dataSync() as Float32Array)
}
