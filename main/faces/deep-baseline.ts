import { faceDescriptors } from './detect/face-descriptor'
import type { GreyImage } from './face-image'
import { downsample, formatResolution, type Resolution } from './resolution'

/**
 * The fourth baseline, "deep": the face descriptor that ships with the face models (face-api's
 * 128-D recognition net) and nearest neighbour by Euclidean distance, the usual use of that descriptor.
 * The gallery side is the canonical crop; probes are brought to the probe resolution the same way as for
 * the other methods (smoothing, then downsampling) and enlarged to the net's input (face-descriptor.ts).
 */

export interface DeepFeatures {
  /** gallery[person][image]: descriptors of the canonical crops. */
  gallery: Float32Array[][]
  /** probes[resolution][person][image]: descriptors of the low-resolution images. */
  probes: Float32Array[][][]
}

/** Descriptors of every image at the crop and at each resolution; `onProgress` hears "k of n" lines. */
export async function deepFeatures(
  people: readonly { images: readonly GreyImage[] }[],
  resolutions: readonly Resolution[],
  onProgress?: (done: number, total: number, stage: string) => void | Promise<void>,
): Promise<DeepFeatures> {
  const counts = people.map((p) => p.images.length)
  const total = counts.reduce((a, b) => a + b, 0) * (1 + resolutions.length)
  let before = 0
  const describe = async (images: GreyImage[], stage: string): Promise<Float32Array[][]> => {
    const flat = await faceDescriptors(images, (done) => onProgress?.(before + done, total, stage))
    before += images.length
    let at = 0
    return counts.map((n) => flat.slice(at, (at += n)))
  }
  const gallery = await describe(people.flatMap((p) => [...p.images]), 'descriptors of the crops')
  const probes: Float32Array[][][] = []
  for (const r of resolutions) {
    const small = people.flatMap((p) => p.images.map((image) => (image.height === r.height && image.width === r.width ? image : downsample(image, r))))
    probes.push(await describe(small, `descriptors at ${formatResolution(r)}`))
  }
  return { gallery, probes }
}

/** Classes by the distance of their gallery descriptor to the probe's, nearest first (ties keep class order). */
export function rankByDescriptor(gallery: readonly Float32Array[], probe: Float32Array): number[] {
  const distance = gallery.map((g) => {
    let d = 0
    for (let i = 0; i < g.length; i++) d += (g[i]! - probe[i]!) ** 2
    return d
  })
  return distance.map((d, index) => ({ d, index })).sort((a, b) => a.d - b.d || a.index - b.index).map((e) => e.index)
}
