// The shapes shared by the config parser, the kinds, the runner and the reports.
import type { DriftRunner, ModelRunner } from './ports';
import type { Store } from '../store/store';

/** A place in a config file, 1-based, as editors and compilers print it. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Something wrong in a config file: the file cannot be run until it is fixed. */
export interface ConfigProblem extends SourcePosition {
  file: string;
  message: string;
}

export type TestStatus = 'passed' | 'failed' | 'errored';

/** One comparison a test makes; a test passes when all of its checks do. */
export interface Check {
  /** What is checked: "val_accuracy ≥ min", "column species: missing share". */
  label: string;
  expected: string;
  actual: string;
  ok: boolean;
  /** How the value moved against the baseline, when there is one ("+0.012 (+1.3%)"). */
  change?: string;
}

/** What a kind returns; an error the user must fix is thrown as a `TestError` instead. */
export interface TestOutcome {
  checks: Check[];
  /** The run the test read or made (the last one, for repeats). */
  runId?: string;
  baselineRunId?: string;
  /** Golden outputs: a unified-looking listing of the values that differ. */
  diff?: string;
  /** Lines worth showing in the test's output (commands run, their tails). */
  output?: string[];
}

/** A parsed test, ready to run. */
export interface TestDefinition<Spec = unknown> {
  /** Absolute path of its config file. */
  file: string;
  name: string;
  kind: string;
  /** Where its `- name:` item starts and ends (1-based lines). */
  line: number;
  endLine: number;
  /** Its position in the file's `tests` list. */
  index: number;
  spec: Spec;
  /** Lines of its fields (`metric`, `run`, `data`…): where run-time problems point. */
  fieldLines: Record<string, number>;
}

export interface TestResult {
  file: string;
  name: string;
  kind: string;
  line: number;
  status: TestStatus;
  /** For `errored`: the line of the field to fix. */
  errorLine?: number;
  /** One line per failed check (or the error); empty when the test passed. */
  message: string;
  expected: string;
  actual: string;
  checks: Check[];
  runId?: string;
  baselineRunId?: string;
  diff?: string;
  output: string[];
  startedAt: number;
  durationMs: number;
}

/** Everything a kind may use while it runs. */
export interface KindContext {
  store: Store;
  /** The config file's folder: relative paths in the test resolve here. */
  baseDir: string;
  signal: AbortSignal;
  /** The selected inference device (`cpu`, `webgpu`…). */
  device: string;
  models?: ModelRunner;
  drift?: DriftRunner;
  env: NodeJS.ProcessEnv;
  /** Progress lines (the test run's output). */
  log: (line: string) => void;
  /** A `TestError` pointing at the line of `field` in the config, to throw. */
  problem(field: string, message: string): Error;
}
