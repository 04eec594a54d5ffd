import { type ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';
import type { RunStatus } from '../store/types';

export interface RunScriptOptions {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Every chunk the child writes, as it comes (for the terminal and the recorder). */
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** How long a stopped child may take to exit before it is killed outright. */
  killGraceMs?: number;
  /** Stops the child as SIGTERM would (a cancelled regression test). */
  signal?: AbortSignal;
}

export interface ScriptResult {
  status: Exclude<RunStatus, 'running'>;
  /** What the run records: the child's exit code, or 128 + the signal number that ended it. */
  exitCode: number | null;
  /** The signal this process received and forwarded (the user's Ctrl-C), if any. */
  stoppedBy: NodeJS.Signals | null;
  /** Why the command did not start (`not found`), when it did not. */
  startError: string | null;
  /** The exit code for the process that ran the child: the child's, or 130/143 after Ctrl-C/SIGTERM, 127/126 when it never started. */
  processExitCode: number;
}

/** The signals that stop a tracked run (Ctrl-C, kill, a closed terminal). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const DEFAULT_KILL_GRACE_MS = 5000;
/** After the child exits, how long its pipes may stay open (held by a grandchild) before we stop reading. */
const CLOSE_GRACE_MS = 2000;

/**
 * Runs a command without a shell, its stdout/stderr piped to `onOutput` and its stdin shared.
 * While it runs, SIGINT/SIGTERM/SIGHUP sent to this process are forwarded to the child (a second
 * one, or the grace period running out, kills it) and the result says the run was stopped.
 */
export function runScript(options: RunScriptOptions): Promise<ScriptResult> {
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    let stoppedBy: NodeJS.Signals | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const child: ChildProcess = spawn(options.command[0], options.command.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });

    const onSignal = (signal: NodeJS.Signals) => {
      if (stoppedBy) {
        child.kill('SIGKILL');
        return;
      }
      stoppedBy = signal;
      // A terminal's Ctrl-C reaches the child directly too; Python folds both into one KeyboardInterrupt.
      child.kill(signal);
      killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
    };
    const handlers = STOP_SIGNALS.map((s) => [s, () => onSignal(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    // An abort that comes with a forwarded signal is the same stop, not a second one (no SIGKILL).
    const onAbort = () => {
      if (!stoppedBy) onSignal('SIGTERM');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const settle = (result: Omit<ScriptResult, 'stoppedBy' | 'processExitCode'>) => {
      if (settled) return;
      settled = true;
      for (const [s, h] of handlers) process.off(s, h);
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      const processExitCode = result.startError
        ? result.exitCode ?? 1
        : stoppedBy ? 128 + signalNumber(stoppedBy) : result.exitCode ?? 1;
      resolve({ ...result, stoppedBy, processExitCode });
    };

    child.stdout!.on('data', (chunk: Buffer) => options.onOutput('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => options.onOutput('stderr', chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // an error after a successful start (e.g. kill failed) changes nothing
      const notFound = err.code === 'ENOENT';
      settle({
        status: 'failed',
        exitCode: notFound ? 127 : 126,
        startError: `could not start ${options.command[0]}: ${notFound ? 'not found' : err.code === 'EACCES' ? 'permission denied' : err.message}`,
      });
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      const exitCode = code ?? (signal ? 128 + signalNumber(signal) : null);
      const status = stoppedBy ? 'killed' : code === 0 ? 'finished' : 'failed';
      settle({ status, exitCode, startError: null });
    };
    child.on('exit', (code, signal) => {
      closeTimer = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(code, signal);
      }, CLOSE_GRACE_MS);
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid !== undefined) finish(code, signal);
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 0;
}
