import type { ActivationWriter, OnnxExportContext } from './export-context'

const unary =
  (opType: string): ActivationWriter =>
  (ctx, x) =>
    ctx.op(opType, [x])

function gelu(ctx: OnnxExportContext, x: string): string {
  // TF.js 'gelu': x * 0.5 * (1 + erf(x / sqrt 2)).
  const erf = ctx.op('Erf', [ctx.op('Div', [x, ctx.constFloat('sqrt2', [Math.SQRT2], [])])])
  const cdf = ctx.op('Mul', [ctx.op('Add', [erf, ctx.constFloat('one', [1], [])]), ctx.constFloat('half', [0.5], [])])
  return ctx.op('Mul', [x, cdf])
}

function geluTanh(ctx: OnnxExportContext, x: string): string {
  // TF.js 'gelu_new': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
  const cube = ctx.op('Mul', [ctx.op('Mul', [x, x]), x])
  const inner = ctx.op('Add', [x, ctx.op('Mul', [cube, ctx.constFloat('c', [0.044715], [])])])
  const t = ctx.op('Tanh', [ctx.op('Mul', [inner, ctx.constFloat('k', [Math.sqrt(2 / Math.PI)], [])])])
  const onePlus = ctx.op('Add', [t, ctx.constFloat('one', [1], [])])
  return ctx.op('Mul', [ctx.op('Mul', [x, onePlus]), ctx.constFloat('half', [0.5], [])])
}

/** TF.js activation names (as `serializeActivation` writes them) and their ONNX form. Softmax is over the last axis. */
export const activationWriters: Record<string, ActivationWriter> = {
  linear: (_ctx, x) => x,
  relu: unary('Relu'),
  relu6: (ctx, x) => ctx.op('Clip', [x, ctx.constFloat('zero', [0], []), ctx.constFloat('six', [6], [])]),
  elu: (ctx, x) => ctx.op('Elu', [x], { alpha: { float: 1 } }),
  // ONNX's default alpha and gamma are the float32 values of TF's SELU constants.
  selu: unary('Selu'),
  sigmoid: unary('Sigmoid'),
  hardSigmoid: (ctx, x) => ctx.op('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } }),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  tanh: unary('Tanh'),
  softmax: (ctx, x) => ctx.op('Softmax', [x], { axis: -1 }),
  logSoftmax: (ctx, x) => ctx.op('LogSoftmax', [x], { axis: -1 }),
  swish: (ctx, x) => ctx.op('Mul', [x, ctx.op('Sigmoid', [x])]),
  mish: (ctx, x) => ctx.op('Mul', [x, ctx.op('Tanh', [ctx.op('Softplus', [x])])]),
  gelu,
  gelu_new: geluTanh,
}

export function activationWriter(name: string): ActivationWriter | undefined {
  return Object.prototype.hasOwnProperty.call(activationWriters, name) ? activationWriters[name] : undefined
}
