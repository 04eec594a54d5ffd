// Data drift in VS Code: "Compare Data with Reference…" (Explorer context menu on data files, or
// the Command Palette; "…and Model Predictions" adds an ONNX model's outputs as columns), the drift report panel, and the Data view of stored reports. The report is
// computed in worker threads (runDriftReport) with progress and cancellation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SUPPORTED_EXTENSIONS } from '../../core/drift/read/readTable';
import { insertDriftReport, loadDriftReport } from '../../core/drift/saveReport';
import { verdictLine, type DriftOptions } from '../../core/drift/types';
import { MlwbError } from '../../core/errors';
import { Disposable } from '../util/dispose';
import { describeError, reportError } from '../util/errors';
import type { Workbench } from '../workbench';
import { DataTreeProvider } from './dataTree';
import { DriftPanel } from './driftPanel';
import { runDriftReport } from './runDriftReport';

const DATA_FILTER = { 'Data files': SUPPORTED_EXTENSIONS.map((e) => e.slice(1)) };

export class DriftFeature extends Disposable {
  private readonly tree: DataTreeProvider;

  constructor(private readonly wb: Workbench) {
    super();
    this.tree = this._register(new DataTreeProvider(() => wb.allSessions));
    this._register(vscode.window.createTreeView('mlwb.data', { treeDataProvider: this.tree }));
    const register = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await fn(...args);
      } catch (err) {
        reportError(wb.log, `${id.replace('mlwb.', '')} failed`, err);
      }
    }));
    register('mlwb.compareData', (uri?: vscode.Uri, selected?: vscode.Uri[]) => this.compare(uri, selected));
    register('mlwb.compareDataWithModel', (uri?: vscode.Uri, selected?: vscode.Uri[]) => this.compare(uri, selected, true));
    register('mlwb.openDriftReport', (folder?: string, id?: string) => this.openStored(folder, id));
    register('mlwb.refreshData', () => this.tree.refresh());
  }

  /** The reference and current files: two selected in the Explorer, one selected plus a picked reference, or two picked. */
  private async pickFiles(uri?: vscode.Uri, selected?: vscode.Uri[]): Promise<{ reference: vscode.Uri; current: vscode.Uri } | undefined> {
    const files = (selected?.length ? selected : uri ? [uri] : []).filter((u) => u.scheme === 'file');
    if (files.length > 2) throw new MlwbError('Select one or two data files to compare.');
    if (files.length === 2) {
      const name = (u: vscode.Uri) => vscode.workspace.asRelativePath(u);
      const choice = await vscode.window.showQuickPick(
        [{ label: name(files[0]), reference: files[0], current: files[1] }, { label: name(files[1]), reference: files[1], current: files[0] }],
        { title: 'Which file is the reference (the data the model was trained on)?' },
      );
      return choice && { reference: choice.reference, current: choice.current };
    }
    const defaultUri = vscode.workspace.workspaceFolders?.[0]?.uri;
    const pick = async (title: string) => (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: DATA_FILTER, defaultUri }))?.[0];
    const current = files[0] ?? (await pick('Current data (what the model sees now)'));
    if (!current) return undefined;
    const reference = await pick(`Reference data to compare ${path.basename(current.fsPath)} with`);
    return reference && { reference, current };
  }

  /** `withModel`: a picked ONNX model's predictions on both files are compared too (on the selected device). */
  private async compare(uri?: vscode.Uri, selected?: vscode.Uri[], withModel = false): Promise<void> {
    const files = await this.pickFiles(uri, selected);
    if (!files) return;
    let options: DriftOptions = {};
    if (withModel) {
      const model = (await vscode.window.showOpenDialog({ title: 'Model whose predictions to compare', canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri }))?.[0];
      if (!model) return;
      options = { model: { path: model.fsPath, device: this.wb.inference.devices.device } };
    }
    const session = this.wb.sessionFor(files.current.fsPath);
    const cwd = session?.folder.uri.fsPath ?? path.dirname(files.current.fsPath);
    const shown = (u: vscode.Uri) => vscode.workspace.asRelativePath(u, false);
    const names = { reference: shown(files.reference), current: shown(files.current) };
    const panel = DriftPanel.show(this.wb.context.extensionUri, `Drift: ${path.basename(files.current.fsPath)}`);
    this.wb.log.info(`drift report: ${names.current} against ${names.reference}`);
    const started = performance.now();
    const distDir = vscode.Uri.joinPath(this.wb.context.extensionUri, 'dist').fsPath;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Drift report', cancellable: true }, async (progress, token) => {
      let last = 0;
      const running = runDriftReport(distDir, { reference: files.reference.fsPath, current: files.current.fsPath, names, options, cwd }, (done, total, message) => {
        panel.progress(done, total, message);
        const pct = (done / total) * 100;
        progress.report({ message, increment: Math.max(0, pct - last) });
        last = pct;
      });
      token.onCancellationRequested(() => running.cancel());
      panel.onCancel = () => running.cancel();
      try {
        const report = await running.result;
        panel.onCancel = undefined;
        this.wb.log.info(`drift report done in ${(performance.now() - started).toFixed(0)} ms: ${verdictLine(report.dataset)}`);
        panel.report(report);
        if (session) {
          panel.setKey(`${session.folder.uri.toString()}#${insertDriftReport(session.store, report)}`);
          this.tree.refresh();
        }
      } catch (err) {
        panel.onCancel = undefined;
        panel.failed(describeError(err));
        if (!(err instanceof MlwbError && /cancelled/.test(err.message))) throw err;
      }
    });
  }

  private async openStored(folder?: string, id?: string): Promise<void> {
    const session = this.wb.allSessions.find((s) => s.folder.uri.toString() === folder) ?? this.wb.allSessions[0];
    if (!session || !id) {
      await vscode.commands.executeCommand('mlwb.data.focus');
      return;
    }
    const report = loadDriftReport(session.store, id);
    if (!report) throw new MlwbError('That drift report is no longer in the store.');
    const panel = DriftPanel.show(this.wb.context.extensionUri, `Drift: ${path.basename(report.current.path)}`, `${session.folder.uri.toString()}#${id}`);
    panel.report(report);
  }
}
