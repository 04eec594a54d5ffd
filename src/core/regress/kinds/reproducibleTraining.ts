// `kind: reproducible-training` — the training command (or a recorded run, restored by
// reproduce) runs again, `repeat` times; each run must finish, keep its metrics within range
// and log no NaN or ±Infinity in any series.
import * as path from 'node:path';
import { isScalar, isSeq } from 'yaml';
import { prepareReproduction } from '../../capture/reproduce';
import { parseSimpleCommand } from '../../detect/shellWords';
import type { Store } from '../../store/store';
import { boundsCheck } from '../checks';
import { readBounds, type Bounds } from '../fields';
import { parseSelector, resolveSelector, TEST_RUN_TAG, type RunSelector } from '../selector';
import { runTracked } from '../trackedRun';
import type { Check, KindContext } from '../types';
import { defineKind } from './kind';

export interface ReproducibleSpec {
  command?: string[];
  run?: RunSelector;
  cwd: string;
  repeat: number;
  experiment?: string;
  metrics: Record<string, Bounds>;
}

export const reproducibleTrainingKind = defineKind<ReproducibleSpec>({
  name: 'reproducible-training',
  title: 'training run again keeps its metrics in range, with no NaN or infinity',
  keys: ['command', 'run', 'cwd', 'repeat', 'experiment', 'metrics'],
  parse(f) {
    let command: string[] | undefined;
    const node = f.node('command');
    if (node !== undefined) {
      if (isScalar(node) && typeof node.value === 'string') {
        const parsed = parseSimpleCommand(node.value);
        command = parsed && Object.keys(parsed.env).length === 0 ? parsed.words : undefined;
      }
      else if (isSeq(node) && node.items.every((i) => isScalar(i) && i.value !== null)) command = node.items.map((i) => String(isScalar(i) ? i.value : ''));
      if (!command?.length) f.problem('command', `${f.where}: "command" must be one simple command ("python3 train.py --epochs 5", no pipes, redirections or VAR=value) or a list of words.`);
    }
    const run = parseSelector(f.scope, f.node('run'), `${f.where}: run`);
    if (f.has('command') === f.has('run')) f.problem(undefined, `${f.where}: give either "command" (train again) or "run" (reproduce a recorded run), not ${f.has('run') ? 'both' : 'neither'}.`);
    const repeat = f.number('repeat', false, { integer: true, positive: true }) ?? 1;
    const metricsFields = f.fields('metrics', true);
    const metrics: Record<string, Bounds> = {};
    for (const key of metricsFields?.keys() ?? []) {
      const b = metricsFields!.fields(key);
      const bounds = b && readBounds(b);
      if (bounds) metrics[key] = bounds;
    }
    const spec = { command, run, cwd: f.string('cwd') ?? '.', repeat, experiment: f.string('experiment'), metrics };
    return (command?.length || run) && metricsFields ? spec : undefined;
  },
  async run(spec, ctx) {
    const checks: Check[] = [];
    const output: string[] = [];
    let lastRunId: string | undefined;
    for (let i = 1; i <= spec.repeat; i++) {
      if (ctx.signal.aborted) throw ctx.problem('repeat', 'cancelled');
      ctx.log(`repetition ${i} of ${spec.repeat}`);
      const made = await trainOnce(spec, ctx, i);
      lastRunId = made.runId;
      const run = ctx.store.getRun(made.runId)!;
      const tag = spec.repeat > 1 ? `run ${i}/${spec.repeat} (${run.id.slice(0, 8)})` : `run ${run.id.slice(0, 8)}`;
      if (ctx.signal.aborted) throw ctx.problem('repeat', `cancelled (${tag} was stopped)`);
      checks.push({ label: `${tag}: exit`, expected: 'finished', actual: made.startError ?? `${made.status}, exit code ${made.exitCode}`, ok: made.status === 'finished' });
      for (const [key, bounds] of Object.entries(spec.metrics)) {
        const summary = run.metrics[key];
        if (!summary) checks.push({ label: `${tag}: ${key}`, expected: 'logged', actual: 'not logged', ok: false });
        else checks.push(boundsCheck(`${tag}: ${key}`, summary.last, bounds));
      }
      checks.push(finiteCheck(ctx.store, run.id, tag));
      output.push(`${tag}: ${run.status}`);
    }
    return { runId: lastRunId, checks, output };
  },
});

async function trainOnce(spec: ReproducibleSpec, ctx: KindContext, repetition: number) {
  const tags = { [TEST_RUN_TAG]: `repetition ${repetition}` };
  const common = { env: ctx.env, signal: ctx.signal, onLine: ctx.log };
  if (spec.command) {
    return runTracked(ctx.store, { ...common, command: spec.command, cwd: path.resolve(ctx.baseDir, spec.cwd), experiment: spec.experiment, tags });
  }
  const found = resolveSelector(ctx.store, spec.run!);
  if ('problem' in found) throw ctx.problem('run', found.problem);
  let repro;
  try {
    repro = await prepareReproduction(ctx.store, found.run.id, ctx.baseDir);
  } catch (err) {
    throw ctx.problem('run', (err as Error).message);
  }
  try {
    const patterns = found.run.tags['mlwb.metric_patterns'];
    return await runTracked(ctx.store, {
      ...common,
      command: repro.command,
      cwd: repro.cwd,
      name: `${found.run.name} (reproduce)`,
      experiment: spec.experiment ?? found.run.experiment,
      tags: { ...tags, reproduces: found.run.id },
      metricPatterns: patterns ? (JSON.parse(patterns) as string[]) : undefined,
    });
  } finally {
    await repro.cleanup();
  }
}

/** Every point of every series of the run is finite; the first offender of each series is named. */
export function finiteCheck(store: Store, runId: string, tag: string): Check {
  const bad: string[] = [];
  for (const key of Object.keys(store.getRun(runId)?.metrics ?? {}).sort()) {
    const series = store.readMetric(runId, key);
    if (!series) continue;
    const i = series.values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) bad.push(`${key} = ${series.values[i]} at step ${series.steps[i]}`);
  }
  return { label: `${tag}: metric values finite`, expected: 'no NaN or ±Infinity', actual: bad.length ? bad.join('; ') : 'all finite', ok: bad.length === 0 };
}
