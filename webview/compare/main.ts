// The Compare page: runs side by side — parameters, metrics and one overlaid chart per metric key.
// The host sends a snapshot, then live series updates; the page keeps UI state only (what is
// hidden, sorted, smoothed, zoomed) and asks the host for a zoomed range at full fidelity.
import './style.css';
import { tablesToCsv } from '../../src/core/compare/compareTables';
import type { WireSeries } from '../../src/core/compare/displaySeries';
import type { Band, RunGroup } from '../../src/core/compare/groups';
import type { SeriesUpdate } from '../../src/core/compare/seriesFeed';
import { LineChart, type LineSeries, themeColors } from '../shared/charts';
import { button, checkbox, el } from '../shared/elements';
import { RunPalette } from './palette';
import type { CompareRestoreState, CompareSnapshot, HostToWebview, RunSeries, WebviewToHost, XAxisMode } from './protocol';
import { Relations } from './relations';
import { appendSeries, formatNumber, smooth, toChartSeries, X_TITLES, xFormatter } from './series';
import { groupSpreadTable, type MetricSort, metricsTable, paramsTable, type TableView } from './tables';

interface UiState {
  onlyDifferences: boolean;
  smoothing: number;
  logY: boolean;
  hidden: string[];
  sort: MetricSort;
  /** A parameter or tag the runs are grouped by; null: every run on its own. */
  groupBy: string | null;
}
interface SavedState {
  restore?: CompareRestoreState;
  ui?: UiState;
}

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void; getState(): SavedState | undefined; setState(state: SavedState): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const ui: UiState = { onlyDifferences: false, smoothing: 0, logY: false, hidden: [], sort: { run: null, stat: 'best', descending: false }, groupBy: null,
  ...vscode.getState()?.ui };
/** The host's answer to the grouping asked for. */
let grouping: { by: string; groups: RunGroup[]; bands: Map<string, Map<string, Band>> } | undefined;
let snapshot: CompareSnapshot | undefined;
/** key → run → the whole series as last sent (downsampled). */
const overview = new Map<string, Map<string, WireSeries>>();
/** key → the zoom request in flight or answered; absent: not zoomed. */
const zooms = new Map<string, { requestId: number; series?: Map<string, WireSeries> }>();
const charts = new Map<string, LineChart>();
const palette = new RunPalette();
let nextRequest = 1;

const parts = {
  header: el('header'),
  controls: el('div', undefined, 'controls'),
  params: el('section'),
  metrics: el('section'),
  charts: el('div', undefined, 'charts'),
};
const relations = new Relations();

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => receive(event.data));
vscode.postMessage({ type: 'ready' });

function receive(msg: HostToWebview): void {
  switch (msg.type) {
    case 'snapshot':
      applySnapshot(msg.snapshot);
      break;
    case 'series':
      applyUpdates(msg.updates);
      break;
    case 'tables':
      if (!snapshot) return;
      snapshot.tables = msg.tables;
      snapshot.starts = msg.starts;
      renderHeader();
      renderTables();
      syncChartCards();
      break;
    case 'zoomed': {
      const zoom = zooms.get(msg.key);
      if (zoom?.requestId !== msg.requestId) return; // superseded by a newer zoom or a reset
      zoom.series = bySeriesRun(msg.series);
      drawChart(msg.key);
      break;
    }
    case 'groups': {
      if (msg.by === null || msg.by !== ui.groupBy) grouping = undefined;
      else {
        const bands = new Map<string, Map<string, Band>>();
        for (const b of msg.bands) {
          if (!bands.has(b.key)) bands.set(b.key, new Map());
          bands.get(b.key)!.set(b.group, b.band);
        }
        grouping = { by: msg.by, groups: msg.groups, bands };
      }
      if (snapshot) renderTables();
      for (const key of charts.keys()) drawChart(key);
      break;
    }
  }
}

function applySnapshot(s: CompareSnapshot): void {
  snapshot = s;
  palette.keepOnly(s.tables.runs.map((r) => r.id));
  overview.clear();
  zooms.clear();
  for (const rs of s.series) seriesOf(rs.key).set(rs.runId, rs.series);
  saveState();
  if (!app.contains(parts.header)) {
    app.replaceChildren(parts.header, parts.controls, parts.params, parts.metrics, parts.charts, relations.element);
    app.removeAttribute('aria-busy');
  }
  renderHeader();
  renderControls();
  renderTables();
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  parts.charts.replaceChildren();
  syncChartCards();
  // A new host (after a reload) starts ungrouped: ask again for what the page shows.
  if (ui.groupBy !== null && grouping?.by !== ui.groupBy) vscode.postMessage({ type: 'groupBy', by: ui.groupBy });
}

