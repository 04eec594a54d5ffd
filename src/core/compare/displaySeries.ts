// Metric series as charts receive them: read from the chunked store (only the chunks of a zoomed
// range), downsampled with M4, and encoded for a JSON message channel without losing NaN/±Infinity.
import type { MetricStore, SeriesAxis } from '../store/metricStore';
import { type Downsampled, downsampleM4 } from './downsample';

export type { SeriesAxis };

export interface DisplayRequest {
  axis: SeriesAxis;
  /** At most this many points come back (the chart's width in pixels, or a small multiple). */
  maxPoints: number;
  /** A zoomed x-range, read at full fidelity from the chunks it covers; default: the whole series. */
  range?: { lo: number; hi: number };
}

/** One run's series of one key for display; undefined when the run has no such key. */
export function displaySeries(metrics: MetricStore, runId: string, key: string, req: DisplayRequest): Downsampled | undefined {
  if (!req.range) {
    const whole = metrics.readXY(runId, key, req.axis);
    return whole && downsampleM4(whole, req.maxPoints);
  }
  const series = metrics.readRange(runId, key, req.axis, req.range.lo, req.range.hi)?.series;
  if (!series) return undefined;
  return downsampleM4({ x: req.axis === 'step' ? series.steps : series.timestamps, y: series.values }, req.maxPoints, req.range);
}

/** A value that survives JSON: non-finite numbers become the strings the store's JSON contract uses. */
export type WireValue = number | 'NaN' | 'Infinity' | '-Infinity';
export type NonFiniteKind = Exclude<WireValue, number>;

export interface WireSeries {
  x: number[];
  y: WireValue[];
  /** Points in the range before downsampling. */
  total: number;
}

export function toWireValue(v: number): WireValue {
  return Number.isFinite(v) ? v : (String(v) as WireValue);
}

export function fromWireValue(v: WireValue): number {
  return typeof v === 'number' ? v : Number(v);
}

export function encodeSeries(d: Downsampled): WireSeries {
  const y: WireValue[] = new Array(d.y.length);
  for (let i = 0; i < d.y.length; i++) y[i] = toWireValue(d.y[i]);
  return { x: Array.from(d.x), y, total: d.total };
}
