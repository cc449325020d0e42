/** Does model.json tell the truth about model.onnx? Compared with what onnxruntime reports. */
import type { ModelMeta, ModelTensorSpec } from '../../api/models'
import { PerceptError } from '../../core/errors'
import { openOnnxSession, type OnnxModelSession, type OnnxSessionOptions, type OnnxValueDescription } from '../onnx/onnx-session'

function quoteList(names: readonly string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(', ') : 'none'
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

function compareSide(
  side: 'input' | 'output',
  declared: readonly ModelTensorSpec[],
  actual: readonly OnnxValueDescription[],
): string[] {
  const problems: string[] = []
  const actualNames = actual.map((a) => a.name)
  const plural = `${side}s`
  for (const spec of declared) {
    const found = actual.find((a) => a.name === spec.name)
    if (!found) {
      problems.push(
        `declared ${side} '${spec.name}' is not in the model, which has ${plural} ${quoteList(actualNames)}`,
      )
      continue
    }
    if (found.dtype !== null && found.dtype !== spec.dtype) {
      problems.push(`${side} '${spec.name}' is declared ${spec.dtype} but the model's is ${found.dtype}`)
    }
    if (found.shape !== null) {
      if (found.shape.length !== spec.shape.length) {
        problems.push(
          `${side} '${spec.name}' is declared with rank ${spec.shape.length} ${formatShape(spec.shape)} ` +
            `but the model's has rank ${found.shape.length} ${formatShape(found.shape)}`,
        )
      } else {
        spec.shape.forEach((dim, axis) => {
          const modelDim = found.shape![axis]
          if (typeof dim === 'number' && typeof modelDim === 'number' && modelDim >= 0 && dim !== modelDim) {
            problems.push(
              `${side} '${spec.name}' dimension ${axis} is declared ${dim} but the model's is ${modelDim} ` +
                `(model shape ${formatShape(found.shape!)})`,
            )
          }
        })
      }
    }
  }
  const declaredNames = declared.map((d) => d.name)
  for (const name of actualNames) {
    if (!declaredNames.includes(name)) problems.push(`the model's ${side} '${name}' is not declared in model.json`)
  }
  return problems
}

/** Every mismatch between model.json's inputs/outputs/labels and an open session, one line each. */
export function metaMismatches(meta: ModelMeta, session: OnnxModelSession): string[] {
  const problems = [...compareSide('input', meta.inputs, session.inputs), ...compareSide('output', meta.outputs, session.outputs)]
  if (meta.labels && (meta.task === 'sound-classification' || meta.task === 'mri-segmentation')) {
    const classes = meta.outputs[0]?.shape.at(-1)
    if (typeof classes === 'number' && classes !== meta.labels.length) {
      problems.push(`model.json lists ${meta.labels.length} labels but output '${meta.outputs[0]!.name}' has ${classes} classes`)
    }
  }
  return problems
}

/**
 * Loads model.onnx with onnxruntime and checks model.json against it; throws VALIDATION listing every
 * mismatch (a model that onnxruntime cannot load is VALIDATION too).
 */
export async function verifyModelAgainstMeta(onnxPath: string, meta: ModelMeta, options: OnnxSessionOptions = {}): Promise<void> {
  const session = await openOnnxSession(onnxPath, { intraOpThreads: 1, graphOptimization: 'disabled', ...options })
  try {
    const problems = metaMismatches(meta, session)
    if (problems.length) {
      throw new PerceptError('VALIDATION', `model.json does not match model.onnx: ${problems.join('; ')}.`, { problems })
    }
  } finally {
    await session.release()
  }
}
