// Hosts the run details webview: one panel per run. Speaks only the typed protocol: waits for
// `ready`, answers with a full snapshot, and sends a new snapshot when the run changes.
import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../../../webview/runDetails/protocol';
import { displaySeries, encodeSeries, type WireSeries } from '../../core/compare/displaySeries';
import { keyMetric } from '../../core/live/runSummary';
import type { FolderSession } from '../folderSession';
import { Disposable } from '../util/dispose';
import { webviewHtml } from './html';

/** Points per metric chart (M4: the shape of ~250 pixel columns, every extreme kept). */
const CHART_POINTS = 1000;

export class RunDetailsPanel extends Disposable {
  private static readonly open = new Map<string, RunDetailsPanel>();
  private ready = false;
  private pending: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri, session: FolderSession, runId: string, keyMetricSetting: () => string | undefined): RunDetailsPanel {
    const key = `${session.folder.uri.toString()}#${runId}`;
    const existing = RunDetailsPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const run = session.model.get(runId) ?? session.store.getRun(runId);
    const panel = vscode.window.createWebviewPanel('mlwb.runDetails', `Run ${run?.name ?? runId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    const created = new RunDetailsPanel(panel, extensionUri, session, runId, keyMetricSetting);
    RunDetailsPanel.open.set(key, created);
    created._register({ dispose: () => RunDetailsPanel.open.delete(key) });
    return created;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly session: FolderSession,
    readonly runId: string,
    private readonly keyMetricSetting: () => string | undefined,
  ) {
    super();
    const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.iconPath = new vscode.ThemeIcon('beaker');
    panel.webview.html = webviewHtml(panel.webview, {
      title: panel.title,
      script: vscode.Uri.joinPath(dist, 'runDetails.js'),
      style: vscode.Uri.joinPath(dist, 'runDetails.css'),
    });
    this._register(panel.webview.onDidReceiveMessage((msg: WebviewToHost) => this.receive(msg)));
    this._register(session.onDidChange((change) => {
      if ((change.kind === 'run' && change.runId === runId) || change.kind === 'external') this.scheduleSnapshot();
      else if (change.kind === 'deleted' && change.runIds.includes(runId)) this.post({ type: 'deleted', runId });
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  private receive(msg: WebviewToHost): void {
    switch (msg.type) {
      case 'ready':
        // Also after the webview was reloaded: it always gets a complete snapshot.
        this.ready = true;
        this.sendSnapshot();
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(msg.text);
        break;
    }
  }

  private scheduleSnapshot(): void {
    // Metrics arrive in bursts; one snapshot per quarter second is plenty for a details page.
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.sendSnapshot();
    }, 250);
  }

  private sendSnapshot(): void {
    if (!this.ready || this.isDisposed) return;
    const run = this.session.store.getRun(this.runId);
    if (!run) {
      this.post({ type: 'deleted', runId: this.runId });
      return;
    }
    this.panel.title = `Run ${run.name}`;
    const series: Record<string, WireSeries> = {};
    for (const key of Object.keys(run.metrics)) {
      const d = displaySeries(this.session.store.metrics, this.runId, key, { axis: 'step', maxPoints: CHART_POINTS });
      if (d) series[key] = encodeSeries(d);
    }
    this.post({ type: 'snapshot', snapshot: { run, keyMetric: keyMetric(run.metrics, this.keyMetricSetting())?.key ?? null, series } });
  }

  private post(msg: HostToWebview): void {
    void this.panel.webview.postMessage(msg);
  }

  override dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    super.dispose();
    // Closing the panel disposes us; disposing us (deactivation) closes the panel.
    this.panel.dispose();
  }
}
