/**
 * The model on one patch with onnxruntime-node (the session's CPU provider runs one intra-op thread per core),
 * then per voxel: the label (argmax; a tie goes to the lower label), its probability (the confidence) and the
 * margin to the second label (top probability minus the runner-up's), which says where two structures compete.
 * One patch covers the head (preprocess.ts centres it); overlapping patches for larger fields are not done yet.
 */
import { PerceptError } from '../../core/errors'
import type { SegmentationModel, SegmentationSpec } from './segmentation-model'

export interface PatchPrediction {
  /** One per model voxel, [D, H, W] row-major. */
  labels: Int32Array
  confidence: Float32Array
  margin: Float32Array
}

/** Probabilities this far outside [0, 1] are not probabilities (a few ulps of softmax round-off are). */
const PROBABILITY_SLACK = 1e-3

export async function predictPatch(model: SegmentationModel, input: Float32Array): Promise<PatchPrediction> {
  const { spec, session } = model
  const [d, h, w] = spec.patch
  const labelCount = spec.labels.length
  const outputs = await session.run({ [spec.inputName]: { data: input, shape: [1, d, h, w, 1] } }, [spec.outputName])
  const out = outputs[spec.outputName]!
  const expected = [1, d, h, w, labelCount]
  if (out.shape.length !== 5 || out.shape.some((n, a) => n !== expected[a])) {
    throw new PerceptError('VALIDATION', `The model ${spec.id} answered with shape [${out.shape.join(', ')}] where [${expected.join(', ')}] was expected (${labelCount} labels in model.json).`)
  }
  if (!(out.data instanceof Float32Array)) throw new PerceptError('VALIDATION', `The model ${spec.id}'s output '${spec.outputName}' is ${out.dtype}; class scores come out as float32.`)
  return labelsFromScores(out.data, labelCount, spec)
}

/** Argmax, top probability and margin from channels-last scores [voxels, labels]. */
export function labelsFromScores(scores: Float32Array, labelCount: number, spec: Pick<SegmentationSpec, 'id' | 'output'>): PatchPrediction {
  const voxels = scores.length / labelCount
  const labels = new Int32Array(voxels)
  const confidence = new Float32Array(voxels)
  const margin = new Float32Array(voxels)
  const logits = spec.output === 'logits'
  for (let v = 0, at = 0; v < voxels; v++, at += labelCount) {
    let best = 0
    let top = -Infinity
    let second = -Infinity
    for (let l = 0; l < labelCount; l++) {
      const s = scores[at + l]!
      if (!Number.isFinite(s)) throw new PerceptError('VALIDATION', `The model ${spec.id} gave a non-finite score (${s}) for label ${l} at voxel ${v}.`)
      if (!logits && (s < -PROBABILITY_SLACK || s > 1 + PROBABILITY_SLACK)) {
        throw new PerceptError(
          'VALIDATION',
          `The model ${spec.id} gave a score of ${s} for label ${l} at voxel ${v}, which is not a probability: if its output is logits, say so in model.json (preprocessing.output: "logits").`,
        )
      }
      if (s > top) {
        second = top
        top = s
        best = l
      } else if (s > second) {
        second = s
      }
    }
    if (logits) {
      // Softmax of the two best, shifted by the top for stability: p_top = 1 / sum exp(s - top).
      let sum = 0
      for (let l = 0; l < labelCount; l++) sum += Math.exp(scores[at + l]! - top)
      confidence[v] = 1 / sum
      margin[v] = (1 - Math.exp(second - top)) / sum
    } else {
      confidence[v] = top
      margin[v] = top - second
    }
    labels[v] = best
  }
  return { labels, confidence, margin }
}
