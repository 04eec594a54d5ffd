// A status item under every `%%track` cell: its run, live (`⏺ running · step 3`, `✓ val_accuracy
// 0.88`, `✗ failed`); a click opens the run. Runs are found from what `%%track` recorded, so this
// also works for a notebook reopened later, and says when the cell changed since its run.
import * as vscode from 'vscode';
import { cellStatusText } from '../../core/live/lastResult';
import { matchCellRun } from '../../core/live/scriptRuns';
import { Disposable } from '../util/dispose';
import type { RunsUpdate, Workbench } from '../workbench';

export const NOTEBOOK_TYPE = 'jupyter-notebook';

export class TrackedCellStatus extends Disposable implements vscode.NotebookCellStatusBarItemProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCellStatusBarItems = this.changed.event;

  constructor(private readonly wb: Workbench) {
    super();
    this._register(vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, this));
    this._register(wb.onDidUpdateRuns((u) => this.onRunsUpdate(u)));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlwb.keyMetric')) this.changed.fire();
    }));
  }

  private onRunsUpdate({ update }: RunsUpdate): void {
    if (vscode.workspace.notebookDocuments.length === 0) return;
    if (update.structure || update.changed.some((r) => r.source === 'notebook')) this.changed.fire();
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    if (cell.kind !== vscode.NotebookCellKind.Code) return [];
    const text = cell.document.getText();
    if (!text.trimStart().startsWith('%%track')) return [];
    const notebook = cell.notebook.uri.fsPath;
    const session = this.wb.sessionFor(notebook);
    if (!session) return [];
    const runs = session.model.experiments().flatMap((g) => g.runs);
    const match = matchCellRun(runs, { notebook, text, executionCount: cell.executionSummary?.executionOrder });
    if (!match) return [];
    const { run, current } = match;
    const label = cellStatusText(run, this.wb.keyMetricSetting()) + (current ? '' : ' · earlier version');
    const item = new vscode.NotebookCellStatusBarItem(label, vscode.NotebookCellStatusBarAlignment.Left);
    item.command = { title: 'Open Run', command: 'mlwb.openRun', arguments: [run.id] };
    item.tooltip = current
      ? `ML Workbench run "${run.name}" (${run.status}) — click to open`
      : `The run "${run.name}" is of an earlier version of this cell (edited since it ran) — click to open`;
    return [item];
  }
}
