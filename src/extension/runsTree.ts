// The Runs view: (workspace folders →) experiments → runs, newest first. It reads the in-memory
// runs model of each folder session; sessions tell it which runs changed.
import * as vscode from 'vscode';
import { CRASHED_EXPLANATION, describeRun, formatMetricValue } from '../core/live/runSummary';
import type { ModelUpdate } from '../core/live/runsModel';
import type { RunRecord, RunStatus } from '../core/store/types';
import type { FolderSession } from './folderSession';
import { Disposable } from './util/dispose';

export type RunsNode =
  | { type: 'folder'; session: FolderSession }
  | { type: 'experiment'; session: FolderSession; name: string }
  | { type: 'run'; session: FolderSession; runId: string };

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('loading~spin'),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconSkipped')),
  crashed: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('testing.iconErrored')),
};

/** Running runs' durations tick in their descriptions. */
const TICK_MS = 1000;

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private sessions: FolderSession[] = [];
  /** Stable node objects, so a refresh of one run keeps the tree's selection and expansion. */
  private readonly runNodes = new Map<string, RunsNode & { type: 'run' }>();
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly keyMetric: () => string | undefined) {
    super();
    this.ticker = setInterval(() => this.tickRunning(), TICK_MS);
    this._register({ dispose: () => clearInterval(this.ticker) });
  }

  setSessions(sessions: FolderSession[]): void {
    this.sessions = sessions;
    this.changed.fire(undefined);
  }

  /** A session read changes: repaint the runs that changed in place, or the whole tree. */
  update(session: FolderSession, update: ModelUpdate): void {
    if (update.structure) {
      this.changed.fire(undefined);
      return;
    }
    for (const run of update.changed) this.changed.fire(this.runNode(session, run.id));
  }

  get isEmpty(): boolean {
    return this.sessions.every((s) => s.model.size === 0);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      if (this.sessions.length > 1) return this.sessions.map((session) => ({ type: 'folder', session }));
      return this.sessions[0] ? this.experimentNodes(this.sessions[0]) : [];
    }
    if (node.type === 'folder') return this.experimentNodes(node.session);
    if (node.type === 'experiment') {
      const group = node.session.model.experiments().find((g) => g.name === node.name);
      return (group?.runs ?? []).map((r) => this.runNode(node.session, r.id));
    }
    return [];
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.type === 'run') {
      const run = node.session.model.get(node.runId);
      return run && { type: 'experiment', session: node.session, name: run.experiment };
    }
    if (node.type === 'experiment' && this.sessions.length > 1) return { type: 'folder', session: node.session };
    return undefined;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.type === 'folder') {
      const item = new vscode.TreeItem(node.session.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'mlwb.folder';
      return item;
    }
    if (node.type === 'experiment') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${node.session.folder.uri.toString()}#exp:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'mlwb.experiment';
      return item;
    }
    const run = node.session.model.get(node.runId);
    if (!run) return new vscode.TreeItem('(deleted run)');
    return runItem(node, run, this.keyMetric());
  }

  runNode(session: FolderSession, runId: string): RunsNode & { type: 'run' } {
    const key = `${session.folder.uri.toString()}#${runId}`;
    let node = this.runNodes.get(key);
    if (!node) {
      node = { type: 'run', session, runId };
      this.runNodes.set(key, node);
    }
    return node;
  }

  private experimentNodes(session: FolderSession): RunsNode[] {
    return session.model.experiments().map((g) => ({ type: 'experiment', session, name: g.name }));
  }

  private tickRunning(): void {
    for (const session of this.sessions) {
      for (const group of session.model.experiments()) {
        for (const run of group.runs) if (run.status === 'running') this.changed.fire(this.runNode(session, run.id));
      }
    }
  }
}

function runItem(node: RunsNode & { type: 'run' }, run: RunRecord, keyMetric: string | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.session.folder.uri.toString()}#${run.id}`;
  item.description = describeRun(run, keyMetric);
  item.iconPath = STATUS_ICONS[run.status];
  item.contextValue = `mlwb.run.${run.status}`;
  item.tooltip = runTooltip(run);
  item.accessibilityInformation = { label: `${run.name}, ${run.status}, ${item.description}` };
  item.command = { command: 'mlwb.openRun', title: 'Open Run', arguments: [node] };
  return item;
}

function runTooltip(run: RunRecord): vscode.MarkdownString {
  // appendText escapes: names, params and commands are user data, never markdown.
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(run.name).appendMarkdown('** — ').appendText(run.status);
  if (run.status === 'crashed') md.appendMarkdown('\n\n').appendText(CRASHED_EXPLANATION);
  md.appendMarkdown('\n\n').appendText(`${run.experiment} · ${run.id.slice(0, 8)} · ${new Date(run.startTime).toLocaleString()}`);
  const params = Object.entries(run.params);
  if (params.length) {
    md.appendMarkdown('\n\n**Params**\n\n');
    for (const [k, v] of params.slice(0, 20)) md.appendMarkdown('- ').appendText(`${k} = ${String(v)}`).appendMarkdown('\n');
    if (params.length > 20) md.appendText(`… ${params.length - 20} more`);
  }
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    md.appendMarkdown('\n\n**Metrics**\n\n');
    for (const [k, m] of metrics.slice(0, 10)) md.appendMarkdown('- ').appendText(`${k} = ${formatMetricValue(m.last)}`).appendMarkdown('\n');
  }
  return md;
}
