import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { webviewHtml } from '../../../src/extension/runDetails/html';

// What html.ts uses of a webview: its CSP source and the URI mapping.
const webview = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  asWebviewUri: (uri: { path: string }) => ({ toString: () => `https://file+.vscode-resource.vscode-cdn.net${uri.path}` }),
} as unknown as vscode.Webview;
const uri = (path: string) => ({ path }) as unknown as vscode.Uri;

describe('run details webview HTML', () => {
  const hostile = `</title><script>alert("x")</script>"'&`;
  const html = webviewHtml(webview, { title: hostile, script: uri('/dist/webview/runDetails.js'), style: uri('/dist/webview/runDetails.css') });

  it('escapes the run name instead of inserting markup', () => {
    assert.ok(!html.includes('<script>alert'), 'no injected script element');
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&quot;&#39;&amp;<\/title>/);
  });

  it('allows only its own nonce-tagged script and local resources', () => {
    // The attribute is HTML-escaped; the browser reads it decoded.
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1].replace(/&#39;/g, "'");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    assert.match(csp, /^default-src 'none';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0].includes(`nonce="${nonce}"`));
    const again = webviewHtml(webview, { title: 't', script: uri('/a.js'), style: uri('/a.css') });
    assert.notEqual(/nonce="([^"]+)"/.exec(again)![1], nonce, 'a fresh nonce each time');
  });
});
