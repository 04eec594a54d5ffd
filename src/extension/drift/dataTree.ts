// The Data view: the drift reports stored in each folder's store, newest first; a click reopens one.
import * as vscode from 'vscode';
import { listDriftReports, type StoredDriftSummary } from '../../core/drift/saveReport';
import type { FolderSession } from '../folderSession';
import { Disposable } from '../util/dispose';

export interface DriftReportNode {
  session: FolderSession;
  summary: StoredDriftSummary;
}

export class DataTreeProvider extends Disposable implements vscode.TreeDataProvider<DriftReportNode> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly sessions: () => FolderSession[]) {
    super();
  }

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: DriftReportNode): DriftReportNode[] {
    if (node) return [];
    return this.sessions().flatMap((session) => {
      this.watch(session);
      return listDriftReports(session.store).map((summary) => ({ session, summary }));
    });
  }

  private readonly watched = new WeakSet<FolderSession>();

  /** Reports written by another process (mlwb drift in a terminal) show up without a refresh. */
  private watch(session: FolderSession): void {
    if (this.watched.has(session)) return;
    this.watched.add(session);
    this._register(session.onDidChange((change) => change.kind === 'external' && this.refresh()));
  }

  getTreeItem({ session, summary }: DriftReportNode): vscode.TreeItem {
    const item = new vscode.TreeItem(`${summary.currentPath} vs ${summary.referencePath}`);
    item.description = `${summary.driftedColumns}/${summary.columns} drifted · ${new Date(summary.createdAt).toLocaleString()}`;
    item.tooltip = `${summary.drifted ? 'Dataset drift' : 'No dataset drift'}: ${summary.driftedColumns} of ${summary.columns} columns drifted\nreference ${summary.referencePath}\ncurrent ${summary.currentPath}`;
    item.iconPath = new vscode.ThemeIcon(summary.drifted ? 'warning' : 'pass');
    item.contextValue = 'mlwb.driftReport';
    item.command = { command: 'mlwb.openDriftReport', title: 'Open Drift Report', arguments: [session.folder.uri.toString(), summary.id] };
    return item;
  }
}
