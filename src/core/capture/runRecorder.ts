import { StringDecoder } from 'node:string_decoder';
import { currentOwner, HEARTBEAT_MS } from '../store/liveness';
import { storableStep } from '../store/metricStore';
import type { Store } from '../store/store';
import type { MetricPoint, ParamValue, RunSource, RunStatus } from '../store/types';
import { defaultExperiment, defaultRunName, parseCommandParams } from './commandParams';
import { checkDataPath, fingerprintData } from './dataFingerprint';
import { captureEnvironment } from './environment';
import { captureGit } from './gitInfo';
import { LogAppender } from './logAppender';
import { LogCapture } from './logCapture';
import { OutputMetricParser } from './outputMetrics';
import { redactCommand, redactEntries } from './redact';
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
  /** Told how hashing of big data files goes while `finish` waits for it. */
  onProgress?: (message: string) => void;
}

export interface FinishOptions {
  /** Stops waiting for data hashing: the data records then say how far hashing got. */
  stop?: AbortSignal;
  /** When the process ended, if before now (a terminal line's earlier program). */
  endTime?: number;
}

export type OutputStream = 'stdout' | 'stderr';

const FLUSH_INTERVAL_MS = 200;
/** How long new metrics wait for more of the same burst before they are written. */
const METRIC_LATENCY_MS = 25;
const FLUSH_POINTS = 1000;
/** How long finishing waits for git and environment capture still under way. */
const CAPTURE_WAIT_MS = 30_000;
const CAPTURE_WAIT_KILLED_MS = 3_000;
/** Data hashing is waited for until done (a killed run: this long), with progress this often. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Turns a process's output into a run, whoever runs the process: `mlwb run` feeds it a child's
 * pipes, the extension feeds it terminal output. It creates the run with its command-line
 * params (secrets redacted), captures git, environment and data in the background while the
 * process runs, and stores each burst of output — log and parsed metrics — in one transaction
 * (not one per line), so a killed recorder loses at most the last burst.
 */
export class RunRecorder {
  private readonly logs: Record<OutputStream, LogCapture>;
  private readonly appenders: Record<OutputStream, LogAppender>;
  private readonly parsers: Record<OutputStream, OutputMetricParser>;
  private readonly decoders: Record<OutputStream, StringDecoder>;
  private pending: MetricPoint[] = [];
  private readonly captures: Promise<void>[] = [];
  /** What to record for a capture still running when the run ends (a note instead of nothing). */
  private readonly unfinished: (() => void)[] = [];
  private readonly dataCaptures: Promise<void>[] = [];
  private readonly hashing = new AbortController();
  private readonly dataProgress = { bytesRead: 0 };
  private dataBytes = 0;
  private dataPending = 0;
  private readonly notes: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private soon: NodeJS.Timeout | undefined;
  /** Set when the run has ended: late background results are dropped, not written. */
  private closed = false;
  /** Set when the run was deleted from the store under us (`runs rm --force`): nothing more is written. */
  private gone = false;
  private lastHeartbeat = Date.now();
  private saidSteps = false;

