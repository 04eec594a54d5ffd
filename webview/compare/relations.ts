// How metrics relate to parameters across many runs: a scatter of one metric against one
// parameter, and parallel coordinates over the parameters that differ plus that metric.
import type { CompareTables, ParamRow } from '../../src/core/compare/compareTables';
import type { ParamValue } from '../../src/core/store/types';
import { PointChart, type PointSeries, themeColors } from '../shared/charts';
import { button, el } from '../shared/elements';
import type { RunStyle } from './palette';
import { formatNumber } from './series';

const STATS = ['best', 'last', 'min', 'max'] as const;
type Stat = (typeof STATS)[number];

/** A parameter as numbers: numeric values as they are, anything else by its rank among the values seen. */
export function paramAxis(row: ParamRow): { values: (number | null)[]; labels?: string[] } {
  const numeric = row.values.every((v) => v === null || typeof v === 'number' || typeof v === 'boolean' || (v.trim() !== '' && Number.isFinite(Number(v))));
  if (numeric) return { values: row.values.map((v) => (v === null ? null : Number(v))) };
  const labels = [...new Set(row.values.filter((v): v is ParamValue => v !== null).map(String))].sort();
  return { values: row.values.map((v) => (v === null ? null : labels.indexOf(String(v)))), labels };
}

export interface RelationsView {
  styleOf: (runId: string) => RunStyle;
  hidden: ReadonlySet<string>;
  savePng: (name: string, dataUrl: string) => void;
}

export class Relations {
  readonly element = el('section');
  private readonly scatter: PointChart;
  private readonly parallel: PointChart;
  private readonly controls = el('div', undefined, 'controls');
  private param = '';
  private metric = '';
  private stat: Stat = 'best';
  private tables: CompareTables | undefined;
  private view: RelationsView | undefined;

  constructor() {
    this.element.dataset.section = 'relations';
    const card = (title: string, key: string, chart: () => PointChart) => {
      const figure = el('figure', undefined, 'chart-card');
      const caption = el('figcaption');
      caption.append(el('span', title, 'chart-title'), button('PNG', () => this.view?.savePng(key, chart().toPng())));
      const box = el('div', undefined, 'chart-box');
      const canvas = el('canvas');
      canvas.dataset.key = key;
      box.append(canvas);
      figure.append(caption, box);
      return { figure, canvas };
    };
    const s = card('metric vs parameter', 'scatter', () => this.scatter);
    const p = card('parallel coordinates', 'parallel', () => this.parallel);
    const grid = el('div', undefined, 'charts');
    grid.append(s.figure, p.figure);
    this.element.append(el('h2', 'Metrics and parameters'), this.controls, grid);
    const describe = (kind: 'scatter' | 'parallel') => (series: PointSeries, index: number) => this.describe(kind, series, index);
    this.scatter = new PointChart(s.canvas, themeColors(), 'scatter', describe('scatter'));
    this.parallel = new PointChart(p.canvas, themeColors(), 'parallel', describe('parallel'));
  }

  update(tables: CompareTables, view: RelationsView): void {
    this.tables = tables;
    this.view = view;
    const params = tables.params.map((p) => p.key);
    const metrics = tables.metrics.map((m) => m.key);
    if (!params.includes(this.param)) this.param = tables.params.find((p) => p.differs)?.key ?? params[0] ?? '';
    if (!metrics.includes(this.metric)) this.metric = metrics[0] ?? '';
    this.renderControls(params, metrics);
    this.draw();
  }

  private renderControls(params: string[], metrics: string[]): void {
    const select = (label: string, options: readonly string[], value: string, set: (v: string) => void) => {
      const s = el('select');
      s.setAttribute('aria-label', label);
      s.dataset.control = label;
      for (const o of options) {
        const option = el('option', o);
        option.value = o;
        option.selected = o === value;
        s.append(option);
      }
      s.addEventListener('change', () => {
        set(s.value);
        this.draw();
      });
      const l = el('label', label);
      l.append(' ', s);
      return l;
    };
    this.controls.replaceChildren(
      select('parameter', params, this.param, (v) => (this.param = v)),
      select('metric', metrics, this.metric, (v) => (this.metric = v)),
      select('value', STATS, this.stat, (v) => (this.stat = v as Stat)),
    );
  }

  private metricValues(): (number | null)[] {
    const row = this.tables!.metrics.find((m) => m.key === this.metric);
    return this.tables!.runs.map((_r, i) => {
      const v = row?.cells[i]?.[this.stat];
      return v === null || v === undefined || !Number.isFinite(v) ? null : v;
    });
  }

  private draw(): void {
    const t = this.tables;
    const view = this.view;
    if (!t || !view) return;
    const metric = this.metricValues();
    const paramRow = t.params.find((p) => p.key === this.param);
    const axis = paramRow ? paramAxis(paramRow) : { values: t.runs.map(() => null) };
    const series = (points: (i: number) => { x: number; y: number }[]): PointSeries[] => t.runs.map((run, i) => ({
      id: run.id, label: run.name, color: view.styleOf(run.id).color, points: points(i), hidden: view.hidden.has(run.id),
    }));
    const scatterPoints = (i: number) => (axis.values[i] !== null && metric[i] !== null ? [{ x: axis.values[i]!, y: metric[i]! }] : []);
    this.scatter.setSeries(series(scatterPoints), { x: this.param, y: `${this.metric} (${this.stat})` }, themeColors(), axis.labels);

    const dims = this.dimensions();
    const scaled = dims.map((d) => {
      const finite = d.values.filter((v): v is number => v !== null);
      const lo = Math.min(...finite);
      const hi = Math.max(...finite);
      return d.values.map((v) => (v === null ? null : hi > lo ? (v - lo) / (hi - lo) : 0.5));
    });
    const parallelPoints = (i: number) => scaled.flatMap((values, d) => (values[i] === null ? [] : [{ x: d, y: values[i]! }]));
    this.parallel.setSeries(series(parallelPoints), { x: '', y: '' }, themeColors(), dims.map((d) => d.key));
  }

  /** The parameters that differ (numeric or ranked), then the chosen metric. */
  private dimensions(): { key: string; values: (number | null)[]; labels?: string[] }[] {
    const t = this.tables!;
    const params = t.params.filter((p) => p.differs).map((p) => ({ key: p.key, ...paramAxis(p) }));
    return [...params, { key: `${this.metric} (${this.stat})`, values: this.metricValues() }];
  }

  private describe(kind: 'scatter' | 'parallel', series: PointSeries, index: number): string {
    const t = this.tables!;
    const run = t.runs.findIndex((r) => r.id === series.id);
    if (kind === 'scatter') {
      const param = t.params.find((p) => p.key === this.param)?.values[run];
      return `${series.label}: ${this.param} = ${String(param)}, ${this.metric} = ${formatNumber(this.metricValues()[run] ?? NaN)}`;
    }
    const dims = this.dimensions().filter((d) => d.values[run] !== null);
    const dim = dims[index];
    if (!dim) return series.label;
    const raw = dim.labels ? dim.labels[dim.values[run]!] : formatNumber(dim.values[run]!);
    return `${series.label}: ${dim.key} = ${raw}`;
  }
}
