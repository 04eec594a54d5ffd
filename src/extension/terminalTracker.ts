// Runs typed in the integrated terminal, without code change: VS Code's shell integration tells
// when a command starts and ends and streams its output; training scripts become runs recorded
// by the same RunRecorder as `mlwb run` (params from the command line, metrics from the output,
// exit code, git and environment). A line with several Python programs (`python prep.py && python
// train.py`) is one execution with one output stream: the terminal hook's marks split it, one run
// per program (`src/core/live/lineRouter.ts`).
import * as vscode from 'vscode';
import { RunRecorder } from '../core/capture/runRecorder';
import { decideTerminalLine, type LineDecision, type ProgramDecision } from '../core/detect/terminalCommand';
import { statusOfExit } from '../core/live/compoundLine';
import { HeldOutput } from '../core/live/heldOutput';
import { LineRouter, type ProgramOutcome, type RouteAction, type TimedEnd } from '../core/live/lineRouter';
import { MERGED_INTO_TAG, mergeRunInto, sameProcessCommand } from '../core/live/mergeRuns';
import { ProgramMarkReader, type TerminalEvent } from '../core/live/programMarks';
import { TerminalTextDecoder } from '../core/live/terminalText';
import { isLensTerminal } from './codelens/runScript';
import type { FolderSession } from './folderSession';
import { Disposable } from './util/dispose';
import { STARTED_FROM_TAG } from './walkthroughProgress';

/** How long after a terminal opens shell integration may still arrive. */
const SHELL_INTEGRATION_GRACE_MS = 5000;

/** One command line being tracked. */
interface Line {
  session: FolderSession;
  text: string;
  terminalName: string;
  /** Opened by Run & Track on a script's CodeLens. */
  fromLens: boolean;
  decision: LineDecision;
  router: LineRouter;
  /** Its Python programs that began, by index in `decision.programs`. */
  programs: Map<number, Tracked>;
  pumped: Promise<void>;
  /** Runs of earlier programs being ended while the line goes on. */
  ending: Promise<void>[];
}

/** One Python program of a line. */
interface Tracked {
  line: Line;
  program: ProgramDecision;
  /** Undefined while the program is only a candidate (held output, not yet a run). */
  recorder?: RunRecorder;
  /** The candidate's output, until it shows metrics. */
  held?: HeldOutput;
  /** The run being created for a candidate that showed metrics. */
  promotion?: Promise<RunRecorder>;
  /** Set when the script's own client created a run: this one merges into it at the end. */
  clientRunId?: string;
  /** Its program is over (a later program of the line started, or the line ended). */
  done?: boolean;
}

export class TerminalTracker extends Disposable {
  private readonly lines = new Map<vscode.TerminalShellExecution, Line>();
  private readonly starting = new Map<vscode.TerminalShellExecution, Promise<Line | undefined>>();
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

  private *allTracked(): Iterable<Tracked> {
    for (const line of this.lines.values()) yield* line.programs.values();
  }

  /** A client or MLflow run appeared: the terminal run of the same process becomes part of it. */
  noteClientRun(session: FolderSession, runId: string): void {
    const run = session.store.getRun(runId);
    if (!run || (run.source !== 'client' && run.source !== 'mlflow')) return;
    for (const t of this.allTracked()) {
      if (t.done || t.line.session !== session || t.clientRunId || t.recorder?.id === runId) continue;
      if (run.cwd !== t.program.cwd || !sameProcessCommand(t.program.command, run.command)) continue;
      t.clientRunId = runId;
      // A candidate that uses the client is a run after all: it is recorded, then merged.
      void this.recorderOf(t, 'it uses the mlwb client / MLflow').then((recorder) => {
        session.store.setTags(recorder.id, { [MERGED_INTO_TAG]: runId });
        this.log.info(`terminal run ${recorder.id.slice(0, 8)} is the client run ${runId.slice(0, 8)}: they become one run`);
      }, (err: unknown) => this.log.error(`terminal: could not record "${t.line.text}": ${(err as Error).message}`));
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

  private async begin(e: vscode.TerminalShellExecutionStartEvent, stream: AsyncIterable<string>): Promise<Line | undefined> {
    const { execution } = e;
    const cwd = execution.cwd?.fsPath ?? e.shellIntegration.cwd?.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const text = execution.commandLine.value;
    if (!cwd || !text) return undefined;
    const session = this.sessionFor(cwd);
    if (!session) return undefined;
    const config = vscode.workspace.getConfiguration('mlwb');
    const decision = await decideTerminalLine(text, cwd, session.folder.uri.fsPath, {
      include: config.get<string[]>('terminal.include', []),
      exclude: config.get<string[]>('terminal.exclude', []),
    });
    if (decision.primary === undefined) {
      this.log.info(`terminal: not tracking "${text}": ${decision.reason}`);
      return undefined;
    }
    const line: Line = {
      session, text, decision, terminalName: e.terminal.name, fromLens: isLensTerminal(e.terminal), programs: new Map(), pumped: Promise.resolve(), ending: [],
      router: new LineRouter(decision.programs, decision.operators, decision.primary),
    };
    if (!line.router.single) {
      this.log.info(`terminal: "${text}" runs ${decision.programs.length} Python programs; each becomes its own run as it starts `
        + `(${decision.programs.map((p) => `${p.command.join(' ')}: ${p.reason}`).join('; ')})`);
    }
    await this.apply(line, line.router.start());
    line.pumped = this.pump(stream, line);
    this.lines.set(execution, line);
    return line;
  }

  private async apply(line: Line, actions: RouteAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'begin') await this.beginProgram(line, action.program);
      else if (action.kind === 'end') line.ending.push(this.endProgram(line.programs.get(action.program)!, action.outcome));
      else this.feed(line.programs.get(action.program)!, action.text);
    }
  }

