import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { MlwbError } from '../errors';
import type { Store } from '../store/store';
import type { MetricPoint, ParamValue, RunSource, RunStatus } from '../store/types';
import { defaultExperiment, defaultRunName, parseCommandParams } from './commandParams';
import { fingerprintData } from './dataFingerprint';
import { captureEnvironment } from './environment';
import { captureGit } from './gitInfo';
import { LogCapture } from './logCapture';
import { OutputMetricParser } from './outputMetrics';
import { PARAM_DEFAULTS_TAG, scriptDefaults } from './scriptDefaults';

export interface RunRecorderOptions {
  name?: string;
  experiment?: string;
  command: string[];
  cwd: string;
  source: RunSource;
  tags?: Record<string, string>;
  /** Data files the run reads (`--data`): fingerprinted and recorded. */
  data?: string[];
  /** The environment the command runs with (for the Python it finds and the variables recorded). */
  env?: NodeJS.ProcessEnv;
  /** Custom metric patterns for the output parser (see `compilePattern`). */
  metricPatterns?: string[];
  /** Told what could not be captured (a data file that vanished, a failing probe). */
  onNote?: (message: string) => void;
}

export type OutputStream = 'stdout' | 'stderr';

const FLUSH_INTERVAL_MS = 200;
/** How long new metrics wait for more of the same burst before they are written. */
const METRIC_LATENCY_MS = 25;
const FLUSH_POINTS = 1000;
const LOG_FLUSH_INTERVAL_MS = 2000;
/** How long finishing waits for git, environment and data capture still under way. */
const CAPTURE_WAIT_MS = 30_000;
const CAPTURE_WAIT_KILLED_MS = 3_000;

/**
 * Turns a process's output into a run, whoever runs the process: `mlwb run` feeds it a child's
 * pipes, the extension feeds it terminal output. It creates the run with its command-line
 * params, captures git, environment and data in the background while the process starts, and
 * stores logs and parsed metrics in batches (not a transaction per line).
 */
export class RunRecorder {
  private readonly logs: Record<OutputStream, LogCapture>;
  private readonly parsers: Record<OutputStream, OutputMetricParser>;
  private readonly decoders: Record<OutputStream, StringDecoder>;
  private pending: MetricPoint[] = [];
  private readonly captures: Promise<void>[] = [];
  private readonly timer: NodeJS.Timeout;
  private lastLogFlush = Date.now();
  private soon: NodeJS.Timeout | undefined;
  private logsChanged = false;
  /** Set when the run has ended: late background results are dropped, not written. */
  private closed = false;

  private constructor(
    private readonly store: Store,
    readonly id: string,
    readonly name: string,
    readonly experiment: string,
    patterns: string[],
    private readonly onNote: (message: string) => void,
  ) {
    this.logs = { stdout: new LogCapture('stdout'), stderr: new LogCapture('stderr') };
    // Both streams are read: Python's logging module and many progress reporters write to stderr.
    this.parsers = { stdout: new OutputMetricParser({ patterns }), stderr: new OutputMetricParser({ patterns }) };
    this.decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    this.timer = setInterval(() => this.tryFlush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  private tryFlush(): void {
    try {
      this.flush(false);
    } catch (err) {
      // A store busy for longer than its timeout: the points stay pending for the next try.
      this.onNote(`could not write to the store yet: ${(err as Error).message}`);
    }
  }

  /** Creates the run and starts capturing git, environment and data; returns without waiting for them. */
  static async start(store: Store, options: RunRecorderOptions): Promise<RunRecorder> {
    const patterns = options.metricPatterns ?? [];
    new OutputMetricParser({ patterns }); // reject a bad pattern before a run exists
    const data = options.data ?? [];
    await Promise.all(data.map((p) => fs.stat(path.resolve(options.cwd, p)).catch(() => {
      throw new MlwbError(`Data file not found: ${p}.`, 'Check the --data path.', 2);
    })));
    const params: Record<string, ParamValue> = parseCommandParams(options.command);
    const defaults = await scriptDefaults(options.command, options.cwd, params);
    const name = options.name ?? defaultRunName(options.command, params);
    const experiment = options.experiment ?? defaultExperiment(options.command, options.cwd);
    const id = store.createRun({ name, experiment, source: options.source, command: options.command, cwd: options.cwd });
    store.logParams(id, { ...defaults, ...params });
    const defaultKeys = Object.keys(defaults);
    const tags = { ...options.tags, ...(defaultKeys.length ? { [PARAM_DEFAULTS_TAG]: defaultKeys.join(',') } : {}) };
    if (Object.keys(tags).length) store.setTags(id, tags);
    const recorder = new RunRecorder(store, id, name, experiment, patterns, options.onNote ?? (() => {}));
    recorder.capture('git', captureGit(options.cwd), (g) => store.setGit(id, g.git, g.note));
    recorder.capture('environment', captureEnvironment({ command: options.command, cwd: options.cwd, env: options.env }),
      (env) => store.setEnv(id, env));
    for (const p of data) recorder.capture(`data ${p}`, fingerprintData(p, options.cwd), (d) => store.addDataset(id, d));
    return recorder;
  }

  /** Output of the run, in chunks of any size (a multi-byte character may be split across chunks). */
  output(stream: OutputStream, chunk: Buffer | string): void {
    if (this.closed) return;
    this.logs[stream].push(chunk);
    this.logsChanged = true;
    const text = typeof chunk === 'string' ? chunk : this.decoders[stream].write(chunk);
    const points = this.parsers[stream].push(text);
    if (points.length) {
      this.pending.push(...points);
      if (this.pending.length >= FLUSH_POINTS) this.flush(false);
      // New metrics are written a moment after they appear, not at the next tick: what is
      // printed in a burst still goes in one transaction, and the Runs view shows it at once.
      else this.soon ??= setTimeout(() => {
        this.soon = undefined;
        this.tryFlush();
      }, METRIC_LATENCY_MS);
    }
  }

  /** Ends the run: parses the last partial lines, writes metrics and logs, waits (bounded) for capture, sets the status. */
  async finish(status: RunStatus, exitCode: number | null): Promise<void> {
    if (this.closed) return;
    const endTime = Date.now();
    clearInterval(this.timer);
    clearTimeout(this.soon);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[stream].end();
      this.pending.push(...this.parsers[stream].push(rest), ...this.parsers[stream].end());
    }
    this.flush(true);
    await waitAtMost(Promise.all(this.captures), status === 'killed' ? CAPTURE_WAIT_KILLED_MS : CAPTURE_WAIT_MS);
    this.closed = true;
    this.store.finishRun(this.id, status, exitCode, endTime);
  }

  private capture<T>(what: string, work: Promise<T>, write: (value: T) => void): void {
    this.captures.push(work.then(
      (value) => {
        if (!this.closed) write(value);
      },
      (err: unknown) => {
        if (!this.closed) this.onNote(`could not capture ${what}: ${(err as Error)?.message ?? String(err)}`);
      },
    ));
  }

  private flush(all: boolean): void {
    if (this.pending.length) {
      this.store.logMetrics(this.id, this.pending);
      this.pending = [];
    }
    if (all || (this.logsChanged && Date.now() - this.lastLogFlush >= LOG_FLUSH_INTERVAL_MS)) {
      this.store.transaction(() => {
        for (const log of Object.values(this.logs)) this.store.setLog(this.id, log.toRunLog());
      });
      this.logsChanged = false;
      this.lastLogFlush = Date.now();
    }
  }
}

async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
