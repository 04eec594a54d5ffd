import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { MlwbError } from '../../core/errors';
import { acceptBaseline } from '../../core/regress/acceptBaseline';
import { type GoldenSpec, recordGoldenOutputs } from '../../core/regress/kinds/goldenOutputs';
import { formatProblem, loadTestConfig, type TestConfig } from '../../core/regress/config';
import { findTestConfigs } from '../../core/regress/discovery';
import type { BaselineSpec } from '../../core/regress/kinds/baseline';
import { junitXml, markdownTable, resultsJson } from '../../core/regress/reports';
import { TestResultStore } from '../../core/regress/resultStore';
import { describeFailure, exitCodeOf, runTests } from '../../core/regress/runner';
import type { TestDefinition, TestResult } from '../../core/regress/types';
import { STOP_SIGNALS } from '../../core/capture/scriptRunner';
import { type CliContext, type Command, withStore } from '../context';
import { toJson } from '../format';
import { corePorts } from './testPorts';

const USAGE_HINT = 'Usage: mlwb test [--config FILE]… [--filter NAME] [--junit FILE] [--json] [--md FILE] [--update-baseline] [--device D]';

interface TestOptions {
  configs: string[];
  filter?: string;
  junit?: string;
  md?: string;
  json: boolean;
  /** Exact test names (the editor runs single tests by name). */
  only: string[];
  /** One JSON object per line as tests start, print and end: how the editor follows a run. */
  events: boolean;
  updateBaseline: boolean;
  /** A golden-outputs test whose outputs file is (re)written from the model. */
  recordGolden?: string;
  device: string;
}

function parseTestArgs(args: string[], ctx: CliContext): TestOptions {
  try {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', multiple: true }, filter: { type: 'string' }, junit: { type: 'string' }, md: { type: 'string' },
        json: { type: 'boolean' }, 'update-baseline': { type: 'boolean' }, device: { type: 'string' },
        only: { type: 'string', multiple: true }, events: { type: 'boolean' }, 'record-golden': { type: 'string' },
      },
      strict: true,
    });
    return {
      configs: (values.config ?? []).map((c) => path.resolve(ctx.cwd, c)),
      filter: values.filter, junit: values.junit, md: values.md, json: values.json ?? false,
      only: values.only ?? [], events: values.events ?? false,
      updateBaseline: values['update-baseline'] ?? false,
      recordGolden: values['record-golden'],
      device: values.device ?? ctx.env.MLWB_DEVICE ?? 'cpu',
    };
  } catch (err) {
    throw new MlwbError((err as Error).message, USAGE_HINT, 2);
  }
}

/** Every config, parsed; a config problem stops everything with exit code 2, one line per problem. */
async function loadConfigs(options: TestOptions, ctx: CliContext): Promise<TestConfig[]> {
  const files = options.configs.length ? options.configs : await findTestConfigs(ctx.cwd);
  if (files.length === 0) throw new MlwbError(`No mlwb.tests.yaml in ${ctx.cwd} or below.`, 'Write one (see README, "Regression tests") or pass --config FILE.', 2);
  return Promise.all(files.map(loadTestConfig));
}

function selectTests(configs: TestConfig[], options: TestOptions): TestDefinition[] {
  let chosen = configs.flatMap((c) => c.tests);
  const all = chosen.map((t) => t.name).join(', ');
  if (options.only.length) {
    for (const name of options.only) {
      if (!chosen.some((t) => t.name === name)) throw new MlwbError(`No test is named "${name}".`, `Tests: ${all}`, 2);
    }
    chosen = chosen.filter((t) => options.only.includes(t.name));
  }
  const filter = options.filter?.toLowerCase();
  if (!filter) return chosen;
  chosen = chosen.filter((t) => t.name.toLowerCase().includes(filter));
  if (chosen.length === 0) throw new MlwbError(`No test name contains "${options.filter}".`, `Tests: ${all}`, 2);
  return chosen;
}

