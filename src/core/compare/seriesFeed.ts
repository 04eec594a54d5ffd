// What a chart of live runs needs from the store: each series once, downsampled, then only the
// points logged since — so a growing run costs its new points, not a re-read of its history.
import type { MetricStore } from '../store/metricStore';
import { downsampleM4 } from './downsample';
import { type DisplayRequest, displaySeries, encodeSeries, type SeriesAxis, type WireSeries } from './displaySeries';

export interface SeriesUpdate {
  runId: string;
  key: string;
  /** append: add after what the chart holds; replace: the chart's series, downsampled afresh. */
  kind: 'append' | 'replace';
  series: WireSeries;
}

interface Sent {
  /** Points of the stored series already reflected in the chart. */
  stored: number;
  /** Points the chart holds for it. */
  shown: number;
}

export class SeriesFeed {
  private readonly sent = new Map<string, Sent>();

  constructor(private readonly metrics: MetricStore, readonly axis: SeriesAxis, readonly maxPoints: number) {}

  /** The whole series, downsampled; later updates continue from here. */
  full(runId: string, key: string): WireSeries | undefined {
    const d = displaySeries(this.metrics, runId, key, { axis: this.axis, maxPoints: this.maxPoints });
    if (!d) return undefined;
    this.sent.set(sentKey(runId, key), { stored: d.total, shown: d.x.length });
    return encodeSeries(d);
  }

  /** A zoomed range at full fidelity (up to maxPoints); does not change what updates continue from. */
  range(runId: string, key: string, range: NonNullable<DisplayRequest['range']>): WireSeries | undefined {
    const d = displaySeries(this.metrics, runId, key, { axis: this.axis, maxPoints: this.maxPoints, range });
    return d && encodeSeries(d);
  }

  /**
   * The points of `runId` logged since the last call, per key, new keys included. A series whose
   * chart would hold more than twice the budget is sent again, downsampled, instead.
   */
  update(runId: string): SeriesUpdate[] {
    const out: SeriesUpdate[] = [];
    for (const [key, summary] of Object.entries(this.metrics.summariesOf(runId))) {
      const sent = this.sent.get(sentKey(runId, key));
      if (sent && summary.count <= sent.stored) continue;
      const fresh = sent ? this.metrics.read(runId, key, sent.stored) : undefined;
      if (!sent || !fresh || sent.shown + Math.min(fresh.values.length, this.maxPoints) > 2 * this.maxPoints) {
        const series = this.full(runId, key);
        if (series) out.push({ runId, key, kind: 'replace', series });
        continue;
      }
      const d = downsampleM4({ x: this.axis === 'step' ? fresh.steps : fresh.timestamps, y: fresh.values }, this.maxPoints);
      sent.stored += fresh.values.length;
      sent.shown += d.x.length;
      out.push({ runId, key, kind: 'append', series: encodeSeries(d) });
    }
    return out;
  }

  forget(runId: string): void {
    for (const k of [...this.sent.keys()]) if (k.startsWith(`${runId}\u0000`)) this.sent.delete(k);
  }
}

function sentKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}
