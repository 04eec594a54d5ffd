// The webview's HTML: a strict Content-Security-Policy with a fresh nonce, local resources only,
// and no data in the markup (data arrives as messages and is rendered with textContent).
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function webviewHtml(webview: vscode.Webview, opts: { title: string; script: vscode.Uri; style: vscode.Uri }): string {
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const a = (v: string) => escapeHtml(v);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${a(nonce)}" href="${a(webview.asWebviewUri(opts.style).toString())}">
<title>${a(opts.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading…</p></main>
<script nonce="${a(nonce)}" src="${a(webview.asWebviewUri(opts.script).toString())}"></script>
</body>
</html>`;
}
