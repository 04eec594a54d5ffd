// Hosts the drift report webview: one panel per report. Speaks only the typed protocol: waits for
// `ready`, then sends the complete state (progress, the report, or the failure) and its updates.
import * as vscode from 'vscode';
import type { HostToWebview, WebviewToHost } from '../../../webview/drift/protocol';
import type { DriftReport } from '../../core/drift/types';
import { webviewHtml } from '../runDetails/html';
import { Disposable } from '../util/dispose';

export class DriftPanel extends Disposable {
  private static readonly open = new Map<string, DriftPanel>();
  private ready = false;
  private state: HostToWebview = { type: 'progress', done: 0, total: 1, message: 'starting' };
  /** Called when the user asks to stop a report still being computed. */
  onCancel: (() => void) | undefined;

  /** The panel of a stored report (revealed if open), or a new one for a report being computed. */
  static show(extensionUri: vscode.Uri, title: string, key?: string): DriftPanel {
    const existing = key ? DriftPanel.open.get(key) : undefined;
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel('mlwb.driftReport', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    const created = new DriftPanel(panel, extensionUri);
    if (key) created.setKey(key);
    return created;
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super();
    const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.iconPath = new vscode.ThemeIcon('graph');
    panel.webview.html = webviewHtml(panel.webview, {
      title: panel.title,
      script: vscode.Uri.joinPath(dist, 'drift.js'),
      style: vscode.Uri.joinPath(dist, 'drift.css'),
    });
    this._register(panel.webview.onDidReceiveMessage((msg: WebviewToHost) => this.receive(msg)));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  /** Registers the panel under a stored report's id, so opening it again reveals this one. */
  setKey(key: string): void {
    DriftPanel.open.set(key, this);
    this._register({ dispose: () => DriftPanel.open.delete(key) });
  }

  progress(done: number, total: number, message: string): void {
    this.send({ type: 'progress', done, total, message });
  }

  report(report: DriftReport): void {
    this.send({ type: 'report', report });
  }

  failed(message: string): void {
    this.send({ type: 'failed', message });
  }

  private send(state: HostToWebview): void {
    // Webview messages travel as JSON: NaN and ±Infinity (a chi-square over a new category) would
    // arrive as null, so they go as strings, as in the store, and the page revives them.
    this.state = JSON.parse(JSON.stringify(state, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as HostToWebview;
    if (this.ready && !this.isDisposed) void this.panel.webview.postMessage(this.state);
  }

  private receive(msg: WebviewToHost): void {
    if (msg.type === 'ready') {
      // Also after the webview reloads: it always gets the complete state.
      this.ready = true;
      void this.panel.webview.postMessage(this.state);
    } else if (msg.type === 'cancel') this.onCancel?.();
  }

  override dispose(): void {
    this.onCancel?.();
    super.dispose();
    this.panel.dispose();
  }
}
