// One column's reference-vs-current chart: a histogram overlay over the shared bins for numbers,
// paired bars for categories. Shares (not counts), so files of different sizes compare.
import type { ColumnChart, ColumnDrift } from '../../src/core/drift/types';
import { Chart } from '../shared/charts';
import { CURRENT_BORDER, CURRENT_COLOR, REFERENCE_BORDER, REFERENCE_COLOR } from './colors';

function binLabel(lo: number, hi: number): string {
  const f = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4))));
  return `${f(lo)} – ${f(hi)}`;
}

export function drawColumnChart(canvas: HTMLCanvasElement, column: ColumnDrift): Chart | undefined {
  return column.chart ? drawOverlay(canvas, column.chart) : undefined;
}

export interface OverlayAxes {
  x?: string;
  y: string;
  bin: (lo: number, hi: number) => string;
}

/** Reference and current shares overlaid (histograms) or paired (categories), in the two fixed colours. */
export function drawOverlay(canvas: HTMLCanvasElement, chart: ColumnChart, axes: OverlayAxes = { y: 'share of rows', bin: binLabel }): Chart {
  const histogram = chart.kind === 'histogram';
  const labels = histogram ? chart.reference.map((_, i) => axes.bin(chart.edges[i], chart.edges[i + 1])) : chart.categories;
  const dataset = (label: string, data: number[], fill: string, border: string) => ({
    label, data, backgroundColor: fill, borderColor: border, borderWidth: 1,
    // Overlaid bars on shared bins: both series drawn full width on top of each other.
    ...(histogram ? { grouped: false, barPercentage: 1, categoryPercentage: 1 } : {}),
  });
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [dataset('reference', chart.reference, REFERENCE_COLOR, REFERENCE_BORDER), dataset('current', chart.current, CURRENT_COLOR, CURRENT_BORDER)],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { position: 'top', labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${((ctx.parsed.y ?? 0) * 100).toFixed(1)} %` } },
      },
      scales: {
        x: { ...(axes.x ? { title: { display: true, text: axes.x } } : {}), ticks: { maxRotation: 60, autoSkip: true } },
        y: { beginAtZero: true, title: { display: true, text: axes.y }, ticks: { callback: (v) => `${Math.round(Number(v) * 100)} %` } },
      },
    },
  });
}
