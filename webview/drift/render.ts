// The drift report page, shared by the VS Code webview and the standalone HTML file: the verdict,
// a sortable and filterable table of the columns, and one reference-vs-current chart per column.
// Built with DOM calls and textContent only: no file content ever becomes markup.
import type { ColumnDrift, DriftReport } from '../../src/core/drift/types';
import { verdictLine } from '../../src/core/drift/types';
import { el } from '../shared/elements';
import type { Chart } from '../shared/charts';
import { drawColumnChart } from './columnChart';
import { drawOverTimeChart } from './overTimeChart';
import { schemaSection } from './schemaSection';
import { textSection } from './textSection';

type SortKey = 'name' | 'type' | 'test' | 'statistic' | 'pValue' | 'score' | 'threshold' | 'drifted' | 'missing';

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'column' }, { key: 'type', label: 'type' }, { key: 'test', label: 'test' },
  { key: 'statistic', label: 'statistic' }, { key: 'pValue', label: 'p-value' }, { key: 'score', label: 'score' },
  { key: 'threshold', label: 'threshold' }, { key: 'drifted', label: 'verdict' }, { key: 'missing', label: 'missing (ref / cur)' },
];

/** The report as sent (NaN and ±Infinity spelled as strings, as in the store) with its numbers back. */
export function reviveNumbers(report: DriftReport): DriftReport {
  const text = JSON.stringify(report);
  return JSON.parse(text, (_k, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as DriftReport;
}

export function formatValue(v: number | null): string {
  if (v === null) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function sortValue(c: ColumnDrift, key: SortKey): number | string {
  switch (key) {
    case 'name': case 'type': case 'test': return c[key];
    case 'drifted': return c.drifted ? 1 : 0;
    case 'missing': return c.missing.reference + c.missing.current;
    default: return c[key] ?? -Infinity;
  }
}

export class DriftReportView {
  private charts: Chart[] = [];
  private sortKey: SortKey = 'drifted';
  private descending = true;
  private filter = '';
  private report: DriftReport | undefined;
  private tbody = el('tbody');

  /** `cancel`: stops a report still being computed (the webview has one; the HTML file does not). */
  constructor(private readonly root: HTMLElement, private readonly cancel?: () => void) {}

  showProgress(done: number, total: number, message: string): void {
    const p = el('p', `Computing the drift report… ${done} of ${total} steps (${message})`, 'muted');
    p.dataset.role = 'progress';
    this.root.replaceChildren(el('h1', 'Data drift'), p);
    if (this.cancel) {
      const button = el('button', 'Cancel');
      button.addEventListener('click', () => this.cancel?.());
      this.root.append(button);
    }
  }

  showError(message: string): void {
    const p = el('p', message, 'error');
    p.dataset.role = 'error';
    this.root.replaceChildren(el('h1', 'Data drift'), p);
  }

  render(report: DriftReport): void {
    this.report = report;
    for (const c of this.charts) c.destroy();
    this.charts = [];
    const page = document.createDocumentFragment();
    const verdict = el('h1', verdictLine(report.dataset), report.dataset.drifted ? 'verdict drifted' : 'verdict');
    verdict.dataset.role = 'verdict';
    page.append(verdict);
    page.append(el('p', `reference ${report.reference.path} (${report.reference.rows.toLocaleString('en-US')} rows) · current ${report.current.path} (${report.current.rows.toLocaleString('en-US')} rows) · ${new Date(report.createdAt).toLocaleString()}`, 'muted'));
    for (const s of report.skipped) page.append(el('p', `Not compared: ${s.name} — ${s.reason}`, 'muted'));
    const schema = schemaSection(report.schema);
    if (schema) page.append(schema);

    const search = el('input');
    search.type = 'search';
    search.placeholder = 'Filter columns (name, type, test, "drift")';
    search.setAttribute('aria-label', 'Filter columns');
    search.addEventListener('input', () => {
      this.filter = search.value.trim().toLowerCase();
      this.fillTable();
    });
    page.append(search);

    const table = el('table', undefined, 'columns');
    table.dataset.role = 'columns';
    const head = el('tr');
    for (const { key, label } of COLUMNS) {
      const th = el('th', label);
      th.tabIndex = 0;
      th.dataset.key = key;
      const sort = () => {
        this.descending = this.sortKey === key ? !this.descending : key !== 'name';
        this.sortKey = key;
        this.fillTable();
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && sort());
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    this.tbody = el('tbody');
    table.append(thead, this.tbody);
    page.append(table);

    const grid = el('section', undefined, 'charts');
    grid.dataset.role = 'charts';
    const pending: Array<[HTMLCanvasElement, ColumnDrift]> = [];
    const overTime: Array<[HTMLCanvasElement, ColumnDrift]> = [];
    const textCharts: Array<() => Chart | undefined> = [];
    for (const c of report.columns) {
      const card = el('article', undefined, c.drifted ? 'chart drifted' : 'chart');
      card.id = `chart-${encodeURIComponent(c.name)}`;
      card.dataset.column = c.name;
      card.append(el('h2', `${c.name} — ${c.drifted ? 'drift' : 'no drift'}`), el('p', this.describe(c), 'muted'));
      if (c.newCategories.length) card.append(el('p', `new in current: ${c.newCategories.join(', ')}`, 'muted'));
      if (c.vanishedCategories.length) card.append(el('p', `gone from current: ${c.vanishedCategories.join(', ')}`, 'muted'));
      if (c.chart) {
        const box = el('div', undefined, 'canvas-box');
        const canvas = el('canvas');
        canvas.dataset.chart = c.chart.kind;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${c.name}: reference and current ${c.chart.kind === 'histogram' ? 'histograms over shared bins' : 'shares per category'}`);
        box.append(canvas);
        card.append(box);
        pending.push([canvas, c]);
      }
      if (c.text) {
        const text = textSection({ ...c, text: c.text });
        card.append(text.element);
        textCharts.push(text.draw);
      }
      if (report.windows && c.windows) {
        const box = el('div', undefined, 'canvas-box');
        const canvas = el('canvas');
        canvas.dataset.chart = 'over-time';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${c.name}: drift score per ${report.windows.window} window of ${report.windows.by}`);
        box.append(canvas);
        card.append(el('p', `Drift over time (by ${report.windows.by}, window ${report.windows.window}): ${c.windows.filter((w) => w.drifted).length} of ${c.windows.length} windows drifted`, 'muted'), box);
        overTime.push([canvas, c]);
      }
      grid.append(card);
    }
    page.append(grid);
    this.root.replaceChildren(page);
    this.root.removeAttribute('aria-busy');
    this.fillTable();
    for (const [canvas, c] of pending) {
      const chart = drawColumnChart(canvas, c);
      if (chart) this.charts.push(chart);
    }
    for (const draw of textCharts) {
      const chart = draw();
      if (chart) this.charts.push(chart);
    }
    for (const [canvas, c] of overTime) {
      const chart = drawOverTimeChart(canvas, report, c);
      if (chart) this.charts.push(chart);
    }
  }

  private describe(c: ColumnDrift): string {
    if (c.note) return `${c.type} · ${c.note}`;
    const p = c.pValue === null ? `distance ${formatValue(c.score)}` : `p-value ${formatValue(c.pValue)}`;
    return `${c.type} · ${c.testLabel} · ${p} (threshold ${formatValue(c.threshold)}) · missing ${c.missing.reference} / ${c.missing.current}`;
  }

  private fillTable(): void {
    if (!this.report) return;
    const f = this.filter;
    const rows = this.report.columns
      .filter((c) => !f || c.name.toLowerCase().includes(f) || c.type === f || c.test.includes(f) || (f === 'drift' && c.drifted))
      .sort((a, b) => {
        const [x, y] = [sortValue(a, this.sortKey), sortValue(b, this.sortKey)];
        const order = x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : 1;
        return this.descending ? -order : order;
      });
    this.tbody.replaceChildren(...rows.map((c) => {
      const tr = el('tr', undefined, c.drifted ? 'drifted' : '');
      tr.dataset.column = c.name;
      const cells = [c.name, c.type, c.testLabel, formatValue(c.statistic), formatValue(c.pValue), formatValue(c.score),
        formatValue(c.threshold), c.drifted ? 'drift' : 'no drift', `${c.missing.reference} / ${c.missing.current}`];
      for (const text of cells) tr.append(el('td', text));
      tr.addEventListener('click', () => document.getElementById(`chart-${encodeURIComponent(c.name)}`)?.scrollIntoView({ behavior: 'smooth' }));
      return tr;
    }));
    for (const th of this.root.querySelectorAll<HTMLElement>('th[data-key]')) {
      th.setAttribute('aria-sort', th.dataset.key === this.sortKey ? (this.descending ? 'descending' : 'ascending') : 'none');
    }
  }
}
