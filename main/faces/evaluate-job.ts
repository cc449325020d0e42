import { setImmediate as yieldToEvents } from 'node:timers/promises'
import { basename } from 'node:path'
import { faceEvaluationInputSchema, type FaceEvaluationResult } from '../api/faces'
import { PerceptError } from '../core/errors'
import { defineJobKind, type JobContext } from '../core/jobs/kind'
import { deepFeatures } from './deep-baseline'
import { evaluatePie, EVAL_METHODS } from './evaluate'
import { readFaceDataset } from './face-dataset'
import { CANONICAL_CROP } from './face-shape'
import { MAX_MATCH_PIXELS } from './gallery/dictionaries'
import { formatResolution, parseResolution, type Resolution } from './resolution'

/**
 * faces.evaluate: the PIE protocol of evaluate.ts as a job, for the Faces workspace's evaluation tab.
 * The protocol runs one gallery index at a time (the same pooled scores as evaluatePie over all of them:
 * every index has as many probes, so the pooled CMC is the mean of the per-index ones), and the worker's
 * event loop turns between indices, so a cancel arrives and stops it there and progress is exact.
 */

/** Resolutions of the input checked as the method needs them: at most the crop, at most MAX_MATCH_PIXELS. */
export function evaluationResolutions(texts: readonly string[]): Resolution[] {
  const resolutions = texts.map((text) => parseResolution(text, CANONICAL_CROP))
  for (const r of resolutions) {
    if (r.height * r.width > MAX_MATCH_PIXELS) {
      throw new PerceptError(
        'VALIDATION',
        `The resolution ${formatResolution(r)} has ${r.height * r.width} pixels; the evaluation is for low-resolution faces of at most ${MAX_MATCH_PIXELS} pixels (such as 20x20). Choose a smaller resolution.`,
      )
    }
  }
  const seen = new Set<string>()
  return resolutions.filter((r) => !seen.has(formatResolution(r)) && Boolean(seen.add(formatResolution(r))))
}

/** Means of equally long number lists, element by element. */
function meanOf(lists: number[][]): number[] {
  return lists[0]!.map((_, i) => lists.reduce((sum, list) => sum + list[i]!, 0) / lists.length)
}

export async function runFaceEvaluation(
  input: { dataset: string; resolutions: string[]; galleryImages?: number[] | undefined },
  ctx: Pick<JobContext, 'signal' | 'progress' | 'log'>,
): Promise<FaceEvaluationResult> {
  const started = performance.now()
  const resolutions = evaluationResolutions(input.resolutions)
  ctx.progress(0, 'reading the data set')
  const dataset = await readFaceDataset(input.dataset)
  const fewest = Math.min(...dataset.people.map((p) => p.images.length))
  const gallery = input.galleryImages ?? Array.from({ length: fewest }, (_, g) => g)
  const bad = gallery.find((g) => g >= fewest)
  if (bad !== undefined) {
    const who = dataset.people.find((p) => p.images.length <= bad)!
    throw new PerceptError('VALIDATION', `Gallery index ${bad} is out of range: ${who.name} has only ${who.images.length} images. Use indices from 0 to ${fewest - 1}.`)
  }
  ctx.log('info', `${dataset.people.length} people, ${fewest} or more images each; gallery indices ${gallery.join(', ')}; ${resolutions.map(formatResolution).join(', ')}`)
  const people = dataset.people.map((p) => ({ name: p.name, images: p.images }))
  // The deep descriptors first (about half the work), then the protocol per gallery index.
  const deep = await deepFeatures(people, resolutions, async (done, total, stage) => {
    ctx.progress((0.5 * done) / total, stage)
    await yieldToEvents()
    ctx.signal.throwIfAborted()
  })
  const perIndex: ReturnType<typeof evaluatePie>[] = []
  for (const [i, g] of gallery.entries()) {
    ctx.signal.throwIfAborted()
    ctx.progress(0.5 + (0.5 * i) / gallery.length, `gallery image ${g} (${i + 1} of ${gallery.length})`)
    perIndex.push(evaluatePie(people, { resolutions, galleryImages: [g], deep }))
    // Let a cancel (a message to this thread) arrive before the next index.
    await yieldToEvents()
  }
  ctx.signal.throwIfAborted()
  ctx.progress(1, 'done')
  return {
    dataset: basename(input.dataset),
    people: people.length,
    imagesPerPerson: fewest,
    galleryImages: gallery,
    resolutions: resolutions.map((r, ri) => ({
      resolution: formatResolution(r),
      methods: EVAL_METHODS.map((method, mi) => {
        const cmc = meanOf(perIndex.map((result) => result.resolutions[ri]!.methods[mi]!.cmc))
        return { method, rank1: cmc[0]!, cmc }
      }),
    })),
    seconds: Math.round(performance.now() - started) / 1000,
  }
}

export const facesEvaluateKind = defineJobKind({
  kind: 'faces.evaluate',
  inputSchema: faceEvaluationInputSchema,
  concurrencyGroup: 'default',
  resumable: false,
  title: ({ dataset, resolutions }) => `Face evaluation · ${basename(dataset)} · ${resolutions.join(', ')}`,
  run: (input, ctx) => runFaceEvaluation(input, ctx),
})
