// The extension's root object: folder sessions, the Runs view, commands, terminal tracking.
// Everything it creates is registered on it; extension.ts puts only this object into
// context.subscriptions.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelUpdate } from '../core/live/runsModel';
import { registerCommands } from './commands';
import { DriftFeature } from './drift/driftFeature';
import { registerCompareCommands } from './compare/compareCommands';
import { registerCompareSerializer } from './compare/compareSerializer';
import type { FolderSession } from './folderSession';
import { InferenceHost } from './inference/inferenceHost';
import { RunsTreeProvider } from './runsTree';
import { Disposable } from './util/dispose';
import { reportError } from './util/errors';

/** A folder's runs changed (already applied to its model). */
export interface RunsUpdate {
  session: FolderSession;
  update: ModelUpdate;
}

export class Workbench extends Disposable {
  readonly tree: RunsTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  private sessions = new Map<string, FolderSession>();
  private terminalTracker: import('./terminalTracker').TerminalTracker | undefined;
  readonly inference: InferenceHost;
  private readonly sessionsChanged = this._register(new vscode.EventEmitter<void>());
  /** The folder sessions were reopened: views holding an old session must follow. */
  readonly onDidChangeSessions = this.sessionsChanged.event;
  private regressionTests: import('./tests/regressionTests').RegressionTests | undefined;
  private entryPoints: import('./entryPoints').EditorEntryPoints | undefined;
  private readonly runsUpdated = this._register(new vscode.EventEmitter<RunsUpdate>());
  readonly onDidUpdateRuns = this.runsUpdated.event;
  /** Resolves when every folder's store is open (and, when trusted, its endpoint is up). */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly context: vscode.ExtensionContext, readonly log: vscode.LogOutputChannel) {
    super();
    this.tree = this._register(new RunsTreeProvider(() => this.keyMetricSetting()));
    this.view = this._register(vscode.window.createTreeView('mlwb.runs', { treeDataProvider: this.tree, showCollapseAll: true, canSelectMany: true }));
    for (const d of registerCommands(this)) this._register(d);
    this.inference = this._register(new InferenceHost(context, log, (p) => this.sessionFor(p), () => this.allSessions));
    this._register(new DriftFeature(this));
    for (const d of [...registerCompareCommands(this), registerCompareSerializer(this)]) this._register(d);
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: starting the endpoint and terminal tracking');
      this.reload();
    }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlwb.keyMetric')) this.tree.setSessions([...this.sessions.values()]);
    }));
    this.reload();
  }

  get allSessions(): FolderSession[] {
    return [...this.sessions.values()];
  }

  sessionFor(fsPath: string): FolderSession | undefined {
    let best: FolderSession | undefined;
    for (const s of this.sessions.values()) {
      const root = s.folder.uri.fsPath;
      const rel = path.relative(root, fsPath);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || root.length > best.folder.uri.fsPath.length)) best = s;
    }
    return best ?? (this.sessions.size === 1 ? this.allSessions[0] : undefined);
  }

  sessionOf(folderUri: string): FolderSession | undefined {
    return this.sessions.get(folderUri);
  }

  keyMetricSetting(): string | undefined {
    return vscode.workspace.getConfiguration('mlwb').get<string>('keyMetric') || undefined;
  }

  /** (Re)opens one session per workspace folder; the heavy modules load here, after activation. */
  reload(): void {
    this.ready = this.openSessions().catch((err: unknown) => reportError(this.log, 'Could not open the run store', err));
  }

  private async openSessions(): Promise<void> {
    const { FolderSession } = await import('./folderSession');
    const folders = vscode.workspace.workspaceFolders ?? [];
    const trusted = vscode.workspace.isTrusted;
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    const root = this.context.environmentVariableCollection;
    for (const folder of folders) {
      try {
        const session = await FolderSession.open({
          folder,
          log: this.log,
          trusted,
          // One folder: the window's collection; several: each folder's terminals get their own endpoint.
          variables: folders.length === 1 ? root : root.getScoped({ workspaceFolder: folder }),
          state: this.context.workspaceState,
          clientDir: path.join(this.context.extensionPath, 'python'),
          onDidUpdate: (s, update) => this.onSessionUpdate(s, update),
        });
        if (session) this.sessions.set(folder.uri.toString(), session);
        else this.log.info(`${folder.name}: restricted workspace and no run store: nothing to show`);
      } catch (err) {
        reportError(this.log, `${folder.name}: could not open the run store`, err);
      }
    }
    this.tree.setSessions(this.allSessions);
    this.inference.models.refresh();
    this.updateEmptyContext();
    this.sessionsChanged.fire();
    if (!this.entryPoints) {
      const { EditorEntryPoints } = await import('./entryPoints');
      this.entryPoints = this._register(new EditorEntryPoints(this));
    }
    if (trusted && !this.terminalTracker) {
      const { TerminalTracker } = await import('./terminalTracker');
      this.terminalTracker = this._register(new TerminalTracker(this.log, (cwd) => this.sessionFor(cwd)));
    }
    if (trusted && !this.regressionTests) {
      const { RegressionTests } = await import('./tests/regressionTests');
      this.regressionTests = this._register(new RegressionTests({
        extensionPath: this.context.extensionPath, log: this.log, sessionFor: (p) => this.sessionFor(p), allSessions: () => this.allSessions,
        device: () => this.inference.devices.device,
      }));
    }
  }

  private onSessionUpdate(session: FolderSession, update: ModelUpdate): void {
    this.tree.update(session, update);
    this.inference.models.noteRuns(update);
    this.runsUpdated.fire({ session, update });
    if (update.structure) this.updateEmptyContext();
    for (const run of update.changed) if (run.status === 'running') this.terminalTracker?.noteClientRun(session, run.id);
    if (update.structure) {
      for (const group of session.model.experiments()) {
        for (const run of group.runs) if (run.status === 'running') this.terminalTracker?.noteClientRun(session, run.id);
      }
    }
  }

  private updateEmptyContext(): void {
    void vscode.commands.executeCommand('setContext', 'mlwb.hasRuns', !this.tree.isEmpty);
  }

  override dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    super.dispose();
  }
}
