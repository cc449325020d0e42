/**
 * Nadam: Adam with Nesterov momentum (Dozat, "Incorporating Nesterov momentum into Adam", ICLR 2016 workshop),
 * as tf.keras 2.x writes it (optimizer_v2/nadam.py), which is what "the optimizer Nadam" of a Keras paper means.
 * TF.js 4.22 has no Nadam. With t the step (from 1) and the momentum schedule of Dozat (t/250 = 0.004 t):
 *
 *   mu_t   = beta1 (1 - 0.5 * 0.96^(0.004 t))          prod_t = mu_1 mu_2 ... mu_t
 *   m_t    = beta1 m_{t-1} + (1 - beta1) g              v_t = beta2 v_{t-1} + (1 - beta2) g^2
 *   m_hat  = mu_{t+1} m_t / (1 - prod_{t+1}) + (1 - mu_t) g / (1 - prod_t)
 *   v_hat  = v_t / (1 - beta2^t)
 *   p_t    = p_{t-1} - lr m_hat / (sqrt(v_hat) + eps)
 *
 * Keras's defaults: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7.
 * The schedule's product is a function of t alone, so it is computed in float64 from the step count rather
 * than stored: the state is the step count and the moments (getWeights: iterations, then every m, then every
 * v, as TF.js's Adam orders them), and a run restored from them continues bit for bit as it would have.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface NadamConfig {
  learningRate: number
  beta1?: number
  beta2?: number
  epsilon?: number
}

/** Dozat's schedule decay: mu_t uses 0.96^(t / 250). */
const SCHEDULE_DECAY = 0.004

/** tfjs-core's NamedTensor (not exported from its index). */
type NamedTensor = { name: string; tensor: tf.Tensor }

interface Slot {
  name: string
  m: tf.Variable
  v: tf.Variable
}

export class NadamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'Nadam'
  }

  readonly learningRate: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  private slots: Slot[] = []
  /** prod_{i=1..iterations} mu_i, kept in step with iterations_. */
  private product = 1

  constructor(config: NadamConfig) {
    super()
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = config
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new RangeError(`Nadam's learning rate must be a positive number, got ${learningRate}.`)
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new RangeError(`Nadam's beta1 and beta2 must be in [0, 1), got ${beta1} and ${beta2}.`)
    if (!(epsilon > 0)) throw new RangeError(`Nadam's epsilon must be above 0, got ${epsilon}.`)
    this.learningRate = learningRate
    this.beta1 = beta1
    this.beta2 = beta2
    this.epsilon = epsilon
  }

  /** mu_t of the schedule. */
  momentumAt(t: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (SCHEDULE_DECAY * t))
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }))
    const t = this.iterations + 1 // the getter: iterations_ is undefined until first read
    const muT = this.momentumAt(t)
    const muNext = this.momentumAt(t + 1)
    const productT = this.product * muT
    const productNext = productT * muNext
    // The per-step scalars in float64; the tensors see them once each.
    const momentCoefficient = muNext / (1 - productNext)
    const gradientCoefficient = (1 - muT) / (1 - productT)
    const secondCorrection = 1 / (1 - this.beta2 ** t)
    tf.tidy(() => {
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name]
        if (!value) throw new Error(`Nadam: no variable named ${name}.`)
        if (!this.slots[i]) {
          this.slots[i] = {
            name,
            m: tf.tidy(() => tf.zerosLike(value).variable(false)),
            v: tf.tidy(() => tf.zerosLike(value).variable(false)),
          }
        }
        if (gradient == null) return
        const { m, v } = this.slots[i]!
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1))
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2))
        m.assign(mNew)
        v.assign(vNew)
        const mHat = tf.add(tf.mul(mNew, momentCoefficient), tf.mul(gradient, gradientCoefficient))
        const denominator = tf.add(tf.sqrt(tf.mul(vNew, secondCorrection)), this.epsilon)
        value.assign(tf.sub(value, tf.mul(tf.div(mHat, denominator), this.learningRate)))
      })
    })
    this.product = productT
    this.incrementIterations()
  }

  override dispose(): void {
    for (const slot of this.slots) tf.dispose([slot.m, slot.v])
    this.slots = []
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return [
      await this.saveIterations(),
      ...this.slots.map((s) => ({ name: `${s.name}/m`, tensor: s.m })),
      ...this.slots.map((s) => ({ name: `${s.name}/v`, tensor: s.v })),
    ]
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues)
    if (rest.length % 2 !== 0) throw new Error(`Nadam.setWeights: expected the iterations and pairs of moments, got ${weightValues.length} tensors.`)
    this.dispose()
    const count = rest.length / 2
    this.slots = rest.slice(0, count).map((m, i) => ({
      name: m.name.replace(/\/m$/, ''),
      m: m.tensor.variable(false),
      v: rest[count + i]!.tensor.variable(false),
    }))
    let product = 1
    for (let step = 1; step <= this.iterations; step++) product *= this.momentumAt(step)
    this.product = product
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon }
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls({ learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2, epsilon: config.epsilon })
  }
}
tf.serialization.registerClass(NadamOptimizer)
