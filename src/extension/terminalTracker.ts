// Runs typed in the integrated terminal, without code change: VS Code's shell integration tells
// when a command starts and ends and streams its output; training scripts become runs recorded
// by the same RunRecorder as `mlwb run` (params from the command line, metrics from the output,
// exit code, git and environment).
import * as vscode from 'vscode';
import { RunRecorder } from '../core/capture/runRecorder';
import { decideTerminalCommand } from '../core/detect/terminalCommand';
import { MERGED_INTO_TAG, mergeRunInto, sameProcessCommand } from '../core/live/mergeRuns';
import { HeldOutput } from '../core/live/heldOutput';
import { TerminalTextDecoder } from '../core/live/terminalText';
import type { RunStatus } from '../core/store/types';
import { isLensTerminal } from './codelens/runScript';
import type { FolderSession } from './folderSession';
import { Disposable } from './util/dispose';
import { STARTED_FROM_TAG } from './walkthroughProgress';

/** How long after a terminal opens shell integration may still arrive. */
const SHELL_INTEGRATION_GRACE_MS = 5000;

interface Tracked {
  /** Undefined while the command is only a candidate (held output, not yet a run). */
  recorder?: RunRecorder;
  /** The candidate's output, until it shows metrics. */
  held?: HeldOutput;
  /** The run being created for a candidate that showed metrics. */
  promotion?: Promise<RunRecorder>;
  terminalName: string;
  /** Opened by Run & Track on a script's CodeLens. */
  fromLens: boolean;
  line: string;
  session: FolderSession;
  command: string[];
  cwd: string;
  /** Set when the script's own client created a run: this one merges into it at the end. */
  clientRunId?: string;
  pumped: Promise<void>;
}