  private constructor(
    private readonly store: Store,
    readonly id: string,
    readonly name: string,
    readonly experiment: string,
    patterns: string[],
    private readonly onNote: (message: string) => void,
    private readonly onProgress: (message: string) => void,
  ) {
    this.logs = { stdout: new LogCapture('stdout'), stderr: new LogCapture('stderr') };
    this.appenders = { stdout: new LogAppender(), stderr: new LogAppender() };
    // Both streams are read: Python's logging module and many progress reporters write to stderr.
    this.parsers = { stdout: new OutputMetricParser({ patterns }), stderr: new OutputMetricParser({ patterns }) };
    this.decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    this.timer = setInterval(() => this.tryFlush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  private tryFlush(): void {
    try {
      this.flush(false);
      if (!this.gone && Date.now() - this.lastHeartbeat >= HEARTBEAT_MS) {
        this.lastHeartbeat = Date.now();
        this.write(() => this.store.touchRun(this.id, this.lastHeartbeat));
      }
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
    const sizes = await Promise.all(data.map(async (p) => (await checkDataPath(p, options.cwd)).size));
    // What is stored has no secrets: `--password x`, `sk-…` keys, URL passwords become [REDACTED].
    const command = redactCommand(options.command);
    const params: Record<string, ParamValue> = parseCommandParams(command);
    // argparse defaults of the arguments not given, read from the script's source (tagged as such).
    const defaults = redactEntries(await scriptDefaults(options.command, options.cwd, params));
    const name = options.name ?? defaultRunName(command, params);
    const experiment = options.experiment ?? defaultExperiment(command, options.cwd);
    // This process owns the run: if it dies without finishing it, the run shows as crashed.
    const id = store.createRun({ name, experiment, source: options.source, command, cwd: options.cwd, owner: currentOwner() });
    store.logParams(id, { ...defaults, ...params });
    const defaultKeys = Object.keys(defaults);
    const tags = { ...redactEntries(options.tags ?? {}), ...(defaultKeys.length ? { [PARAM_DEFAULTS_TAG]: defaultKeys.join(',') } : {}) };
    if (Object.keys(tags).length) store.setTags(id, tags);
    const recorder = new RunRecorder(store, id, name, experiment, patterns, options.onNote ?? (() => {}), options.onProgress ?? (() => {}));
    if (command.some((a, i) => a !== options.command[i])) {
      recorder.note('Secret values on the command line are stored as [REDACTED]; give them again to re-run it.');
    }
    recorder.capture('git', captureGit(options.cwd), (g) => store.setGit(id, g.git, g.note),
      () => store.setGit(id, null, `git did not answer within ${CAPTURE_WAIT_MS / 1000} s: the run has no code version.`));
    recorder.capture('environment', captureEnvironment({ command: options.command, cwd: options.cwd, env: options.env }),
      (env) => store.setEnv(id, env),
      () => recorder.note(`The environment capture did not finish within ${CAPTURE_WAIT_MS / 1000} s: the run has no environment record.`));
    recorder.dataBytes = sizes.reduce((a, b) => a + b, 0);
    for (const p of data) {
      recorder.dataPending++;
      const work = fingerprintData(p, options.cwd, { signal: recorder.hashing.signal, progress: recorder.dataProgress }).finally(() => {
        recorder.dataPending--;
      }).then(
        (d) => {
          recorder.write(() => store.addDataset(id, d));
          if (d.note) recorder.note(`data ${d.path}: ${d.note}`);
        },
        (err: unknown) => recorder.note(`could not fingerprint data ${p}: ${(err as Error)?.message ?? String(err)}`));
      recorder.dataCaptures.push(work);
    }
    return recorder;
  }

  /** Says what could not be captured: to the caller, and on the run (shown by `runs show`). */
  private note(message: string): void {
    this.notes.push(message);
    this.store.setNotes(this.id, this.notes.join('\n'));
    this.onNote(message);
  }

  /** Output of the run, in chunks of any size (a multi-byte character may be split across chunks). */
  output(stream: OutputStream, chunk: Buffer | string): void {
    if (this.closed || this.gone) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.logs[stream].push(bytes);
    this.appenders[stream].push(bytes);
    const text = typeof chunk === 'string' ? chunk : this.decoders[stream].write(chunk);
    this.pending.push(...this.storable(this.parsers[stream].push(text)));
    if (this.pending.length >= FLUSH_POINTS) this.tryFlush();
    // Output is written a moment after it appears, not at the next tick: what is printed in a
    // burst goes in one transaction, and the Runs view shows it at once.
    else this.soon ??= setTimeout(() => {
      this.soon = undefined;
      this.tryFlush();
    }, METRIC_LATENCY_MS);
  }

  /**
   * Ends the run: parses the last partial lines, writes metrics and logs, waits (bounded) for git
   * and environment capture, waits for data hashing to finish (reporting progress; a killed run
   * or `options.stop` cuts it short, and the data record says so), sets the status.
   */
  async finish(status: RunStatus, exitCode: number | null, options: FinishOptions = {}): Promise<void> {
    if (this.closed) return;
    const endTime = options.endTime ?? Date.now();
    clearInterval(this.timer);
    clearTimeout(this.soon);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[stream].end();
      this.pending.push(...this.storable([...this.parsers[stream].push(rest), ...this.parsers[stream].end()]));
    }
    this.flush(true);
    await waitAtMost(Promise.all(this.captures), status === 'killed' ? CAPTURE_WAIT_KILLED_MS : CAPTURE_WAIT_MS);
    await this.waitForData(status === 'killed', options.stop);
    this.closed = true;
    for (const unfinished of this.unfinished) this.write(unfinished);
    this.write(() => this.store.finishRun(this.id, status, exitCode, endTime));
  }

  private async waitForData(killed: boolean, stop: AbortSignal | undefined): Promise<void> {
    const all = Promise.all(this.dataCaptures);
    const stopHashing = () => this.hashing.abort();
    stop?.addEventListener('abort', stopHashing, { once: true });
    const killTimer = killed ? setTimeout(stopHashing, CAPTURE_WAIT_KILLED_MS) : undefined;
    const report = () => {
      const gib = (n: number) => (n / 2 ** 30).toFixed(1);
      const of = this.dataBytes >= this.dataProgress.bytesRead ? ` of ${gib(this.dataBytes)}` : '';
      this.onProgress(`hashing data: ${gib(this.dataProgress.bytesRead)}${of} GiB read`);
    };
    // Said at once when the command is done before its data is hashed, then every second.
    if (this.dataPending > 0) report();
    const progress = setInterval(report, PROGRESS_INTERVAL_MS);
    try {
      await all;
    } finally {
      clearInterval(progress);
      clearTimeout(killTimer);
      stop?.removeEventListener('abort', stopHashing);
    }
  }

  /** Background capture: `write` its result, or `onUnfinished` when the run ends before it does. */
  private capture<T>(what: string, work: Promise<T>, write: (value: T) => void, onUnfinished?: () => void): void {
    let done = false;
    if (onUnfinished) this.unfinished.push(() => {
      if (!done) onUnfinished();
    });
    this.captures.push(work.then(
      (value) => {
        done = true;
        if (this.closed) return;
        try {
          this.write(() => write(value));
        } catch (err) {
          this.note(`could not store ${what}: ${(err as Error).message}`);
        }
      },
      (err: unknown) => {
        done = true;
        if (!this.closed) this.note(`could not capture ${what}: ${(err as Error)?.message ?? String(err)}`);
      },
    ));
  }

  /** Writes pending metrics and output in one transaction; `all`: the finished logs replace the chunks. */
  private flush(all: boolean): void {
    this.write(() => this.store.transaction(() => {
      if (this.pending.length) {
        this.store.logMetrics(this.id, this.pending);
        this.pending = [];
      }
      for (const stream of ['stdout', 'stderr'] as const) {
        if (all) {
          this.appenders[stream].take();
          this.store.setLog(this.id, this.logs[stream].toRunLog());
        } else if (this.appenders[stream].hasPending) {
          const { chunks, drop } = this.appenders[stream].take();
          this.store.appendLog(this.id, stream, chunks, drop);
        }
      }
    }));
  }

  /** Printed points whose step is past 2^53 cannot be stored exactly: left out (said once), so they never block the rest. */
  private storable(points: MetricPoint[]): MetricPoint[] {
    const kept = points.filter((p) => storableStep(p.step));
    if (kept.length < points.length && !this.saidSteps) {
      this.saidSteps = true;
      this.onNote(`metric lines with steps beyond ±2^53 are not recorded (such steps cannot be stored exactly)`);
    }
    return kept;
  }

  /**
   * One write to the run. When the run has been deleted under us (`mlwb runs rm --force`, the
   * Delete Run command), its rows are refused (foreign keys): that is said once and recording
   * stops — the process being recorded goes on untouched. Other errors are the caller's.
   */
  private write(fn: () => void): void {
    if (this.gone) return;
    try {
      fn();
    } catch (err) {
      if (this.store.hasRun(this.id)) throw err;
      this.gone = true;
      this.pending = [];
      this.onNote(`run ${this.id.slice(0, 8)} was deleted from the store; the command goes on, no longer recorded`);
    }
  }
}

async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
