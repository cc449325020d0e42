import type { MetricSeries } from '../../../../../main/api'

/** Whether a chart's x axis counts training steps or completed epochs. */
export type MetricScope = MetricSeries['scope']

/**
 * One y column of a uPlot chart, aligned with its x column: a number, `null` where the job reported a
 * non-finite value (drawn as a gap), `undefined` where this series has no point at that x (uPlot joins over it).
 */
export type ChartColumn = Array<number | null | undefined>

/** uPlot's aligned data: the x values (ascending, distinct) and one y column per series. */
export type ChartData = [xs: number[], ...ys: ChartColumn[]]

/** The order metric names are shown in: loss first, then the rest alphabetically. */
export function compareMetricNames(a: string, b: string): number {
  const rank = (name: string) => (name === 'loss' ? 0 : name.endsWith('loss') ? 1 : 2)
  return rank(a) - rank(b) || a.localeCompare(b)
}

/** The metric names reported in `scope` (every scope when omitted), loss first. */
export function metricNames(series: readonly MetricSeries[], scope?: MetricScope): string[] {
  const names = new Set(series.filter((s) => scope === undefined || s.scope === scope).map((s) => s.name))
  return [...names].sort(compareMetricNames)
}

/** The scopes the series cover, step before epoch. */
export function metricScopes(series: readonly MetricSeries[]): MetricScope[] {
  const scopes = new Set(series.map((s) => s.scope))
  return (['step', 'epoch'] as const).filter((scope) => scopes.has(scope))
}

export function findSeries(series: readonly MetricSeries[], name: string, scope: MetricScope): MetricSeries | undefined {
  return series.find((s) => s.name === name && s.scope === scope)
}

/**
 * The series' points keyed by x: the step for a per-step series, the epoch for a per-epoch one. Points
 * without that coordinate are skipped; where one x was reported twice (a resumed run repeats the steps
 * after its last checkpoint) the later report wins.
 */
export function pointsByX(series: MetricSeries): Map<number, number | null> {
  const byX = new Map<number, number | null>()
  for (const point of series.points) {
    const x = series.scope === 'step' ? point.step : point.epoch
    if (x === null || !Number.isFinite(x)) continue
    const value = point.value !== null && Number.isFinite(point.value) ? point.value : null
    byX.set(x, value)
  }
  return byX
}

/**
 * Aligns several series on the union of their x values, ascending. A missing series (undefined) gives an
 * all-`undefined` column, so a chart can keep its shape while a second run's metrics load.
 */
export function alignSeries(list: ReadonlyArray<MetricSeries | undefined>): ChartData {
  const maps = list.map((series) => (series ? pointsByX(series) : new Map<number, number | null>()))
  const xs = [...new Set(maps.flatMap((map) => [...map.keys()]))].sort((a, b) => a - b)
  const columns = maps.map((map) => xs.map((x) => (map.has(x) ? map.get(x) : undefined)))
  return [xs, ...columns]
}

/** One run's chart data for one metric in one scope. */
export function runChartData(series: readonly MetricSeries[], name: string, scope: MetricScope): ChartData {
  return alignSeries([findSeries(series, name, scope)])
}

/** Two runs' curves of the same metric and scope on one x axis: [x, this run, the other run]. */
export function comparisonData(
  mine: readonly MetricSeries[],
  theirs: readonly MetricSeries[],
  name: string,
  scope: MetricScope,
): ChartData {
  return alignSeries([findSeries(mine, name, scope), findSeries(theirs, name, scope)])
}

/** Metric names two runs can be compared on in `scope`: those both report, else those either reports. */
export function comparableMetrics(mine: readonly MetricSeries[], theirs: readonly MetricSeries[], scope: MetricScope): string[] {
  const a = metricNames(mine, scope)
  const b = new Set(metricNames(theirs, scope))
  const both = a.filter((name) => b.has(name))
  return both.length > 0 ? both : [...new Set([...a, ...b])].sort(compareMetricNames)
}

/** How many points of a chart column hold a value (finite or a reported gap). */
export function pointCount(data: ChartData, column = 1): number {
  const ys = data[column]
  return ys ? ys.reduce<number>((count, y) => (y === undefined ? count : count + 1), 0) : 0
}

/** The last finite value of a column, for a chart's text summary. */
export function lastValue(data: ChartData, column = 1): number | null {
  const ys = data[column] ?? []
  for (let i = ys.length - 1; i >= 0; i--) {
    const y = ys[i]
    if (typeof y === 'number') return y
  }
  return null
}
