import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { patternsFromEnv } from '../../core/capture/outputMetrics';
import { REDACTED } from '../../core/capture/redact';
import { compareLastValues, type MetricComparison, prepareReproduction } from '../../core/capture/reproduce';
import { STOP_SIGNALS } from '../../core/capture/scriptRunner';
import { MlwbError } from '../../core/errors';
import { type Command, withStore } from '../context';
import { formatNumber, formatTable } from '../format';
import { visible } from '../terminalText';
import { METRIC_PATTERNS_TAG, trackCommand } from './run';

/** `mlwb runs reproduce ID`: the run's code and command again, as a new run, compared metric by metric. */
export const reproduceCommand: Command = async (args, ctx) => {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  } catch (err) {
    throw new MlwbError((err as Error).message, undefined, 2);
  }
  if (positionals.length !== 1) throw new MlwbError('runs reproduce takes one run id.', undefined, 2);

  // A Ctrl-C while the worktree is being prepared must not leave it behind: note it, stop after.
  let interrupted: NodeJS.Signals | null = null;
  const handlers = STOP_SIGNALS.map((s) => [s, () => (interrupted ??= s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await withStore(ctx, false, async (store) => {
      const repro = await prepareReproduction(store, store.resolveRunId(positionals[0]), ctx.cwd);
      try {
        if (interrupted) return 128 + (os.constants.signals[interrupted] ?? 0);
        const { run } = repro;
        ctx.err(`mlwb: reproducing run ${run.id.slice(0, 8)} at commit ${store.getGit(run.id)!.git!.commit.slice(0, 12)} in ${repro.cwd}\n`);
        for (const note of repro.dataNotes) ctx.err(`mlwb: ${visible(note)}\n`);
        if (repro.command.some((a) => a.includes(REDACTED))) {
          ctx.err(`mlwb: warning: the run's command had secret values, recorded as ${REDACTED}; the reproduction gets that text instead.\n`);
        }
        const recorded = run.tags[METRIC_PATTERNS_TAG];
        const result = await trackCommand(store, ctx, {
          command: repro.command,
          cwd: repro.cwd,
          name: `${run.name} (reproduce)`,
          experiment: run.experiment,
          tags: { reproduces: run.id },
          // Data that is neither in git nor linked (gone since the run) is not recorded again.
          data: run.data.map((d) => d.path).filter((p) => fs.existsSync(path.resolve(repro.cwd, p))),
          metricPatterns: recorded ? (JSON.parse(recorded) as string[]) : patternsFromEnv(ctx.env),
        });
        ctx.out(renderComparison(run.id, result.runId, compareLastValues(run, store.getRun(result.runId)!)));
        return result.processExitCode;
      } finally {
        await repro.cleanup();
      }
    });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
};

function renderComparison(before: string, after: string, rows: MetricComparison[]): string {
  const title = `Metrics, last values: ${before.slice(0, 8)} (original) vs ${after.slice(0, 8)} (reproduction)\n`;
  if (rows.length === 0) return title + '  (no metrics)\n';
  const show = (v: number | null) => (v === null ? '—' : formatNumber(v));
  const diff = (r: MetricComparison) => Object.is(r.before, r.after) ? 'same'
    : r.difference === null ? '' : (r.difference > 0 ? '+' : '') + formatNumber(r.difference);
  return title + formatTable(['METRIC', 'ORIGINAL', 'REPRODUCTION', 'DIFFERENCE'],
    rows.map((r) => [r.key, show(r.before), show(r.after), diff(r)]));
}
