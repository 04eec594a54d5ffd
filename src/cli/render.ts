import type { RunDiff } from '../core/compare/runDiff';
import type { RunRecord } from '../core/store/types';
import { formatDuration, keyMetric, runDurationMs } from '../core/live/runSummary';
import { formatNumber, formatTable } from './format';
import { visible } from './terminalText';

function keyMetricText(run: RunRecord): string {
  const metric = keyMetric(run.metrics);
  return metric ? `${metric.key}=${formatNumber(metric.value)}` : '';
}

export function renderRunList(runs: RunRecord[]): string {
  if (runs.length === 0) return 'No runs.\n';
  return formatTable(
    ['ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'DURATION', 'METRIC'],
    runs.map((r) => [
      r.id.slice(0, 8),
      r.name,
      r.experiment,
      r.status === 'failed' && r.exitCode !== null ? `failed(${r.exitCode})` : r.status,
      r.startTime.replace('T', ' ').slice(0, 19),
      formatDuration(runDurationMs(r)),
      keyMetricText(r),
    ]),
  );
}

export function renderRun(run: RunRecord): string {
  const lines: string[] = [];
  const section = (title: string, entries: [string, string][]) => {
    if (entries.length === 0) return;
    lines.push('', `${title}:`);
    const shown = entries.map(([k, v]) => [visible(k), visible(v)]);
    const width = Math.max(...shown.map(([k]) => k.length));
    for (const [k, v] of shown) lines.push(`  ${k.padEnd(width)}  ${v}`);
  };
  lines.push(`Run ${run.id}  ${visible(run.name)}`);
  lines.push(`  experiment  ${visible(run.experiment)}`);
  lines.push(`  status      ${run.status}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}`);
  lines.push(`  source      ${run.source}`);
  lines.push(`  started     ${run.startTime}   duration ${formatDuration(runDurationMs(run))}`);
  if (run.command.length) lines.push(`  command     ${visible(run.command.join(' '))}`);
  if (run.cwd) lines.push(`  directory   ${visible(run.cwd)}`);
  for (const note of run.notes ? run.notes.split('\n') : []) lines.push(`  note        ${visible(note)}`);
  section('Parameters', Object.entries(run.params).map(([k, v]) => [k, String(v)]));
  section('Metrics (last / min / max / points)', Object.entries(run.metrics).map(([k, m]) =>
    [k, `${formatNumber(m.last)} / ${formatNumber(m.min)} / ${formatNumber(m.max)} / ${m.count} (step ${m.lastStep})`]));
  section('Tags', Object.entries(run.tags));
  if (run.git) {
    section('Git', [
      ['commit', run.git.commit],
      ['branch', run.git.branch ?? '(detached)'],
      ['remote', run.git.remote ?? '(none)'],
      ['dirty', run.git.dirty ? `yes (${run.git.diffBytes} bytes of changes${run.git.diffTruncated ? ', diff truncated' : ''})` : 'no'],
      ...(run.gitNote ? [['note', run.gitNote] as [string, string]] : []),
    ]);
  } else if (run.gitNote) section('Git', [['note', run.gitNote]]);
  if (run.env) {
    section('Environment', [
      ['os', run.env.os],
      ['cpu', `${run.env.cpu} (${run.env.cpuCores} cores)`],
      ['memory', `${(run.env.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
      ['gpus', run.env.gpus.length ? run.env.gpus.map((g) => g.name).join(', ') : 'none'],
      ['python', run.env.python ? `${run.env.python.version} (${run.env.python.executable})` : 'none'],
      ['packages', String(Object.keys(run.env.packages).length)],
      ['node', run.env.node],
      ...run.env.notes.map((n): [string, string] => ['note', n]),
    ]);
  }
  section('Data', run.data.map((d) => [d.path,
    `${d.bytes} bytes, ${d.rows ?? '?'} rows, ${d.sha256 ? `sha256 ${d.sha256.slice(0, 12)}` : 'not hashed'}${d.note ? ` (${d.note})` : ''}`]));
  section('Artifacts', run.artifacts.map((a) => [a.path, `${a.bytes} bytes, sha256 ${a.sha256.slice(0, 12)}`]));
  return lines.join('\n') + '\n';
}

export function renderDiff(diff: RunDiff): string {
  const lines = [`a: ${diff.a.id.slice(0, 8)} ${visible(diff.a.name)}`, `b: ${diff.b.id.slice(0, 8)} ${visible(diff.b.name)}`];
  const show = (v: unknown) => (v === null ? '—' : typeof v === 'number' ? formatNumber(v) : String(v));
  const section = (title: string, rows: string[][], header: string[]) => {
    lines.push('', `${title}:`);
    lines.push(rows.length ? formatTable(header, rows).trimEnd().replace(/^/gm, '  ') : '  (same)');
  };
  section('Parameters', diff.params.map((d) => [d.key, show(d.a), show(d.b)]), ['KEY', 'A', 'B']);
  section('Metrics (final)', diff.metrics.map((d) => [d.key, show(d.a), show(d.b), d.delta === null ? '' : (d.delta > 0 ? '+' : '') + formatNumber(d.delta)]),
    ['KEY', 'A', 'B', 'B−A']);
  section('Git', diff.git.map((d) => [d.key, show(d.a), show(d.b)]), ['FIELD', 'A', 'B']);
  section('Packages', diff.packages.map((d) => [d.key, show(d.a), show(d.b)]), ['PACKAGE', 'A', 'B']);
  return lines.join('\n') + '\n';
}
