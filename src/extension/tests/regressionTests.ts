// The Test Explorer for mlwb.tests.yaml: discovery and file watching, Problems for config errors,
// a Run profile with continuous runs, and Accept as Baseline. Tests run in a child process
// (cliProcess.ts); this side only maps its events onto test items.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME, loadTestConfig, parseTestConfig, type TestConfig } from '../../core/regress/config';
import { TestResultStore } from '../../core/regress/resultStore';
import type { FolderSession } from '../folderSession';
import { Disposable, toDisposable } from '../util/dispose';
import { runCliTests } from './cliProcess';
import { applyResult } from './testResults';
import { TestTree, type TestRef } from './testTree';

const CONFIG_GLOB = '**/mlwb.tests.yaml';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**,**/.venv/**,**/venv/**,**/.mlwb/**}';
const SKIPPED_FOLDER = /[\\/](node_modules|\.git|\.venv|venv|\.mlwb)[\\/]/;
/** A burst of store writes (a run's last metrics, its end) is one reason to re-run, not many. */
const CONTINUOUS_DELAY_MS = 1000;
/** Typing in a test file re-checks it once the keystrokes pause, as a linter would. */
const EDIT_DELAY_MS = 300;

export interface RegressionTestsHost {
  extensionPath: string;
  log: vscode.LogOutputChannel;
  sessionFor(fsPath: string): FolderSession | undefined;
  allSessions(): FolderSession[];
  /** The workspace's inference device (the device picker's choice), for model tests. */
  device(): string;
}

export class RegressionTests extends Disposable {
  private readonly controller: vscode.TestController;
  private readonly tree: TestTree;
  private readonly diagnostics: vscode.DiagnosticCollection;