  private async beginProgram(line: Line, index: number): Promise<Tracked> {
    const program = line.decision.programs[index];
    const t: Tracked = { line, program };
    line.programs.set(index, t);
    const which = line.router.single ? '' : ` (program ${index + 1} of ${line.decision.programs.length}: ${program.command.join(' ')})`;
    if (program.track === 'tentative') {
      t.held = new HeldOutput();
      this.log.info(`terminal: ${program.reason}${which}`);
    } else {
      try {
        t.recorder = await this.startRecorder(t);
        this.log.info(`terminal: tracking "${line.text}"${which} as run ${t.recorder.id.slice(0, 8)} (${program.reason})`);
      } catch (err) {
        this.log.error(`terminal: could not record "${line.text}"${which}: ${(err as Error).message}`);
      }
    }
    return t;
  }

  private startRecorder(t: Tracked): Promise<RunRecorder> {
    const { line, program } = t;
    return RunRecorder.start(line.session.store, {
      command: program.command,
      cwd: program.cwd,
      source: 'terminal',
      tags: { 'mlwb.terminal': line.terminalName, ...(line.fromLens ? { [STARTED_FROM_TAG]: 'codelens' } : {}) },
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
      this.log.info(`terminal: "${t.program.command.join(' ')}" is a run after all (${why}): run ${recorder.id.slice(0, 8)}`
        + (droppedChars ? `; its first ${droppedChars} characters of output were not kept` : ''));
      return recorder;
    });
    return t.promotion;
  }

  private feed(t: Tracked, text: string): void {
    if (t.recorder) t.recorder.output('stdout', text);
    else if (t.held?.push(text)) void this.recorderOf(t, 'it printed metric lines').catch((err: unknown) => {
      this.log.error(`terminal: could not record "${t.line.text}": ${(err as Error).message}`);
    });
  }

  private async pump(stream: AsyncIterable<string>, line: Line): Promise<void> {
    const marks = new ProgramMarkReader();
    const text = new TerminalTextDecoder();
    const route = async (events: TerminalEvent[]) => {
      for (const event of events) {
        await this.apply(line, line.router.push(event.kind === 'text' ? { kind: 'text', text: text.push(event.text) } : event));
      }
    };
    try {
      for await (const chunk of stream) await route(marks.push(chunk));
    } catch (err) {
      this.log.warn(`terminal: output stream ended early: ${(err as Error).message}`);
    }
    await route([...marks.end(), { kind: 'text', text: text.end() }]);
  }

  private async onEnd(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const starting = this.starting.get(e.execution);
    if (!starting) return;
    this.starting.delete(e.execution);
    const line = await starting;
    this.lines.delete(e.execution);
    if (!line) return;
    // The output stream ends with the command; wait for its last chunks (bounded).
    await Promise.race([line.pumped, new Promise((r) => setTimeout(r, 2000))]);
    const outcomes = line.router.finish(e.exitCode);
    const { primary, programs } = line.decision;
    // Nothing printed and no marks: a training script is still a run, as a single program's is from its start.
    if (primary !== undefined && !line.router.hasBegun(primary) && !line.router.split && programs[primary].track === true) {
      await this.beginProgram(line, primary);
      outcomes.set(primary, { status: statusOfExit(e.exitCode), exitCode: e.exitCode ?? null });
    }
    if (!line.router.single && !line.router.split) {
      this.log.info(`terminal: "${line.text}": no program marks in this terminal (opened before ML Workbench started?), so its output is one run`);
    }
    await Promise.all([...line.ending, ...[...outcomes].map(([index, outcome]) => this.endProgram(line.programs.get(index)!, outcome))]);
  }

  private async endProgram(t: Tracked, outcome: ProgramOutcome): Promise<void> {
    const shown = `"${t.program.command.join(' ')}"`;
    t.done = true;
    if (outcome === 'discard') {
      const recorder = t.recorder ?? (t.promotion ? await t.promotion.catch(() => undefined) : undefined);
      if (recorder) {
        await recorder.finish('killed', null);
        t.line.session.store.deleteRuns([recorder.id]);
      }
      this.log.info(`terminal: ${shown} never ran (the marks show other programs printed that output): no run`);
      return;
    }
    if (!t.recorder && !t.held && !t.promotion) return; // its run could not start (logged then)
    if (!t.recorder && t.held && !t.promotion) {
      if (!t.held.endsWithMetrics()) {
        this.log.info(`terminal: ${shown} not kept as a run: it printed no metric lines`);
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
    await this.finishRun(t, recorder, outcome);
  }

  private async finishRun(t: Tracked, recorder: RunRecorder, { status, exitCode, endTime }: TimedEnd): Promise<void> {
    await recorder.finish(status, exitCode, { endTime });
    if (t.clientRunId) mergeRunInto(t.line.session.store, recorder.id, t.clientRunId, status, exitCode);
    this.log.info(`terminal: run ${(t.clientRunId ?? recorder.id).slice(0, 8)} ${status}${exitCode === null ? '' : ` (exit ${exitCode})`}`);
  }

  override dispose(): void {
    // Runs still going when the window closes: recorded as killed, with what they wrote so far.
    for (const t of this.allTracked()) void t.recorder?.finish('killed', null);
    this.lines.clear();
    super.dispose();
  }
}
