import * as tf from '@tensorflow/tfjs-core'

/*
 * The gradients of Sum and Mean as one broadcast of dy (divided by the count for Mean, on dy's own
 * small shape) where TF.js builds a tensor of ones the size of x, multiplies and, for Mean, divides:
 * three passes over x's size for one. Global average pooling's gradient (ESC networks, the reference CNN)
 * is such a Mean; the values are the same bits ((dy * 1) / n = dy / n). Anything but float32 keeps
 * TF.js's own gradient.
 */

const stock = new Map<string, tf.GradConfig>()

function broadcastGrad(kernelName: typeof tf.Sum | typeof tf.Mean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor]
      if ((dy as tf.Tensor).dtype !== 'float32' || x.dtype !== 'float32') return stock.get(kernelName)!.gradFunc(dy, saved, attrs)
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape)
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      const count = axes.reduce((n, a) => n * x.shape[a]!, 1)
      return {
        x: () =>
          tf.tidy(() => {
            const g = tf.reshape(dy as tf.Tensor, expanded)
            return tf.broadcastTo(kernelName === tf.Mean ? tf.div(g, count) : g, x.shape)
          }),
      }
    },
  }
}

const sumGrad = broadcastGrad(tf.Sum)
const meanGrad = broadcastGrad(tf.Mean)

/** Installs the two gradients above (again after a backend package re-registers the stock ones). */
export function installReductionGradients(): void {
  for (const config of [sumGrad, meanGrad]) {
    const current = tf.getGradient(config.kernelName)
    if (current === config) continue
    if (current) stock.set(config.kernelName, current)
    tf.registerGradient(config)
  }
}
