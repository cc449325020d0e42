import { PerceptError } from '../../core/errors'
import { parseEscModelConfig, type EscLayer, type EscModelConfig } from './config'
import { paperNotation } from './geometry'

/**
 * The structures of Chen et al. (2019), Tables 1-3. Each table has three groups of two tests
 * (numbered 1-6 across the groups); group g stacks 4 - g plain convolutions, then g dilated ones
 * (Table 3's second test adds one more). Table 1 pairs each dilated model with its max-pooling twin:
 * the same convolutions without dilation, a 2x2 max-pooling before the first of those that were dilated.
 *
 * What the paper leaves open, chosen here (describeEscModel's `notInPaper` lists it for a model card):
 * - Filters: 32 for the first two convolutions, 64 for the rest (32/32/64/64, a fifth also 64).
 *   Enough for ten classes at ~66k parameters; the early layers run on the full 64 x 41 map, where
 *   each filter costs the most, and the deeper ones, seeing 2-4x wider context, get more. A twin pair
 *   has the same convolutions, so the same parameters: they differ in dilation vs pooling alone.
 * - Padding 'same' (convolutions and pooling): a 'valid' stack of three rate-3 convolutions would
 *   cut the 41 frames to 23, while the paper says dilation keeps the feature map's size.
 * - Weights Glorot-uniform, biases zero (Keras's defaults, which the paper's setup implies).
 */
export const PRESET_FILTERS = [32, 32, 64, 64] as const

/** The paper's data set, UrbanSound8K, has ten classes; presetConfig sets the real count. */
const PAPER_CLASSES = 10
/** Table 1's and Table 3's dilation rate: (2, 2). */
const PAPER_RATE = 2

export interface EscPreset {
  name: string
  table: 1 | 2 | 3
  group: 1 | 2 | 3
  /** The paper's test number in its table, 1-6. */
  test: number
  /** The structure in the paper's notation (Table 2's carries the rates). */
  notation: string
  description: string
  /** With the paper's ten classes; `presetConfig` sets another count. */
  config: EscModelConfig
}

function filtersAt(convIndex: number): number {
  return PRESET_FILTERS[Math.min(convIndex, PRESET_FILTERS.length - 1)]!
}

/** `plain` plain convolutions then `dilated` ones at `rate`, or with `pooled` their max-pooling twin. */
function stack(plain: number, dilated: number, rate: number, pooled = false): EscLayer[] {
  const layers: EscLayer[] = []
  for (let i = 0; i < plain + dilated; i++) {
    if (pooled && i === plain) layers.push({ kind: 'maxpool' })
    const dilation = pooled || i < plain ? undefined : rate
    layers.push({ kind: 'conv', filters: filtersAt(i), ...(dilation ? { dilation } : {}) })
  }
  return layers
}

function descriptionOf(p: Pick<EscPreset, 'table' | 'group' | 'test' | 'notation'>, remark: string): string {
  return `Table ${p.table}, group ${p.group}, test ${p.test}: ${p.notation} (${remark})`
}

function preset(name: string, table: EscPreset['table'], group: EscPreset['group'], second: boolean, layers: EscLayer[], remark: string): EscPreset {
  const place = { table, group, test: 2 * group - (second ? 0 : 1), notation: paperNotation(layers, table === 2) }
  return { name, ...place, description: descriptionOf(place, remark), config: parseEscModelConfig({ classes: PAPER_CLASSES, layers }) }
}

function tablePresets(): EscPreset[] {
  const presets: EscPreset[] = []
  for (const group of [1, 2, 3] as const) {
    const plain = 4 - group
    presets.push(
      preset(`t1-g${group}-dilated`, 1, group, false, stack(plain, group, PAPER_RATE), 'dilated convolutions'),
      preset(`t1-g${group}-pooling`, 1, group, true, stack(plain, group, PAPER_RATE, true), 'max-pooling twin'),
    )
  }
  for (const group of [1, 2, 3] as const) {
    const plain = 4 - group
    presets.push(
      preset(`t2-g${group}-rate2`, 2, group, false, stack(plain, group, 2), 'dilation rate 2'),
      preset(`t2-g${group}-rate3`, 2, group, true, stack(plain, group, 3), 'dilation rate 3'),
    )
  }
  for (const group of [1, 2, 3] as const) {
    const plain = 4 - group
    presets.push(
      preset(`t3-g${group}-${group}dilated`, 3, group, false, stack(plain, group, PAPER_RATE), `${group} dilated layers`),
      preset(`t3-g${group}-${group + 1}dilated`, 3, group, true, stack(plain, group + 1, PAPER_RATE), `${group + 1} dilated layers`),
    )
  }
  return presets
}

function alias(name: string, of: EscPreset, remark: string): EscPreset {
  return { ...of, name, description: descriptionOf(of, remark) }
}

const tables = tablePresets()
const byName = new Map(tables.map((p) => [p.name, p]))
const presets: readonly EscPreset[] = [
  alias('dilated', byName.get('t1-g3-dilated')!, "the paper's best: 77% on UrbanSound8K against 75% for its max-pooling twin"),
  alias('pooling', byName.get('t1-g3-pooling')!, "max-pooling twin of 'dilated'"),
  ...tables,
]
const names = presets.map((p) => p.name)

/** Every preset: 'dilated' and 'pooling' first, then Tables 1, 2 and 3 in the paper's order. Copies. */
export function listPresets(): EscPreset[] {
  return presets.map((p) => structuredClone(p))
}

export function presetNames(): string[] {
  return [...names]
}

/** A preset's config (a copy) with `classes` output classes; an unknown name lists the known ones. */
export function presetConfig(name: string, classes: number): EscModelConfig {
  const found = presets.find((p) => p.name === name)
  if (!found) {
    throw new PerceptError('VALIDATION', `Unknown sound model preset '${name}'. Presets: ${names.join(', ')}.`, { presets: [...names] })
  }
  return parseEscModelConfig({ ...structuredClone(found.config), classes })
}