export class TerminalTracker extends Disposable {
  private readonly tracked = new Map<vscode.TerminalShellExecution, Tracked>();
  private readonly starting = new Map<vscode.TerminalShellExecution, Promise<Tracked | undefined>>();
  private warnedNoIntegration = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly sessionFor: (cwd: string) => FolderSession | undefined,
  ) {
    super();
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => this.onStart(e)));
    this._register(vscode.window.onDidEndTerminalShellExecution((e) => void this.onEnd(e)));
    this._register(vscode.window.onDidOpenTerminal((t) => this.checkIntegration(t)));
    for (const t of vscode.window.terminals) this.checkIntegration(t);
  }

  /** A client or MLflow run appeared: the terminal run of the same process becomes part of it. */
  noteClientRun(session: FolderSession, runId: string): void {
    const run = session.store.getRun(runId);
    if (!run || (run.source !== 'client' && run.source !== 'mlflow')) return;
    for (const t of this.tracked.values()) {
      if (t.session !== session || t.clientRunId || t.recorder?.id === runId) continue;
      if (run.cwd !== t.cwd || !sameProcessCommand(t.command, run.command)) continue;
      t.clientRunId = runId;
      // A candidate that uses the client is a run after all: it is recorded, then merged.
      void this.recorderOf(t, 'it uses the mlwb client / MLflow').then((recorder) => {
        session.store.setTags(recorder.id, { [MERGED_INTO_TAG]: runId });
        this.log.info(`terminal run ${recorder.id.slice(0, 8)} is the client run ${runId.slice(0, 8)}: they become one run`);
      }, (err: unknown) => this.log.error(`terminal: could not record "${t.line}": ${(err as Error).message}`));
    }
  }

  private checkIntegration(terminal: vscode.Terminal): void {
    if (this.warnedNoIntegration) return;
    const timer = setTimeout(() => {
      if (terminal.shellIntegration || this.warnedNoIntegration || terminal.exitStatus) return;
      this.warnedNoIntegration = true;
      this.log.warn(`Terminal "${terminal.name}" has no shell integration: commands typed there are not tracked. `
        + 'Use bash, zsh, fish or PowerShell with "terminal.integrated.shellIntegration.enabled", or run `mlwb run -- …`.');
    }, SHELL_INTEGRATION_GRACE_MS);
    this._register({ dispose: () => clearTimeout(timer) });
  }

  private enabled(): boolean {
    return vscode.workspace.isTrusted && vscode.workspace.getConfiguration('mlwb').get<boolean>('terminal.trackRuns', true);
  }

  private onStart(e: vscode.TerminalShellExecutionStartEvent): void {
    if (!this.enabled()) return;
    const execution = e.execution;
    // Read from the start, before deciding: output written meanwhile would be lost otherwise.
    const stream = execution.read();
    const start = this.begin(e, stream).catch((err: unknown) => {
      this.log.error(`terminal: could not track "${execution.commandLine.value}": ${(err as Error).message}`);
      return undefined;
    });
    this.starting.set(execution, start);
  }

  private async begin(e: vscode.TerminalShellExecutionStartEvent, stream: AsyncIterable<string>): Promise<Tracked | undefined> {
    const { execution } = e;
    const cwd = execution.cwd?.fsPath ?? e.shellIntegration.cwd?.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const line = execution.commandLine.value;
    if (!cwd || !line) return undefined;
    const session = this.sessionFor(cwd);
    if (!session) return undefined;
    const config = vscode.workspace.getConfiguration('mlwb');
    const decision = await decideTerminalCommand(line, cwd, session.folder.uri.fsPath, {
      include: config.get<string[]>('terminal.include', []),
      exclude: config.get<string[]>('terminal.exclude', []),
    });
    if (!decision.track) {
      this.log.info(`terminal: not tracking "${line}": ${decision.reason}`);
      return undefined;
    }
    const tracked: Tracked = {
      session, line, terminalName: e.terminal.name, fromLens: isLensTerminal(e.terminal), command: decision.command, cwd: decision.cwd, pumped: Promise.resolve(),
    };
    if (decision.track === 'tentative') {
      tracked.held = new HeldOutput();
      this.log.info(`terminal: ${decision.reason}`);
    } else {
      tracked.recorder = await this.startRecorder(tracked);
      this.log.info(`terminal: tracking "${line}" as run ${tracked.recorder.id.slice(0, 8)} (${decision.reason})`);
    }
    tracked.pumped = this.pump(stream, tracked);
    this.tracked.set(execution, tracked);
    return tracked;
  }

  private startRecorder(t: Tracked): Promise<RunRecorder> {
    return RunRecorder.start(t.session.store, {
      command: t.command,
      cwd: t.cwd,
      source: 'terminal',
      tags: { 'mlwb.terminal': t.terminalName, ...(t.fromLens ? { [STARTED_FROM_TAG]: 'codelens' } : {}) },
      onNote: (msg) => this.log.warn(`terminal run: ${msg}`),
    });
  }

  /** The candidate's run, created once (with the output held so far) when it turns out to be one. */
  private recorderOf(t: Tracked, why: string): Promise<RunRecorder> {
    if (t.recorder) return Promise.resolve(t.recorder);
    t.promotion ??= this.startRecorder(t).then((recorder) => {
      // Same tick as taking the held output: nothing pushed meanwhile is lost or doubled.
      const { chunks, droppedChars } = t.held!.take();
      for (const chunk of chunks) recorder.output('stdout', chunk);
      t.recorder = recorder;
      t.held = undefined;
      this.log.info(`terminal: "${t.line}" is a run after all (${why}): run ${recorder.id.slice(0, 8)}`
        + (droppedChars ? `; its first ${droppedChars} characters of output were not kept` : ''));
      return recorder;
    });
    return t.promotion;
  }

  private async pump(stream: AsyncIterable<string>, t: Tracked): Promise<void> {
    const text = new TerminalTextDecoder();
    const feed = (chunk: string) => {
      if (t.recorder) t.recorder.output('stdout', chunk);
      else if (t.held?.push(chunk)) void this.recorderOf(t, 'it printed metric lines').catch((err: unknown) => {
        this.log.error(`terminal: could not record "${t.line}": ${(err as Error).message}`);
      });
    };
    try {
      for await (const chunk of stream) feed(text.push(chunk));
    } catch (err) {
      this.log.warn(`terminal: output stream ended early: ${(err as Error).message}`);
    }
    feed(text.end());
  }

  private async onEnd(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const starting = this.starting.get(e.execution);
    if (!starting) return;
    this.starting.delete(e.execution);
    const t = await starting;
    this.tracked.delete(e.execution);
    if (!t) return;
    // The output stream ends with the command; wait for its last chunks (bounded).
    await Promise.race([t.pumped, new Promise((r) => setTimeout(r, 2000))]);
    if (!t.recorder && t.held && !t.promotion) {
      if (!t.held.endsWithMetrics()) {
        this.log.info(`terminal: "${t.line}" not kept as a run: it printed no metric lines`);
        return;
      }
      void this.recorderOf(t, 'its last output line carries metrics');
    }
    let recorder: RunRecorder;
    try {
      recorder = t.recorder ?? (await t.promotion!);
    } catch {
      return; // the reason was logged where the run failed to start
    }
    const status = statusOf(e.exitCode);
    await recorder.finish(status, e.exitCode ?? null);
    if (t.clientRunId) mergeRunInto(t.session.store, recorder.id, t.clientRunId, status, e.exitCode ?? null);
    this.log.info(`terminal: run ${(t.clientRunId ?? recorder.id).slice(0, 8)} ${status}${e.exitCode === undefined ? '' : ` (exit ${e.exitCode})`}`);
  }

  override dispose(): void {
    // Runs still going when the window closes: recorded as killed, with what they wrote so far.
    for (const t of this.tracked.values()) void t.recorder?.finish('killed', null);
    this.tracked.clear();
    super.dispose();
  }
}

/** 130 (Ctrl-C), 137 (SIGKILL) and 143 (SIGTERM) are a user stopping the run, not a failure. */
function statusOf(exitCode: number | undefined): RunStatus {
  if (exitCode === undefined || exitCode === 0) return 'finished';
  if (exitCode === 130 || exitCode === 137 || exitCode === 143) return 'killed';
  return 'failed';
}
