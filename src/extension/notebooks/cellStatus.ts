// A status item under every `%%track` cell: its run, live (`⏺ running · step 3`, `✓ val_accuracy
// 0.88`, `✗ failed`); a click opens the run. Runs are found from what `%%track` recorded, so this
// also works for a notebook reopened later, and says when the cell changed since its run.
import * as vscode from 'vscode';
import { cellStatusText } from '../../core/live/lastResult';
import { INSTALL_CLIENT_COMMAND } from '../../core/live/missingClient';
import { matchCellRun } from '../../core/live/scriptRuns';
import { Disposable } from '../util/dispose';
import type { RunsUpdate, Workbench } from '../workbench';
import { cellMissingClient, MissingClientDiagnostics } from './missingClient';

export const NOTEBOOK_TYPE = 'jupyter-notebook';

export class TrackedCellStatus extends Disposable implements vscode.NotebookCellStatusBarItemProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCellStatusBarItems = this.changed.event;

  constructor(private readonly wb: Workbench) {
    super();
    this._register(vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, this));
    this._register(new MissingClientDiagnostics(NOTEBOOK_TYPE));
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
    if (cellMissingClient(cell)) {
      const item = new vscode.NotebookCellStatusBarItem(`$(error) ${INSTALL_CLIENT_COMMAND.title} — this kernel lacks it`, vscode.NotebookCellStatusBarAlignment.Left);
      item.command = { title: INSTALL_CLIENT_COMMAND.title, command: INSTALL_CLIENT_COMMAND.id };
      item.tooltip = `The kernel cannot import mlwb: run "${INSTALL_CLIENT_COMMAND.title}" (offline, from the extension), then restart the kernel.`;
      return [item];
    }
    if (!text.trimStart().startsWith('%%track')) return [];
    const notebook = cell.notebook.uri.fsPath;
    const session = this.wb.sessionFor(notebook);
    if (!session) return [];
    const runs = session.model.experiments().flatMap((g) => g.runs);
    const match = matchCellRun(runs, { notebook, text, executionCount: cell.executionSummary?.executionOrder });
    this.wb.log.trace(`cell status: ${cell.notebook.uri.toString()} cell ${cell.index} exec=${cell.executionSummary?.executionOrder} → ${match?.run.id ?? 'no run'}`);
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
