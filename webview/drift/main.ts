// The drift report webview: speaks the typed protocol with its host and draws what it is sent.
import './style.css';
import type { HostToWebview, WebviewToHost } from './protocol';
import { DriftReportView, reviveNumbers } from './render';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const view = new DriftReportView(document.getElementById('app') as HTMLElement, () => vscode.postMessage({ type: 'cancel' }));

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  if (msg.type === 'progress') view.showProgress(msg.done, msg.total, msg.message);
  else if (msg.type === 'report') view.render(reviveNumbers(msg.report));
  else if (msg.type === 'failed') view.showError(msg.message);
});
vscode.postMessage({ type: 'ready' });
