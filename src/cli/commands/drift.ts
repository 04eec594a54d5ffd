// `mlwb drift REF CUR`: has the data moved away from the reference? Prints the verdict and a
// per-column table (or the report as JSON), writes a self-contained HTML report on request, keeps
// the report in the workspace store when there is one, and exits 1 on dataset drift with
// --fail-on-drift (for CI).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { computeDrift } from '../../core/drift/computeDrift';
import { renderDriftHtml } from '../../core/drift/htmlReport';
import { saveDriftReport } from '../../core/drift/saveReport';
import { schemaLine } from '../../core/drift/schema';
import { verdictLine, type DriftOptions, type DriftReport } from '../../core/drift/types';
import { MlwbError } from '../../core/errors';
import { Store } from '../../core/store/store';
import type { Command, CliContext } from '../context';
import { formatTable, toJson } from '../format';
import { deviceOf } from './modelArgs';

function pairs(values: string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.lastIndexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new MlwbError(`${option} takes COLUMN=VALUE, got "${v}".`, undefined, 2);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function number(text: string, what: string, min: number, max: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new MlwbError(`${what} must be a number from ${min} to ${max}, got "${text}".`, undefined, 2);
  return v;
}

function formatScore(v: number | null): string {
  if (v === null) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6) ? v.toExponential(3) : v.toPrecision(4).replace(/\.?0+$/, '');
}

export function renderDriftText(report: DriftReport): string {
  const rows = report.columns.map((c) => [
    c.name, c.type, c.test, formatScore(c.statistic), c.pValue === null ? '-' : formatScore(c.pValue),
    formatScore(c.score), c.threshold === null ? '-' : String(c.threshold), c.drifted ? 'DRIFT' : 'ok',
    `${c.missing.reference}/${c.missing.current}`,
  ]);
  const skipped = report.skipped.map((s) => `skipped ${s.name}: ${s.reason}\n`).join('');
  const schema = schemaLine(report.schema);
  const texts = report.columns.filter((c) => c.text).map((c) => {
    const t = c.text!;
    const orders = t.ngrams.map((g) => `${['words', 'bigrams', 'trigrams'][g.n - 1]} ${formatScore(g.divergence)}${g.drifted ? ' DRIFT' : ''}`).join(', ');
    const oov = Number.isFinite(t.outOfVocabulary.share) ? `${(t.outOfVocabulary.share * 100).toFixed(1)} %` : '-';
    return `text ${c.name}: Jensen–Shannon ${orders} (threshold ${t.ngrams[0].threshold}); out of vocabulary ${oov}; mean length ${t.lengths.mean.reference.toFixed(1)} → ${t.lengths.mean.current.toFixed(1)} characters\n`;
  }).join('');
  let overTime = '';
  if (report.windows) {
    const rowsOver = report.windows.list.map((w, k) => {
      const drifted = report.columns.filter((c) => c.windows?.[k]?.drifted).map((c) => c.name);
      return [w.label, String(w.rows), `${drifted.length}/${report.columns.length}`, drifted.join(' ')];
    });
    overTime = `\nDrift over time (by ${report.windows.by}, window ${report.windows.window}):\n` + formatTable(['window', 'rows', 'drifted', 'columns'], rowsOver);
  }
  return `${verdictLine(report.dataset)}\n${report.reference.path} (${report.reference.rows} rows) → ${report.current.path} (${report.current.rows} rows)\n\n` +
    formatTable(['column', 'type', 'test', 'statistic', 'p-value', 'score', 'threshold', 'verdict', 'missing ref/cur'], rows) + skipped + texts +
    (schema ? `schema changes: ${schema}\n` : '') + overTime;
}

/** The store, when this workspace has one (drift never creates it unless --save). */
function findStore(ctx: CliContext, create: boolean): Store | undefined {
  try {
    return Store.open({ storeDir: ctx.storeDir, cwd: ctx.cwd, create });
  } catch (err) {
    if (create || ctx.storeDir) throw err;
    return undefined;
  }
}

export const driftCommand: Command = async (args, ctx) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        html: { type: 'string' },
        column: { type: 'string', multiple: true },
        test: { type: 'string', multiple: true },
        threshold: { type: 'string', multiple: true },
        'drift-share': { type: 'string' },
        'fail-on-drift': { type: 'boolean' },
        by: { type: 'string' },
        window: { type: 'string' },
        save: { type: 'boolean' },
        'no-save': { type: 'boolean' },
        model: { type: 'string' },
        'model-features': { type: 'string' },
        device: { type: 'string' },
      },
    });
  } catch (err) {
    throw new MlwbError((err as Error).message, 'Run `mlwb help` for the options.', 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new MlwbError('mlwb drift needs two files: the reference and the current data.', 'mlwb drift REF CUR', 2);
  const [refArg, curArg] = positionals;
  const thresholds = Object.fromEntries(Object.entries(pairs(values.threshold, '--threshold')).map(([k, v]) => [k, number(v, `--threshold ${k}`, 0, Infinity)]));
  if ((values.by === undefined) !== (values.window === undefined)) throw new MlwbError('--by and --window go together.', 'For example --by date --window 1W.', 2);
  const options: DriftOptions = {
    over: values.by !== undefined && values.window !== undefined ? { by: values.by, window: values.window } : undefined,
    columns: values.column,
    tests: pairs(values.test, '--test'),
    thresholds,
    driftShare: values['drift-share'] === undefined ? undefined : number(values['drift-share'], '--drift-share', 0, 1),
    model: values.model === undefined ? undefined : {
      path: path.resolve(ctx.cwd, values.model),
      device: deviceOf(values.device, ctx),
      features: values['model-features']?.split(',').map((f) => f.trim()).filter(Boolean),
    },
  };
  if (!values.model && (values['model-features'] !== undefined || values.device !== undefined)) {
    throw new MlwbError('--model-features and --device go with --model.', 'For example --model model.onnx --device cpu.', 2);
  }
  const report = await computeDrift(path.resolve(ctx.cwd, refArg), path.resolve(ctx.cwd, curArg), options, { names: { reference: refArg, current: curArg } });
  if (values.html) {
    const file = path.resolve(ctx.cwd, values.html);
    try {
      fs.writeFileSync(file, renderDriftHtml(report));
    } catch (err) {
      throw new MlwbError(`Cannot write ${values.html}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, 'Check the folder exists and is writable.');
    }
  }
  if (!values['no-save']) {
    const store = findStore(ctx, values.save === true);
    if (store) {
      try {
        await saveDriftReport(store, report, { reference: path.resolve(ctx.cwd, refArg), current: path.resolve(ctx.cwd, curArg) }, ctx.cwd);
      } finally {
        store.close();
      }
    }
  }
  ctx.out(values.json ? toJson(report) + '\n' : renderDriftText(report));
  return values['fail-on-drift'] && report.dataset.drifted ? 1 : 0;
};