/** `mlwb test`: the regression tests of mlwb.tests.yaml files; 0 all pass, 1 any fails, 2 a config error. */
export const testCommand: Command = async (args, ctx) => {
  const options = parseTestArgs(args, ctx);
  let configs = await loadConfigs(options, ctx);
  const problems = configs.flatMap((c) => c.problems);
  if (problems.length) {
    for (const p of problems) ctx.err(`mlwb: ${formatProblem({ ...p, file: path.relative(ctx.cwd, p.file) || p.file })}\n`);
    return 2;
  }
  if (options.recordGolden) return recordGolden(configs, options, ctx);
  let tests = selectTests(configs, options);

  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  // The abort waits a tick: a training process running now gets the signal from its runner first,
  // and one stop must not look like two (the second would kill it outright).
  const handlers = STOP_SIGNALS.map((s) => [s, () => {
    stoppedBy ??= s;
    setImmediate(() => abort.abort());
  }] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await withStore(ctx, true, async (store) => {
      if (options.updateBaseline) {
        const baselines = tests.filter((t): t is TestDefinition<BaselineSpec> => t.kind === 'baseline');
        if (baselines.length === 0) ctx.err('mlwb: --update-baseline: no baseline tests selected.\n');
        for (const t of baselines) {
          try {
            const accepted = await acceptBaseline(store, t);
            ctx.err(`mlwb: baseline of "${t.name}" is now run ${accepted.runId.slice(0, 12)}${accepted.previousRunId ? ` (was ${accepted.previousRunId.slice(0, 12)})` : ''}\n`);
          } catch (err) {
            throw new MlwbError(`--update-baseline: ${(err as Error).message}`);
          }
        }
        configs = await Promise.all(configs.map((c) => loadTestConfig(c.file)));
        tests = selectTests(configs, options);
      }
      const event = (e: object) => ctx.out(`${JSON.stringify(e)}\n`);
      const { models, drift, dispose } = corePorts();
      let results: TestResult[];
      try {
        results = await runTests(tests, {
          models, drift, store, env: ctx.env, device: options.device, signal: abort.signal,
          onOutput: (t, line) => (options.events ? event({ event: 'output', file: t.file, name: t.name, line }) : ctx.err(`  │ ${line}\n`)),
          onStart: (t) => (options.events ? event({ event: 'start', file: t.file, name: t.name }) : ctx.err(`mlwb: ${t.name} (${t.kind})…\n`)),
          onResult: (r) => options.events && event({ event: 'result', result: r }),
        });
      } finally {
        dispose();
      }
      new TestResultStore(store).record(results);
      if (options.junit) await writeReport(ctx, options.junit, junitXml(results, ctx.cwd));
      if (options.md) await writeReport(ctx, options.md, markdownTable(results, ctx.cwd));
      if (!options.events) ctx.out(options.json ? `${toJson(resultsJson(results, ctx.cwd))}\n` : renderResults(results, ctx.cwd));
      return stoppedBy ? 128 + (os.constants.signals[stoppedBy] ?? 0) : exitCodeOf(results);
    });
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
};

async function recordGolden(configs: TestConfig[], options: TestOptions, ctx: CliContext): Promise<number> {
  const test = configs.flatMap((c) => c.tests).find((t) => t.name === options.recordGolden);
  if (test?.kind !== 'golden-outputs') throw new MlwbError(`No golden-outputs test is named "${options.recordGolden}".`, undefined, 2);
  const { models, dispose } = corePorts();
  let file: string;
  try {
    file = await recordGoldenOutputs(test.spec as GoldenSpec, { baseDir: path.dirname(test.file), device: options.device, signal: new AbortController().signal }, models);
  } finally {
    dispose();
  }
  ctx.err(`mlwb: recorded the golden outputs of "${test.name}" in ${path.relative(ctx.cwd, file)}\n`);
  return 0;
}

async function writeReport(ctx: CliContext, file: string, text: string): Promise<void> {
  const target = path.resolve(ctx.cwd, file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, text);
}

const LABEL = { passed: 'PASS ', failed: 'FAIL ', errored: 'ERROR' } as const;

function renderResults(results: readonly TestResult[], cwd: string): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${LABEL[r.status]} ${r.name}  (${path.relative(cwd, r.file) || r.file}:${r.line}, ${r.kind}, ${Math.round(r.durationMs)} ms)`);
    if (r.status === 'failed') for (const c of r.checks.filter((c) => !c.ok)) lines.push(`      ${describeFailure(c)}${c.change ? ` (${c.change})` : ''}`);
    if (r.status === 'errored') lines.push(`      ${r.message}`);
    if (r.diff) lines.push(...r.diff.split('\n').map((l) => `      ${l}`));
  }
  const n = (s: TestResult['status']) => results.filter((r) => r.status === s).length;
  lines.push(`${results.length} test${results.length === 1 ? '' : 's'}: ${n('passed')} passed, ${n('failed')} failed, ${n('errored')} errors`);
  return lines.join('\n') + '\n';
}
