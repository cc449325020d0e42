import * as tf from '@tensorflow/tfjs-core'

/*
 * Adam as PyTorch's Adam(lr, betas, eps, weight_decay) steps it, one variable at a time:
 *   g = grad + weightDecay theta;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   theta -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * Why not tf.train.adam: its applyGradients runs every variable's update inside one tidy, so the ~12
 * temporaries of every variable stay alive until the last one is done. MBURST at the paper's size has
 * 71 M trainable values (W and its feedback Y, 32.8 M each in the audio embedding alone): that holds
 * ~3.5 GB of temporaries at once, against the 4 GB a wasm32 heap can address, and a step that took a
 * few seconds did not finish in 300 s (measured). Here each variable's update is its own tidy, and the
 * peak is about four temporaries of the largest variable. The slot layout of getWeights / setWeights is
 * tf.AdamOptimizer's ([iterations, m_1..m_k, v_1..v_k]), so checkpoints written by either load in both.
 */

export interface AdamSettings {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
  weightDecay: number
}

export class PaperAdam {
  private iterations = 0
  private moments: { m: tf.Variable; v: tf.Variable }[] = []

  constructor(readonly settings: AdamSettings) {}

  /** One step: grads[i] is the gradient of variables[i]. Disposes nothing it was given. */
  step(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    if (grads.length !== variables.length) throw new Error(`Internal error: ${grads.length} gradients for ${variables.length} variables.`)
    // In a tidy, so the zeros the variables start from are not left behind once the first step assigns them.
    if (this.moments.length === 0) this.moments = variables.map((v) => tf.tidy(() => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) })))
    if (this.moments.length !== variables.length) throw new Error(`Internal error: the optimiser holds moments for ${this.moments.length} variables, given ${variables.length}.`)
    const { learningRate, beta1, beta2, epsilon, weightDecay } = this.settings
    this.iterations++
    const correction1 = 1 - beta1 ** this.iterations
    const correction2 = 1 - beta2 ** this.iterations
    variables.forEach((theta, i) => {
      const { m, v } = this.moments[i]!
      // Sequenced tidies: each leaves one tensor, so the temporaries of a 32.8 M variable never pile up.
      const g = tf.tidy(() => (weightDecay ? tf.add(grads[i]!, tf.mul(theta, weightDecay)) : tf.clone(grads[i]!)))
      const newM = tf.tidy(() => tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)))
      m.assign(newM)
      newM.dispose()
      const newV = tf.tidy(() => tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)))
      g.dispose()
      v.assign(newV)
      newV.dispose()
      const denominator = tf.tidy(() => tf.add(tf.sqrt(tf.div(v, correction2)), epsilon))
      const next = tf.tidy(() => tf.sub(theta, tf.div(tf.mul(m, learningRate / correction1), denominator)))
      denominator.dispose()
      theta.assign(next)
      next.dispose()
    })
  }

  /** [iterations, m_1..m_k, v_1..v_k], as tf.AdamOptimizer.getWeights; the tensors are the live slots (encode, do not dispose). */
  async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    return [
      { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') },
      ...this.moments.map((s, i) => ({ name: `m${i}`, tensor: s.m as tf.Tensor })),
      ...this.moments.map((s, i) => ({ name: `v${i}`, tensor: s.v as tf.Tensor })),
    ]
  }

  /** Restores getWeights' slots (tf.AdamOptimizer's layout); takes the tensors over (disposes them). */
  async setWeights(slots: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    if (slots.length < 1 || (slots.length - 1) % 2 !== 0) throw new Error(`Internal error: ${slots.length} optimiser slots; expected the iteration count then pairs of moments.`)
    this.iterations = (await slots[0]!.tensor.data())[0]!
    const k = (slots.length - 1) / 2
    this.disposeMoments()
    this.moments = Array.from({ length: k }, (_, i) => ({ m: tf.variable(slots[1 + i]!.tensor, false), v: tf.variable(slots[1 + k + i]!.tensor, false) }))
    tf.dispose(slots.map((s) => s.tensor))
  }

  private disposeMoments(): void {
    tf.dispose(this.moments.flatMap((s) => [s.m, s.v]))
    this.moments = []
  }

  dispose(): void {
    this.disposeMoments()
  }
}
