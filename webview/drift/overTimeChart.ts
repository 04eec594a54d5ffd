// Drift over time: one column's score per window of the current data, with its threshold line.
import type { ColumnDrift, DriftReport } from '../../src/core/drift/types';
import { Chart } from '../shared/charts';
import { CURRENT_BORDER, REFERENCE_BORDER } from './colors';

export function drawOverTimeChart(canvas: HTMLCanvasElement, report: DriftReport, column: ColumnDrift): Chart | undefined {
  if (!report.windows || !column.windows || column.threshold === null) return undefined;
  const labels = report.windows.list.map((w) => w.label);
  const pValue = column.pValue !== null;
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: pValue ? 'p-value' : 'distance',
          data: column.windows.map((w) => w.score),
          borderColor: CURRENT_BORDER,
          backgroundColor: CURRENT_BORDER,
          pointBackgroundColor: column.windows.map((w) => (w.drifted ? CURRENT_BORDER : REFERENCE_BORDER)),
          spanGaps: true,
        },
        { label: 'threshold', data: labels.map(() => column.threshold), borderColor: REFERENCE_BORDER, borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'top', labels: { boxWidth: 12 } } },
      scales: { y: { beginAtZero: true, title: { display: true, text: pValue ? 'p-value (drift below the line)' : 'distance (drift above the line)' } } },
    },
  });
}