  constructor(private readonly host: RegressionTestsHost) {
    super();
    this.controller = this._register(vscode.tests.createTestController('mlwb.regressionTests', 'ML Workbench'));
    this.tree = new TestTree(this.controller);
    this.diagnostics = this._register(vscode.languages.createDiagnosticCollection('mlwb.tests'));
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this._register(this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true, undefined, true));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(CONFIG_GLOB));
    this._register(watcher.onDidCreate((uri) => void this.load(uri)));
    this._register(watcher.onDidChange((uri) => void this.load(uri)));
    this._register(watcher.onDidDelete((uri) => {
      this.tree.remove(uri.fsPath);
      this.diagnostics.delete(uri);
    }));
    // An open test file is checked as it is edited, unsaved, and as soon as it is opened: the
    // watcher alone misses what it is slow to see (a folder created with its file, a remote FS).
    const editTimers = new Map<string, NodeJS.Timeout>();
    this._register(toDisposable(() => editTimers.forEach((t) => clearTimeout(t))));
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.loadDocument(doc)));
    this._register(vscode.workspace.onDidChangeTextDocument(({ document: doc }) => {
      if (!isTestConfig(doc)) return;
      clearTimeout(editTimers.get(doc.uri.fsPath));
      editTimers.set(doc.uri.fsPath, setTimeout(() => {
        editTimers.delete(doc.uri.fsPath);
        this.loadDocument(doc);
      }, EDIT_DELAY_MS));
    }));
    this._register(vscode.commands.registerCommand('mlwb.tests.acceptBaseline', (item?: vscode.TestItem) => this.acceptBaseline(item)));
    // Config problems belong in the Problems panel even before the Testing view is opened.
    void this.discover().catch((err: unknown) => host.log.error(`tests: discovery failed: ${(err as Error).message}`));
  }

  private async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(CONFIG_GLOB, EXCLUDE_GLOB);
    await Promise.all(files.map((uri) => this.load(uri)));
  }

  private async load(uri: vscode.Uri): Promise<void> {
    if (this.isDisposed || SKIPPED_FOLDER.test(uri.fsPath)) return;
    const onDisk = await loadTestConfig(uri.fsPath);
    this.tree.update(onDisk, vscode.workspace.asRelativePath(uri));
    const edited = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath && d.isDirty);
    // An unsaved buffer is what the user sees: the file on disk would undo its problems.
    this.showProblems(uri, edited ? parseTestConfig(uri.fsPath, edited.getText()) : onDisk);
  }

  /** Problems follow the buffer; the tests follow the file on disk, which is what a run reads. */
  private loadDocument(doc: vscode.TextDocument): void {
    if (this.isDisposed || !isTestConfig(doc) || SKIPPED_FOLDER.test(doc.uri.fsPath)) return;
    const config = parseTestConfig(doc.uri.fsPath, doc.getText());
    if (!doc.isDirty) this.tree.update(config, vscode.workspace.asRelativePath(doc.uri));
    this.showProblems(doc.uri, config);
  }

  private showProblems(uri: vscode.Uri, config: TestConfig): void {
    this.diagnostics.set(uri, config.problems.map((p) => {
      const d = new vscode.Diagnostic(new vscode.Range(p.line - 1, p.column - 1, p.line - 1, Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'mlwb';
      return d;
    }));
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (request.continuous) {
      this.runContinuously(request, token);
      return;
    }
    await this.runOnce(request, token);
  }

  private async runOnce(request: vscode.TestRunRequest, token: vscode.CancellationToken, only?: (ref: TestRef) => boolean): Promise<void> {
    const items = this.tree.leaves(request.include, request.exclude).filter((i) => !only || only(this.tree.ref(i)!));
    if (items.length === 0) return;
    const run = this.controller.createTestRun(request);
    try {
      for (const item of items) run.enqueued(item);
      const byFile = new Map<string, vscode.TestItem[]>();
      for (const item of items) {
        const file = this.tree.ref(item)!.file;
        byFile.set(file, [...(byFile.get(file) ?? []), item]);
      }
      for (const [file, fileItems] of byFile) {
        if (token.isCancellationRequested) fileItems.forEach((item) => run.skipped(item));
        else await this.runFile(run, file, fileItems, token);
      }
    } finally {
      run.end();
    }
  }

  /** Runs one file's tests in a child process, mapping its events onto the items. */
  private async runFile(run: vscode.TestRun, file: string, items: vscode.TestItem[], token: vscode.CancellationToken, updateBaseline = false): Promise<void> {
    const session = this.host.sessionFor(file);
    const byName = new Map(items.map((i) => [this.tree.ref(i)!.name, i]));
    const reported = new Set<vscode.TestItem>();
    if (!session) {
      for (const item of items) run.errored(item, new vscode.TestMessage('This file is outside the workspace folders that have a run store.'));
      return;
    }
    const stderr: string[] = [];
    const cli = runCliTests({
      cli: path.join(this.host.extensionPath, 'dist', 'cli.js'),
      cwd: path.dirname(file),
      storeDir: session.storeDir,
      config: file,
      names: [...byName.keys()],
      device: this.host.device(),
      updateBaseline,
      onStderr: (line) => {
        stderr.push(line);
        this.host.log.info(`tests: ${line}`);
        run.appendOutput(`${line}\r\n`);
      },
      onEvent: (e) => {
        const item = byName.get(e.event === 'result' ? e.result.name : e.name);
        if (!item) return;
        if (e.event === 'start') run.started(item);
        else if (e.event === 'output') run.appendOutput(`${e.line}\r\n`, undefined, item);
        else {
          reported.add(item);
          applyResult(run, item, e.result);
        }
      },
    });
    const cancel = token.onCancellationRequested(() => cli.cancel());
    try {
      const code = await cli.done;
      this.showHistory(run, items);
      for (const item of items) {
        if (reported.has(item)) continue;
        if (token.isCancellationRequested) run.skipped(item);
        else run.errored(item, new vscode.TestMessage(`mlwb test exited with code ${code}: ${stderr.slice(-3).join(' ') || 'no output'}`));
      }
    } finally {
      cancel.dispose();
    }
  }

  /** Each test's recent results from the store, newest first, in the run's output (the history per test). */
  private showHistory(run: vscode.TestRun, items: readonly vscode.TestItem[]): void {
    const marks = { passed: '✓', failed: '✗', errored: '!' } as const;
    for (const item of items) {
      const ref = this.tree.ref(item);
      const session = ref && this.host.sessionFor(ref.file);
      if (!ref || !session) continue;
      try {
        const history = new TestResultStore(session.store).history(ref.file, ref.name, 20);
        if (history.length) run.appendOutput(`history of ${ref.name}, newest first: ${history.map((h) => marks[h.status]).join('')}\r\n`, undefined, item);
      } catch (err) {
        this.host.log.warn(`tests: no history for ${ref.name}: ${(err as Error).message}`);
      }
    }
  }

  /** Re-runs the tests that read stored runs whenever a run finishes, until the user stops it. */
  private runContinuously(request: vscode.TestRunRequest, token: vscode.CancellationToken): void {
    const readsRuns = (ref: TestRef) => ref.readsRunsOnly;
    let timer: NodeJS.Timeout | undefined;
    let running = Promise.resolve();
    const signatures = new Map<FolderSession, string>();
    const finishedRuns = (s: FolderSession) => JSON.stringify(s.store.db.prepare(
      "SELECT count(*) AS n, max(end_time) AS last FROM runs WHERE status != 'running'").get());
    for (const s of this.host.allSessions()) signatures.set(s, finishedRuns(s));
    const onChange = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Test results are store writes too: only a newly finished run is a reason to run again.
        const changed = this.host.allSessions().some((s) => signatures.get(s) !== finishedRuns(s));
        if (!changed || token.isCancellationRequested) return;
        for (const s of this.host.allSessions()) signatures.set(s, finishedRuns(s));
        running = running.then(() => this.runOnce(new vscode.TestRunRequest(request.include, request.exclude, request.profile), token, readsRuns));
      }, CONTINUOUS_DELAY_MS);
    };
    const listeners = this.host.allSessions().map((s) => s.onDidChange(onChange));
    running = this.runOnce(new vscode.TestRunRequest(request.include, request.exclude, request.profile), token, readsRuns);
    const stop = toDisposable(() => {
      clearTimeout(timer);
      for (const l of listeners) l.dispose();
    });
    this._register(stop);
    token.onCancellationRequested(() => stop.dispose());
  }

  private async acceptBaseline(item: vscode.TestItem | undefined): Promise<void> {
    const ref = item && this.tree.ref(item);
    if (!item || ref?.kind !== 'baseline') {
      void vscode.window.showInformationMessage('Accept as Baseline works on a baseline test: right-click one in the Test Explorer.');
      return;
    }
    const request = new vscode.TestRunRequest([item]);
    const run = this.controller.createTestRun(request, `Accept as Baseline: ${ref.name}`);
    const cts = new vscode.CancellationTokenSource();
    try {
      run.enqueued(item);
      await this.runFile(run, ref.file, [item], cts.token, true);
    } finally {
      run.end();
      cts.dispose();
    }
    await this.load(vscode.Uri.file(ref.file));
  }
}

function isTestConfig(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && path.basename(doc.uri.fsPath) === CONFIG_FILE_NAME;
}
