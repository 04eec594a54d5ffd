// One small chart per metric of the run, kept across snapshots (a live run re-sends its series
// every quarter second; the charts are updated, not rebuilt).
import type { WireSeries } from '../../src/core/compare/displaySeries';
import { formatMetricValue } from '../../src/core/live/runSummary';
import { LineChart, themeColors } from '../shared/charts';
import { el } from '../shared/elements';
import { toChartSeries } from '../compare/series';

const RUN_COLOR = '#0072B2';

export class MetricCharts {
  readonly element = el('div', undefined, 'metric-charts');
  private readonly charts = new Map<string, LineChart>();

  update(runName: string, series: Record<string, WireSeries>): void {
    for (const [key, chart] of this.charts) {
      if (key in series) continue;
      chart.destroy();
      chart.canvas.parentElement?.parentElement?.remove();
      this.charts.delete(key);
    }
    for (const key of Object.keys(series).sort()) {
      let chart = this.charts.get(key);
      if (!chart) {
        const card = el('figure', undefined, 'metric-card');
        const box = el('div', undefined, 'metric-box');
        const canvas = el('canvas');
        canvas.dataset.key = key;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${key} by step`);
        box.append(canvas);
        card.append(el('figcaption', key), box);
        this.element.append(card);
        chart = new LineChart(canvas, { xTitle: 'step', formatX: formatMetricValue, formatY: formatMetricValue, logY: false }, themeColors());
        this.charts.set(key, chart);
      }
      const drawn = toChartSeries(series[key], 'step', 0);
      chart.setSeries([{ id: key, label: runName, color: RUN_COLOR, dash: [], points: drawn.points, marks: drawn.marks, hidden: false }]);
    }
  }
}