function applyUpdates(updates: SeriesUpdate[]): void {
  const touched = new Set<string>();
  for (const u of updates) {
    const byRun = seriesOf(u.key);
    const current = byRun.get(u.runId);
    byRun.set(u.runId, u.kind === 'append' && current ? appendSeries(current, u.series) : u.series);
    touched.add(u.key);
  }
  syncChartCards();
  for (const key of touched) if (!zooms.has(key)) drawChart(key);
}

function seriesOf(key: string): Map<string, WireSeries> {
  let byRun = overview.get(key);
  if (!byRun) overview.set(key, (byRun = new Map()));
  return byRun;
}

function bySeriesRun(series: RunSeries[]): Map<string, WireSeries> {
  return new Map(series.map((s) => [s.runId, s.series]));
}

function saveState(): void {
  vscode.setState({ restore: snapshot?.restore, ui });
}

function tableView(): TableView {
  return {
    styleOf: (id) => palette.styleOf(id),
    hidden: new Set(ui.hidden),
    onlyDifferences: ui.onlyDifferences,
    sort: ui.sort,
    onSort: (sort) => {
      ui.sort = sort;
      saveState();
      renderTables();
    },
  };
}

function renderHeader(): void {
  const runs = snapshot!.tables.runs;
  const legend = el('ul', undefined, 'legend');
  legend.setAttribute('aria-label', 'Runs (click to show or hide)');
  for (const run of runs) {
    const item = el('li');
    const chip = el('button', undefined, 'run-chip');
    chip.dataset.runId = run.id;
    chip.setAttribute('aria-pressed', String(!ui.hidden.includes(run.id)));
    const swatch = el('span', '', 'swatch');
    swatch.style.backgroundColor = palette.styleOf(run.id).color;
    chip.append(swatch, el('span', run.name, 'run-name'), el('span', ` ${run.status}`, 'muted'));
    chip.title = `${run.experiment} · ${run.id}`;
    chip.addEventListener('click', () => toggleRun(run.id));
    chip.addEventListener('dblclick', () => vscode.postMessage({ type: 'openRun', runId: run.id }));
    item.append(chip);
    legend.append(item);
  }
  parts.header.replaceChildren(el('h1', `Compare ${runs.length} runs`), legend);
}

function toggleRun(runId: string): void {
  ui.hidden = ui.hidden.includes(runId) ? ui.hidden.filter((id) => id !== runId) : [...ui.hidden, runId];
  saveState();
  renderHeader();
  renderTables();
  for (const key of charts.keys()) drawChart(key);
}

function renderControls(): void {
  const xSelect = el('select');
  xSelect.setAttribute('aria-label', 'x axis');
  for (const mode of ['step', 'relative', 'wall'] as XAxisMode[]) {
    const option = el('option', X_TITLES[mode]);
    option.value = mode;
    option.selected = mode === snapshot!.xAxis;
    xSelect.append(option);
  }
  xSelect.addEventListener('change', () => vscode.postMessage({ type: 'xAxis', xAxis: xSelect.value as XAxisMode }));
  const smoothing = el('input');
  smoothing.type = 'range';
  smoothing.min = '0';
  smoothing.max = '0.99';
  smoothing.step = '0.01';
  smoothing.value = String(ui.smoothing);
  smoothing.setAttribute('aria-label', 'smoothing');
  const smoothingValue = el('span', ui.smoothing.toFixed(2), 'muted');
  smoothing.addEventListener('input', () => {
    ui.smoothing = Number(smoothing.value);
    smoothingValue.textContent = ui.smoothing.toFixed(2);
    saveState();
    for (const key of charts.keys()) drawChart(key);
  });
  const label = (text: string, control: HTMLElement, ...extra: HTMLElement[]) => {
    const l = el('label', text);
    l.append(' ', control, ...extra);
    return l;
  };
  parts.controls.replaceChildren(
    label('x axis', xSelect),
    label('smoothing', smoothing, smoothingValue),
    checkbox('log scale', ui.logY, (on) => {
      ui.logY = on;
      saveState();
      for (const chart of charts.values()) chart.setOptions({ logY: on }, themeColors());
    }),
    groupSelect(),
    button('Export tables (CSV)', () => vscode.postMessage({ type: 'saveCsv', csv: tablesToCsv(snapshot!.tables) })),
  );
}

function groupSelect(): HTMLElement {
  const select = el('select');
  select.setAttribute('aria-label', 'group runs by');
  select.dataset.control = 'group-by';
  const keys = snapshot!.groupKeys;
  for (const key of ['', ...keys]) {
    const option = el('option', key === '' ? '(none)' : key);
    option.value = key;
    option.selected = key === (ui.groupBy ?? '');
    select.append(option);
  }
  select.addEventListener('change', () => {
    ui.groupBy = select.value === '' ? null : select.value;
    grouping = undefined;
    saveState();
    vscode.postMessage({ type: 'groupBy', by: ui.groupBy });
    for (const key of charts.keys()) drawChart(key);
  });
  const label = el('label', 'group by');
  label.title = 'Each group drawn as the mean of its runs with a min–max band';
  label.append(' ', select);
  return label;
}

