// The one place that uses chart.js (and its zoom plugin): line charts of many series that may
// have different x values, with hover showing every series at the cursor's x, drag-zoom along x,
// log scale, and marks for values no axis can place (NaN, ±Infinity); and, for the drift report,
// Chart itself with bars and category axes registered. Tree-shaken, no eval: it runs under the
// strict CSP.
import {
  BarController, BarElement, CategoryScale, Chart, type ChartDataset, Filler, Interaction, Legend, type InteractionItem, type InteractionModeFunction, LinearScale, LineController, LineElement, LogarithmicScale,
  type Plugin, PointElement, ScatterController, Tooltip,
} from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { NonFiniteKind } from '../../src/core/compare/displaySeries';

export type { NonFiniteKind };

export interface LineSeries {
  id: string;
  label: string;
  color: string;
  dash: number[];
  points: { x: number; y: number | null }[];
  /** x of the points whose value is not finite, drawn as marks at the plot's edge. */
  marks: { x: number; kind: NonFiniteKind }[];
  hidden: boolean;
  /** A shaded range around the line (a group's min–max), drawn under it. */
  band?: { lower: { x: number; y: number }[]; upper: { x: number; y: number }[] };
}

export interface LineChartOptions {
  xTitle: string;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  logY: boolean;
  /** A drag-zoom ended on [lo, hi] of x; without it the chart does not zoom. */
  onZoom?: (lo: number, hi: number) => void;
}

export interface ThemeColors {
  foreground: string;
  grid: string;
  font: string;
  selection: string;
}

/** The theme's colours, from the CSS variables VS Code gives every webview. */
export function themeColors(): ThemeColors {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-foreground', '#cccccc'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    font: v('--vscode-font-family', 'sans-serif'),
    selection: v('--vscode-editor-selectionBackground', 'rgba(38,79,120,0.4)'),
  };
}

type MarkedDataset = ChartDataset<'line', { x: number; y: number | null }[]> & { mlwbMarks?: LineSeries['marks']; mlwbId?: string };

declare module 'chart.js' {
  interface InteractionModeMap {
    /** The point of every visible series nearest to the cursor along x. */
    eachNearestX: InteractionModeFunction;
  }
}

Interaction.modes.eachNearestX = (chart, e) => {
  const { x } = getRelativePosition(e, chart as never);
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((_d, datasetIndex) => {
    const meta = chart.getDatasetMeta(datasetIndex);
    if (!chart.isDatasetVisible(datasetIndex)) return;
    let best = -1;
    let bestDistance = Infinity;
    meta.data.forEach((element, index) => {
      const raw = (chart.data.datasets[datasetIndex].data as { y: number | null }[])[index];
      if (raw?.y === null || raw?.y === undefined) return;
      const d = Math.abs(element.x - x);
      if (d < bestDistance) {
        bestDistance = d;
        best = index;
      }
    });
    if (best >= 0) items.push({ element: meta.data[best], datasetIndex, index: best });
  });
  return items;
};

const nonFiniteMarks: Plugin<'line'> = {
  id: 'mlwbNonFiniteMarks',
  afterDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    chart.data.datasets.forEach((dataset, i) => {
      const marks = (dataset as MarkedDataset).mlwbMarks;
      if (!marks?.length || !chart.isDatasetVisible(i)) return;
      ctx.strokeStyle = ctx.fillStyle = String(dataset.borderColor);
      for (const m of marks) {
        const px = scales.x.getPixelForValue(m.x);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.beginPath();
        if (m.kind === 'Infinity') {
          ctx.moveTo(px - 4, chartArea.top + 6);
          ctx.lineTo(px + 4, chartArea.top + 6);
          ctx.lineTo(px, chartArea.top);
          ctx.fill();
        } else if (m.kind === '-Infinity') {
          ctx.moveTo(px - 4, chartArea.bottom - 6);
          ctx.lineTo(px + 4, chartArea.bottom - 6);
          ctx.lineTo(px, chartArea.bottom);
          ctx.fill();
        } else {
          const y = chartArea.bottom - 4;
          ctx.moveTo(px - 3, y - 3);
          ctx.lineTo(px + 3, y + 3);
          ctx.moveTo(px + 3, y - 3);
          ctx.lineTo(px - 3, y + 3);
          ctx.stroke();
        }
      }
    });
    ctx.restore();
  },
};

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Filler, zoomPlugin, nonFiniteMarks,
  BarController, BarElement, CategoryScale, Legend);

export { Chart };
export type { ChartConfiguration } from 'chart.js';

/** A line chart of several series; the canvas's `data-series` attribute says what it draws (for tests and tools). */
export class LineChart {
  private readonly chart: Chart<'line', { x: number; y: number | null }[]>;

