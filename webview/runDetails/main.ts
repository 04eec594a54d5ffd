// Run details: params, final metrics, git and environment of one run. Renders each snapshot
// from scratch with DOM calls (textContent only): the page holds no state worth keeping.
import './style.css';
import type { MetricSummary, RunRecord } from '../../src/core/store/types';
import { badge, el } from '../shared/elements';
import { MetricCharts } from './metricCharts';
import type { HostToWebview, RunDetailsSnapshot, WebviewToHost } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const charts = new MetricCharts();

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  if (msg.type === 'snapshot') render(msg.snapshot);
  else if (msg.type === 'deleted') renderDeleted(msg.runId);
});
vscode.postMessage({ type: 'ready' });

function render({ run, keyMetric, series }: RunDetailsSnapshot): void {
  const page = document.createDocumentFragment();
  const header = el('header');
  const title = el('h1', run.name);
  title.append(' ', badge(run.status));
  header.append(title, el('p', `${run.experiment} · ${run.source} · started ${new Date(run.startTime).toLocaleString()}${run.endTime ? ` · ${duration(run)}` : ''}${run.exitCode !== null ? ` · exit ${run.exitCode}` : ''}`, 'muted'));
  const id = el('p', '', 'muted');
  const code = el('code', run.id);
  const copy = document.createElement('vscode-button');
  copy.setAttribute('secondary', '');
  copy.textContent = 'Copy id';
  copy.addEventListener('click', () => vscode.postMessage({ type: 'copy', text: run.id }));
  id.append('Run ', code, ' ', copy);
  header.append(id);
  if (run.command.length) header.append(el('pre', run.command.join(' '), 'command'));
  page.append(header);

  page.append(section('Params', table(['name', 'value'], Object.entries(run.params).map(([k, v]) => [k, String(v)])), 'params'));
  page.append(section('Metrics', metricsTable(run.metrics, keyMetric), 'metrics'));
  if (Object.keys(series).length) {
    charts.update(run.name, series);
    page.append(section('Metric charts', charts.element, 'charts'));
  }
  page.append(section('Git', table(['', ''], gitRows(run)), 'git'));
  page.append(section('Environment', table(['', ''], envRows(run)), 'environment'));
  if (run.data.length) page.append(section('Data', table(['path', 'rows', 'bytes', 'sha256'], run.data.map((d) => [d.path, String(d.rows ?? ''), String(d.bytes), d.sha256 ? d.sha256.slice(0, 12) : d.note ?? 'not hashed'])), 'data'));
  app.replaceChildren(page);
  app.removeAttribute('aria-busy');
}

function renderDeleted(runId: string): void {
  app.replaceChildren(el('p', `Run ${runId} was deleted.`, 'muted'));
}

function section(title: string, body: HTMLElement, name: string): HTMLElement {
  const s = el('section');
  s.dataset.section = name;
  s.append(el('h2', title), body);
  return s;
}

function table(header: string[], rows: string[][]): HTMLElement {
  if (rows.length === 0) return el('p', 'None recorded.', 'muted');
  const t = el('table');
  if (header.some((h) => h)) {
    const tr = el('tr');
    for (const h of header) tr.append(el('th', h));
    t.append(el('thead'));
    t.tHead?.append(tr);
  }
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row) tr.append(el('td', cell));
    body.append(tr);
  }
  t.append(body);
  return t;
}

function metricsTable(metrics: Record<string, MetricSummary>, keyMetric: string | null): HTMLElement {
  const rows = Object.entries(metrics).map(([k, m]) => [k === keyMetric ? `${k} ★` : k, num(m.last), num(m.min), num(m.max), String(m.lastStep), String(m.count)]);
  return table(['metric', 'last', 'min', 'max', 'step', 'points'], rows);
}

function gitRows(run: RunRecord): string[][] {
  if (!run.git) return run.gitNote ? [['note', run.gitNote]] : [];
  return [
    ['commit', run.git.commit],
    ['branch', run.git.branch ?? '(detached)'],
    ['remote', run.git.remote ?? ''],
    ['uncommitted changes', run.git.dirty ? `yes (${run.git.diffBytes} bytes of diff)` : 'no'],
    ...(run.gitNote ? [['note', run.gitNote]] : []),
  ];
}

function envRows(run: RunRecord): string[][] {
  const env = run.env;
  if (!env) return [];
  const rows = [
    ['os', env.os], ['cpu', `${env.cpu} (${env.cpuCores} cores)`], ['memory', `${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
    ['gpus', env.gpus.map((g) => g.name).join(', ') || 'none'],
    ['python', env.python ? `${env.python.version} (${env.python.executable})` : 'not found'],
    ['packages', `${Object.keys(env.packages).length} installed`],
  ];
  for (const note of env.notes) rows.push(['note', note]);
  return rows;
}

function num(v: number | null): string {
  if (v === null) return '';
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(5)));
}

function duration(run: RunRecord): string {
  const ms = Date.parse(run.endTime ?? '') - Date.parse(run.startTime);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
