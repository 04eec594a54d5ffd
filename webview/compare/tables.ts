// The parameters and metrics tables of the Compare page, built with DOM calls and textContent
// only: run names, keys and values are user data and never become markup.
import type { CompareTables, MetricCell, MetricRow } from '../../src/core/compare/compareTables';
import { el } from '../shared/elements';
import type { RunStyle } from './palette';
import { formatNumber } from './series';

const STATS = ['last', 'min', 'max', 'best'] as const;
type Stat = (typeof STATS)[number];

export interface MetricSort {
  /** null: by metric name. */
  run: number | null;
  stat: Stat;
  descending: boolean;
}

export interface TableView {
  styleOf: (runId: string) => RunStyle;
  hidden: ReadonlySet<string>;
  onlyDifferences: boolean;
  sort: MetricSort;
  onSort: (sort: MetricSort) => void;
}

function runHeader(run: CompareTables['runs'][number], view: TableView, colSpan = 1): HTMLTableCellElement {
  const th = el('th');
  th.colSpan = colSpan;
  th.className = 'run-header';
  th.dataset.runId = run.id;
  if (view.hidden.has(run.id)) th.classList.add('hidden-run');
  const swatch = el('span', '', 'swatch');
  swatch.style.backgroundColor = view.styleOf(run.id).color;
  th.append(swatch, el('span', run.name, 'run-name'));
  th.title = `${run.name}\n${run.experiment} · ${run.status} · ${run.id}`;
  return th;
}

export function paramsTable(t: CompareTables, view: TableView): HTMLElement {
  const rows = view.onlyDifferences ? t.params.filter((p) => p.differs) : t.params;
  if (rows.length === 0) return el('p', t.params.length ? 'Every parameter is the same in all runs.' : 'No parameters recorded.', 'muted');
  const table = el('table', undefined, 'params');
  const head = el('tr');
  head.append(el('th', 'parameter'), ...t.runs.map((r) => runHeader(r, view)));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const p of rows) {
    const tr = el('tr');
    tr.dataset.key = p.key;
    if (p.differs) tr.className = 'differs';
    tr.append(el('th', p.key));
    p.values.forEach((v, i) => {
      const td = el('td', v === null ? '—' : String(v));
      if (v === null) td.classList.add('missing');
      if (view.hidden.has(t.runs[i].id)) td.classList.add('hidden-run');
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(body);
  return table;
}

export function metricsTable(t: CompareTables, view: TableView): HTMLElement {
  if (t.metrics.length === 0) return el('p', 'No metrics recorded.', 'muted');
  const table = el('table', undefined, 'metrics');
  const top = el('tr');
  const nameHeader = sortHeader('metric', { run: null, stat: 'best', descending: false }, view);
  nameHeader.rowSpan = 2;
  top.append(nameHeader, ...t.runs.map((r) => runHeader(r, view, STATS.length)));
  const sub = el('tr');
  t.runs.forEach((_r, run) => {
    for (const stat of STATS) sub.append(sortHeader(stat, { run, stat, descending: stat !== 'min' }, view));
  });
  table.append(el('thead'));
  table.tHead!.append(top, sub);
  const body = el('tbody');
  for (const m of sortRows(t.metrics, view.sort)) {
    const tr = el('tr');
    tr.dataset.key = m.key;
    const name = el('th', m.key);
    name.title = m.direction === 'min' ? 'lower is better' : 'higher is better';
    name.append(el('span', m.direction === 'min' ? ' ↓' : ' ↑', 'muted'));
    tr.append(name);
    m.cells.forEach((cell, i) => {
      for (const stat of STATS) {
        const td = el('td', cellText(cell, stat), 'num');
        if (view.hidden.has(t.runs[i].id)) td.classList.add('hidden-run');
        if (stat === 'best' && i === m.bestRun) {
          td.classList.add('best');
          td.title = 'best of the compared runs';
          td.prepend('★ ');
        }
        tr.append(td);
      }
    });
    body.append(tr);
  }
  table.append(body);
  return table;
}

function cellText(cell: MetricCell | null, stat: Stat): string {
  const v = cell?.[stat];
  return v === null || v === undefined ? '—' : formatNumber(v);
}

function sortHeader(text: string, sort: MetricSort, view: TableView): HTMLTableCellElement {
  const th = el('th', text, 'sortable');
  const active = view.sort.run === sort.run && (sort.run === null || view.sort.stat === sort.stat);
  if (active) {
    th.classList.add('sorted');
    th.append(view.sort.descending ? ' ▾' : ' ▴');
    th.setAttribute('aria-sort', view.sort.descending ? 'descending' : 'ascending');
  }
  th.tabIndex = 0;
  const apply = () => view.onSort(active ? { ...view.sort, descending: !view.sort.descending } : sort);
  th.addEventListener('click', apply);
  th.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') apply();
  });
  return th;
}

/** Rows by name, or by one run's statistic; rows without a number for it go last either way. */
export function sortRows(rows: readonly MetricRow[], sort: MetricSort): MetricRow[] {
  const sign = sort.descending ? -1 : 1;
  if (sort.run === null) return [...rows].sort((a, b) => sign * a.key.localeCompare(b.key));
  const value = (m: MetricRow) => {
    const v = m.cells[sort.run!]?.[sort.stat];
    return v === null || v === undefined || Number.isNaN(v) ? null : v;
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1;
    return sign * (va - vb);
  });
}

/** Per group of runs and metric: how many runs, and the mean, min and max of their best values. */
export function groupSpreadTable(t: CompareTables, by: string, groups: readonly { label: string; runIds: string[] }[]): HTMLElement {
  const table = el('table', undefined, 'group-spread');
  const head = el('tr');
  head.append(el('th', 'metric'), el('th', by));
  for (const h of ['runs', 'mean', 'min', 'max']) head.append(el('th', h));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const m of t.metrics) {
    for (const g of groups) {
      const values = g.runIds.flatMap((id) => {
        const v = m.cells[t.runs.findIndex((r) => r.id === id)]?.best;
        return v === null || v === undefined || !Number.isFinite(v) ? [] : [v];
      });
      const tr = el('tr');
      tr.dataset.key = m.key;
      tr.dataset.group = g.label;
      const mean = values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
      tr.append(el('th', m.key), el('td', g.label), el('td', String(values.length), 'num'),
        ...[mean, values.length ? Math.min(...values) : null, values.length ? Math.max(...values) : null]
          .map((v) => el('td', v === null ? '—' : formatNumber(v), 'num')));
      body.append(tr);
    }
  }
  table.append(body);
  return table;
}