function renderTables(): void {
  const t = snapshot!.tables;
  const view = tableView();
  const toggle = checkbox('only differences', ui.onlyDifferences, (on) => {
    ui.onlyDifferences = on;
    saveState();
    renderTables();
  });
  toggle.dataset.control = 'only-differences';
  const paramsHead = el('div', undefined, 'section-head');
  paramsHead.append(el('h2', 'Parameters'), toggle);
  parts.params.dataset.section = 'params';
  parts.params.replaceChildren(paramsHead, paramsTable(t, view));
  parts.metrics.dataset.section = 'metrics';
  parts.metrics.replaceChildren(el('h2', 'Metrics'), metricsTable(t, view));
  if (grouping) parts.metrics.append(el('h3', `Best values by ${grouping.by}`), groupSpreadTable(t, grouping.by, grouping.groups));
  relations.update(t, { styleOf: view.styleOf, hidden: view.hidden, savePng: (key, dataUrl) => vscode.postMessage({ type: 'savePng', key, dataUrl }) });
}

/** One card per metric key of any compared run, in the metrics table's order. */
function syncChartCards(): void {
  const keys = new Set([...snapshot!.tables.metrics.map((m) => m.key), ...overview.keys()]);
  for (const [key, chart] of charts) {
    if (keys.has(key)) continue;
    chart.destroy();
    charts.delete(key);
    parts.charts.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
  }
  for (const key of [...keys].sort()) {
    if (charts.has(key)) continue;
    const card = el('figure', undefined, 'chart-card');
    card.dataset.key = key;
    const caption = el('figcaption');
    caption.append(el('span', key, 'chart-title'),
      button('Reset zoom', () => resetZoom(key)),
      button('PNG', () => vscode.postMessage({ type: 'savePng', key, dataUrl: charts.get(key)!.toPng() })));
    const box = el('div', undefined, 'chart-box');
    const canvas = el('canvas', undefined, 'metric-chart');
    canvas.dataset.key = key;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${key} of every compared run`);
    box.append(canvas);
    card.append(caption, box);
    parts.charts.append(card);
    const xAxis = snapshot!.xAxis;
    charts.set(key, new LineChart(canvas, {
      xTitle: X_TITLES[xAxis],
      formatX: xFormatter(xAxis),
      formatY: formatNumber,
      logY: ui.logY,
      onZoom: (lo, hi) => requestZoom(key, lo, hi),
    }, themeColors()));
    drawChart(key);
  }
}

function requestZoom(key: string, lo: number, hi: number): void {
  const requestId = nextRequest++;
  zooms.set(key, { requestId });
  vscode.postMessage({ type: 'zoom', requestId, key, xAxis: snapshot!.xAxis, lo, hi });
}

function resetZoom(key: string): void {
  zooms.delete(key);
  charts.get(key)?.resetZoom();
  drawChart(key);
}

function drawChart(key: string): void {
  const chart = charts.get(key);
  if (!chart || !snapshot) return;
  if (grouping) {
    chart.setSeries(groupSeries(key, grouping));
    return;
  }
  const source = zooms.get(key)?.series ?? overview.get(key) ?? new Map<string, WireSeries>();
  const series: LineSeries[] = snapshot.tables.runs.map((run) => {
    const wire = source.get(run.id);
    const drawn = wire ? toChartSeries(wire, snapshot!.xAxis, snapshot!.starts[run.id] ?? 0) : { points: [], marks: [] };
    const style = palette.styleOf(run.id);
    return { id: run.id, label: run.name, color: style.color, dash: style.dash, points: smooth(drawn.points, ui.smoothing), marks: drawn.marks, hidden: ui.hidden.includes(run.id) };
  });
  chart.setSeries(series);
}

function groupSeries(key: string, g: NonNullable<typeof grouping>): LineSeries[] {
  return g.groups.flatMap((group) => {
    const band = g.bands.get(key)?.get(group.label);
    if (!band) return [];
    const style = palette.styleOf(`group:${group.label}`);
    const at = (ys: number[]) => band.x.map((x, i) => ({ x, y: ys[i] }));
    return [{ id: `group:${group.label}`, label: `${g.by} = ${group.label} (${group.runIds.length} runs)`, color: style.color, dash: style.dash,
      points: smooth(at(band.mean), ui.smoothing), marks: [], hidden: false, band: { lower: at(band.min), upper: at(band.max) } }];
  });
}

// Theme switches (light, dark, high contrast) change the body's class: recolour the axes.
new MutationObserver(() => {
  for (const chart of charts.values()) chart.setOptions({}, themeColors());
  if (snapshot) renderTables();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