  constructor(readonly canvas: HTMLCanvasElement, private options: LineChartOptions, theme: ThemeColors) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        maintainAspectRatio: false,
        spanGaps: false,
        interaction: { mode: 'eachNearestX', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: this.scales(theme),
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? options.formatX(items[0].parsed.x ?? 0) : ''),
              label: (item) => `${item.dataset.label}: ${item.parsed.y === null ? '—' : options.formatY(item.parsed.y)}`,
            },
          },
          zoom: {
            zoom: {
              drag: { enabled: options.onZoom !== undefined, backgroundColor: theme.selection },
              mode: 'x',
              onZoomComplete: ({ chart }) => this.options.onZoom?.(chart.scales.x.min, chart.scales.x.max),
            },
          },
        },
      },
    });
  }

  setSeries(series: LineSeries[]): void {
    this.chart.data.datasets = series.flatMap((s): MarkedDataset[] => {
      const line: MarkedDataset = {
        label: s.label,
        data: s.points,
        borderColor: s.color,
        backgroundColor: s.color,
        borderDash: s.dash,
        hidden: s.hidden,
        mlwbMarks: s.marks,
        mlwbId: s.id,
      };
      if (!s.band) return [line];
      // Lower edge, then the upper edge filled down to it ('-1': the dataset before), then the line.
      const edge = { borderWidth: 0, pointRadius: 0, hidden: s.hidden, borderColor: s.color };
      return [
        { ...edge, label: `${s.label} min`, data: s.band.lower, fill: false },
        { ...edge, label: `${s.label} max`, data: s.band.upper, fill: '-1', backgroundColor: `${s.color}33` },
        line,
      ];
    });
    this.chart.update('none');
    this.canvas.dataset.series = JSON.stringify(series.map((s) => ({ id: s.id, label: s.label, points: s.points.length, hidden: s.hidden })));
  }

  setOptions(options: Partial<LineChartOptions>, theme: ThemeColors): void {
    this.options = { ...this.options, ...options };
    this.chart.options.scales = this.scales(theme);
    this.chart.update('none');
  }

  get isZoomed(): boolean {
    return this.chart.isZoomedOrPanned();
  }

  resetZoom(): void {
    this.chart.resetZoom('none');
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }

  private scales(theme: ThemeColors) {
    const axis = { grid: { color: theme.grid }, ticks: { color: theme.foreground, font: { family: theme.font } } };
    return {
      x: { type: 'linear' as const, ...axis, title: { display: true, text: this.options.xTitle, color: theme.foreground },
        ticks: { ...axis.ticks, maxTicksLimit: 8, callback: (v: number | string) => this.options.formatX(Number(v)) } },
      y: { type: this.options.logY ? ('logarithmic' as const) : ('linear' as const), ...axis,
        ticks: { ...axis.ticks, callback: (v: number | string) => this.options.formatY(Number(v)) } },
    };
  }
}

export interface PointSeries {
  id: string;
  label: string;
  color: string;
  points: { x: number; y: number }[];
  hidden: boolean;
}

/**
 * Points per series with their own axes: a scatter (x: a parameter, y: a metric), or parallel
 * coordinates (x: the axis index, y: the value scaled to [0, 1], lines joining a run's points).
 * `describe` gives the hover text of a point.
 */
export class PointChart {
  private readonly chart: Chart<'scatter', { x: number; y: number }[]>;

  constructor(readonly canvas: HTMLCanvasElement, theme: ThemeColors, private readonly mode: 'scatter' | 'parallel',
    private describe: (series: PointSeries, index: number) => string) {
    this.chart = new Chart(canvas, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: mode === 'scatter' },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => this.describe(this.series[item.datasetIndex], item.dataIndex) } },
        },
        scales: {},
      },
    });
    this.setTheme(theme, { x: '', y: '' });
  }

  private series: PointSeries[] = [];

  setSeries(series: PointSeries[], titles: { x: string; y: string }, theme: ThemeColors, xLabels?: string[]): void {
    this.series = series;
    this.chart.data.datasets = series.map((s) => ({
      label: s.label,
      data: s.points,
      borderColor: s.color,
      backgroundColor: s.color,
      hidden: s.hidden,
      showLine: this.mode === 'parallel',
      pointRadius: this.mode === 'scatter' ? 4 : 2,
      borderWidth: 1.5,
    }));
    this.setTheme(theme, titles, xLabels);
    this.chart.update('none');
    this.canvas.dataset.series = JSON.stringify(series.map((s) => ({ id: s.id, label: s.label, points: s.points.length, hidden: s.hidden })));
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }

  private setTheme(theme: ThemeColors, titles: { x: string; y: string }, xLabels?: string[]): void {
    const axis = { grid: { color: theme.grid }, ticks: { color: theme.foreground, font: { family: theme.font } } };
    const title = (text: string) => ({ display: text !== '', text, color: theme.foreground });
    this.chart.options.scales = {
      x: { type: 'linear', ...axis, title: title(titles.x),
        ...(xLabels ? { min: 0, max: xLabels.length - 1, ticks: { ...axis.ticks, stepSize: 1, autoSkip: false, callback: (v: number | string) => xLabels[Number(v)] ?? '' } } : {}) },
      y: { type: 'linear', ...axis, title: title(titles.y), ...(this.mode === 'parallel' ? { min: 0, max: 1, ticks: { display: false } } : {}) },
    };
  }
}
