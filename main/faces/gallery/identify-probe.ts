import { basename } from 'node:path'
import { PerceptError } from '../../core/errors'
import { readFaceImage, type GreyImage } from '../face-image'
import { identify } from '../identify'
import { norm } from '../linear-algebra'
import { downsample, formatResolution, type Resolution } from '../resolution'
import { lowResolutionVector } from '../slrfr'
import { buildDictionaries, MAX_MATCH_PIXELS, type BuildOptions } from './dictionaries'
import type { GalleryStore } from './gallery-store'

/**
 * Identifying a low-resolution probe against the gallery (equations 6 to 9): the probe, at its own size
 * unless a smaller resolution is asked for, is matched with the dictionaries of that resolution (built
 * first when the cache is missing or out of date) and the people are ranked by the residual of its
 * projection onto each person's dictionary.
 */

export interface ProbeCandidate {
  rank: number
  personId: string
  person: string
  /** ||(I - P_i) y|| in feature space, y scaled to unit length: 0 is a perfect fit, 1 no fit at all. */
  residual: number
  /** P_i y as a picture at the probe resolution, at the probe's brightness (y's scale restored). */
  reconstruction: GreyImage
}

export interface ProbeIdentification {
  resolution: string
  candidates: ProbeCandidate[]
  /** Seconds for the whole call: reading the probe, the dictionaries (cached or built) and ranking. */
  seconds: number
  /** Whether the dictionaries had to be built for this call. */
  built: boolean
}

export interface IdentifyProbeOptions {
  /** How many candidates to return (default 5; at most the number of people). */
  top?: number
  /** Match at this resolution (the probe is smoothed and downsampled to it); default: the probe's own size. */
  resolution?: Resolution
  build?: BuildOptions
}

/** Checks a probe against the gallery's crop and picks the resolution; VALIDATION with what to do otherwise. */
export function probeResolution(probe: GreyImage, name: string, crop: Resolution, asked?: Resolution): Resolution {
  const size = formatResolution(probe)
  if (probe.height > crop.height || probe.width > crop.width) {
    throw new PerceptError(
      'VALIDATION',
      `${name} is ${size} pixels (height x width), larger than the gallery's ${formatResolution(crop)} face crop: this method identifies low-resolution faces (such as 7x6 to 20x20). ` +
        `Crop the face alone from the image, at the resolution it was captured.`,
    )
  }
  if (probe.height < 2 || probe.width < 2) throw new PerceptError('VALIDATION', `${name} is ${size} pixels; a probe needs at least 2x2.`)
  if (!asked && probe.height * probe.width > MAX_MATCH_PIXELS) {
    throw new PerceptError(
      'VALIDATION',
      `${name} is ${size} pixels, more than the ${MAX_MATCH_PIXELS} a low-resolution match uses. Ask for a smaller resolution (such as 12x10) to match it smoothed and downsampled.`,
    )
  }
  if (!asked) return { height: probe.height, width: probe.width }
  if (asked.height > probe.height || asked.width > probe.width) {
    throw new PerceptError(
      'VALIDATION',
      `${name} is ${size} pixels, smaller than the resolution ${formatResolution(asked)} asked for: a probe is never enlarged. Leave the resolution out to match at the probe's own size, or ask for a smaller one.`,
    )
  }
  return asked
}

/** Ranks the gallery's people for one probe (a file, or an image already decoded). */
export async function identifyProbe(store: GalleryStore, probe: string | GreyImage, options: IdentifyProbeOptions = {}): Promise<ProbeIdentification> {
  const started = performance.now()
  const top = options.top ?? 5
  if (!Number.isInteger(top) || top < 1) throw new PerceptError('VALIDATION', `The number of candidates is a whole number, 1 or more; got ${top}.`)
  const name = typeof probe === 'string' ? basename(probe) : 'the probe'
  const image = typeof probe === 'string' ? await readFaceImage(probe) : probe
  const resolution = probeResolution(image, name, store.crop, options.resolution)
  const first = image.data[0]!
  if (image.data.every((v) => v === first)) throw new PerceptError('VALIDATION', `${name}: every pixel has the same value, so there is no face to match.`)
  const { dictionaries, cached } = await buildDictionaries(store, resolution, options.build)
  const matched = image.height === resolution.height && image.width === resolution.width ? image : downsample(image, resolution)
  // lowResolutionVector scales to unit length; the probe's own length brings reconstructions back to its brightness.
  const scale = norm(matched.data)
  const small = lowResolutionVector(matched, resolution)
  const names = new Map(store.listPeople().map((p) => [p.id, p.name]))
  const candidates = identify(dictionaries.model, small, Math.min(top, dictionaries.people.length)).map((c, i) => {
    const personId = dictionaries.people[c.index]!.id
    return {
      rank: i + 1,
      personId,
      person: names.get(personId) ?? personId,
      residual: c.residualNorm,
      reconstruction: { height: resolution.height, width: resolution.width, data: c.reconstruction.map((v) => v * scale) },
    }
  })
  return { resolution: formatResolution(resolution), candidates, seconds: Math.round(performance.now() - started) / 1000, built: !cached }
}
