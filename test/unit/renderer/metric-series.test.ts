import { describe, expect, it } from 'vitest'
import type { MetricSeries } from '../../../main/api'
import {
  alignSeries,
  comparableMetrics,
  comparisonData,
  lastValue,
  metricNames,
  metricScopes,
  pointCount,
  pointsByX,
  runChartData,
} from '../../../renderer/src/workspaces/runs/lib/metric-series'

const t = '2026-01-01T00:00:00Z'

function stepSeries(name: string, values: Array<[step: number, value: number | null]>, epochOf = (s: number) => Math.ceil(s / 4)): MetricSeries {
  return { name, scope: 'step', points: values.map(([step, value]) => ({ epoch: epochOf(step), step, value, time: t })) }
}

function epochSeries(name: string, values: Array<[epoch: number, value: number | null]>): MetricSeries {
  return { name, scope: 'epoch', points: values.map(([epoch, value]) => ({ epoch, step: null, value, time: t })) }
}

const run: MetricSeries[] = [
  stepSeries('accuracy', [[1, 0.5], [2, 0.6], [3, 0.7]]),
  stepSeries('loss', [[1, 0.9], [2, null], [3, 0.5]]),
  epochSeries('loss', [[1, 0.7]]),
  epochSeries('val_loss', [[1, 0.8]]),
]

describe('metric series to chart data', () => {
  it('lists names loss first and scopes step first', () => {
    expect(metricNames(run)).toEqual(['loss', 'val_loss', 'accuracy'])
    expect(metricNames(run, 'step')).toEqual(['loss', 'accuracy'])
    expect(metricNames(run, 'epoch')).toEqual(['loss', 'val_loss'])
    expect(metricScopes([run[2]!, run[0]!])).toEqual(['step', 'epoch'])
    expect(metricScopes([])).toEqual([])
  })

  it('keys points by step or epoch, the later report of one x winning, and turns non-finite values into gaps', () => {
    const resumed = stepSeries('loss', [[1, 0.9], [2, 0.8], [3, 0.7], [3, 0.65], [4, Number.NaN]])
    expect([...pointsByX(resumed)]).toEqual([[1, 0.9], [2, 0.8], [3, 0.65], [4, null]])
    const epochs = epochSeries('loss', [[2, 0.4], [1, 0.5]])
    expect([...pointsByX(epochs)]).toEqual([[2, 0.4], [1, 0.5]])
    const noStep: MetricSeries = { name: 'loss', scope: 'step', points: [{ epoch: 1, step: null, value: 1, time: t }] }
    expect(pointsByX(noStep).size).toBe(0)
  })

  it('gives uPlot one ascending x column and a y column with null for a reported gap', () => {
    expect(runChartData(run, 'loss', 'step')).toEqual([[1, 2, 3], [0.9, null, 0.5]])
    expect(runChartData(run, 'loss', 'epoch')).toEqual([[1], [0.7]])
    expect(runChartData(run, 'missing', 'step')).toEqual([[], []])
  })

  it('aligns series on the union of their x values: undefined where a series has no point, null where it reported a gap', () => {
    const a = stepSeries('loss', [[1, 1], [3, null], [5, 0.5]])
    const b = stepSeries('loss', [[2, 2], [3, 1.5], [6, 1]])
    expect(alignSeries([a, b])).toEqual([
      [1, 2, 3, 5, 6],
      [1, undefined, null, 0.5, undefined],
      [undefined, 2, 1.5, undefined, 1],
    ])
    expect(alignSeries([a, undefined])).toEqual([[1, 3, 5], [1, null, 0.5], [undefined, undefined, undefined]])
  })

  it('merges two runs for comparison: this run first, the other second, on one x axis', () => {
    const other: MetricSeries[] = [stepSeries('loss', [[1, 0.8], [2, 0.6], [3, 0.4], [4, 0.3]]), epochSeries('loss', [[1, 0.6]])]
    expect(comparisonData(run, other, 'loss', 'step')).toEqual([
      [1, 2, 3, 4],
      [0.9, null, 0.5, undefined],
      [0.8, 0.6, 0.4, 0.3],
    ])
    expect(comparisonData(run, other, 'loss', 'epoch')).toEqual([[1], [0.7], [0.6]])
    // The other run's metrics not loaded yet: the chart keeps both columns.
    expect(comparisonData(run, [], 'accuracy', 'step')).toEqual([[1, 2, 3], [0.5, 0.6, 0.7], [undefined, undefined, undefined]])
  })

  it('offers the metrics both runs report, else those either reports', () => {
    const other: MetricSeries[] = [stepSeries('loss', [[1, 1]]), stepSeries('dice', [[1, 0.2]])]
    expect(comparableMetrics(run, other, 'step')).toEqual(['loss'])
    expect(comparableMetrics(run, [], 'epoch')).toEqual(['loss', 'val_loss'])
    expect(comparableMetrics([stepSeries('dice', [[1, 0.2]])], [stepSeries('iou', [[1, 0.1]])], 'step')).toEqual(['dice', 'iou'])
  })

  it('counts points and finds the last finite value for the chart summary', () => {
    const data = alignSeries([stepSeries('loss', [[1, 1], [2, 0.5], [3, null]]), stepSeries('loss', [[4, 2]])])
    expect(pointCount(data, 1)).toBe(3)
    expect(pointCount(data, 2)).toBe(1)
    expect(pointCount(data, 3)).toBe(0)
    expect(lastValue(data, 1)).toBe(0.5)
    expect(lastValue(data, 2)).toBe(2)
    expect(lastValue([[]], 1)).toBeNull()
  })
})
