// Running parsed tests: each gets its kind's context; whatever goes wrong becomes that test's
// `errored` result with the config line to fix, never an exception out of here.
import * as path from 'node:path';
import type { Store } from '../store/store';
import { KINDS } from './kinds';
import { TestError } from './kinds/kind';
import type { DriftRunner, ModelRunner } from './ports';
import type { Check, KindContext, TestDefinition, TestResult } from './types';

export interface RunTestsOptions {
  store: Store;
  env: NodeJS.ProcessEnv;
  device?: string;
  models?: ModelRunner;
  drift?: DriftRunner;
  signal?: AbortSignal;
  /** A line of a test's progress output. */
  onOutput?: (test: TestDefinition, line: string) => void;
  onStart?: (test: TestDefinition) => void;
  onResult?: (result: TestResult) => void;
}

export async function runTests(tests: readonly TestDefinition[], options: RunTestsOptions): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) {
    options.onStart?.(test);
    const result = await runTest(test, options);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

export async function runTest(test: TestDefinition, options: RunTestsOptions): Promise<TestResult> {
  const startedAt = Date.now();
  const started = performance.now();
  const base = { file: test.file, name: test.name, kind: test.kind, line: test.line, startedAt };
  const ctx: KindContext = {
    store: options.store,
    baseDir: path.dirname(test.file),
    signal: options.signal ?? new AbortController().signal,
    device: options.device ?? 'cpu',
    models: options.models,
    drift: options.drift,
    env: options.env,
    log: (line) => options.onOutput?.(test, line),
    problem: (field, message) => new TestError(message, test.fieldLines[field] ?? test.line),
  };
  try {
    if (ctx.signal.aborted) throw new TestError('cancelled', test.line);
    const outcome = await KINDS.get(test.kind)!.run(test.spec, ctx);
    const failed = outcome.checks.filter((c) => !c.ok);
    const shown = failed.length ? failed : outcome.checks;
    return {
      ...base,
      status: failed.length || outcome.checks.length === 0 ? 'failed' : 'passed',
      message: outcome.checks.length === 0 ? 'the test checked nothing' : failed.map(describeFailure).join('\n'),
      expected: shown.map((c) => c.expected).join('; '),
      actual: shown.map((c) => c.actual).join('; '),
      checks: outcome.checks,
      runId: outcome.runId,
      baselineRunId: outcome.baselineRunId,
      diff: outcome.diff,
      output: outcome.output ?? [],
      durationMs: performance.now() - started,
    };
  } catch (err) {
    const line = err instanceof TestError ? err.line ?? test.line : test.line;
    const why = err instanceof TestError ? err.message : `${(err as Error)?.message ?? String(err)}`;
    return {
      ...base, status: 'errored', errorLine: line, message: `${test.file}:${line}: ${why}`, expected: '', actual: '', checks: [], output: [],
      durationMs: performance.now() - started,
    };
  }
}

export function describeFailure(c: Check): string {
  return `${c.label}: expected ${c.expected}, got ${c.actual}`;
}

/** 0 all passed, 1 any failed or errored. */
export function exitCodeOf(results: readonly TestResult[]): number {
  return results.every((r) => r.status === 'passed') ? 0 : 1;
}
