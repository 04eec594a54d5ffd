// Series as the charts draw them: decoded from the wire, moved onto the chosen x axis, smoothed.
// No DOM here: unit-tested in Node.
import { fromWireValue, type NonFiniteKind, type WireSeries } from '../../src/core/compare/displaySeries';
import { formatMetricValue as formatNumber } from '../../src/core/live/runSummary';
import type { XAxisMode } from './protocol';

export { formatNumber };

export interface ChartSeries {
  points: { x: number; y: number | null }[];
  marks: { x: number; kind: NonFiniteKind }[];
}

/** Wire series → chart points on the chosen axis; non-finite values become gaps plus marks. */
export function toChartSeries(series: WireSeries, xAxis: XAxisMode, start: number): ChartSeries {
  const points: ChartSeries['points'] = [];
  const marks: ChartSeries['marks'] = [];
  for (let i = 0; i < series.x.length; i++) {
    const x = xAxis === 'relative' ? (series.x[i] - start) / 1000 : series.x[i];
    const y = fromWireValue(series.y[i]);
    if (Number.isFinite(y)) points.push({ x, y });
    else {
      points.push({ x, y: null });
      marks.push({ x, kind: String(y) as NonFiniteKind });
    }
  }
  return { points, marks };
}

/**
 * Exponential moving average with TensorBoard's debiasing (early points are not pulled towards
 * zero); gaps stay gaps and do not reset the average. weight 0: the series as is.
 */
export function smooth(points: ChartSeries['points'], weight: number): ChartSeries['points'] {
  if (weight <= 0) return points;
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (p.y === null) return p;
    last = last * weight + (1 - weight) * p.y;
    n++;
    return { x: p.x, y: last / (1 - weight ** n) };
  });
}

/** A live update's points after those the chart already holds. */
export function appendSeries(into: WireSeries, more: WireSeries): WireSeries {
  return { x: into.x.concat(more.x), y: into.y.concat(more.y), total: into.total + more.total };
}

export function xFormatter(xAxis: XAxisMode): (x: number) => string {
  if (xAxis === 'wall') return (x) => new Date(x).toLocaleTimeString();
  if (xAxis === 'relative') return (x) => (Math.abs(x) >= 120 ? `${(x / 60).toFixed(1)} min` : `${Number(x.toPrecision(4))} s`);
  return formatNumber;
}

export const X_TITLES: Record<XAxisMode, string> = { step: 'step', relative: 'time since start', wall: 'wall time' };
