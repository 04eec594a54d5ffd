// A webview bundle in real Chromium under the HTML and CSP the host serves, with what VS Code
// injects (acquireVsCodeApi) replaced by a recorder the test reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type * as vscode from 'vscode';
import { webviewHtml } from '../../src/extension/runDetails/html';
import { tempDir } from './tmp';

const REPO = process.env.MLWB_REPO ?? process.cwd();
const DIST = path.join(REPO, 'dist', 'webview');

export interface WebviewPage<In, Out> {
  page: Page;
  /** Dialogs, script errors and console errors (a CSP violation is one): a test expects none. */
  problems: string[];
  /** What the page has posted to the host, in order. */
  posted(): Promise<Out[]>;
  clearPosted(): Promise<void>;
  /** A message from the host, as VS Code delivers it. */
  send(message: In): Promise<void>;
  close(): Promise<void>;
}

/** Opens `dist/webview/<bundle>.js` (and its .css) in Chromium; build first. */
export async function openWebviewPage<In, Out>(bundle: string, viewport = { width: 1200, height: 900 }): Promise<WebviewPage<In, Out>> {
  const script = path.join(DIST, `${bundle}.js`);
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: build first (node scripts/test.mjs builds)`);
  const browser: Browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'] });
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  // A string: tsx would wrap a function's inner functions in a helper the page does not have.
  await page.addInitScript(`
    window.posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => window.saved, setState: (s) => { window.saved = s; } });
  `);
  const webview = { cspSource: 'file:', asWebviewUri: (uri: { path: string }) => ({ toString: () => pathToFileURL(uri.path).toString() }) } as unknown as vscode.Webview;
  const uri = (p: string) => ({ path: p }) as unknown as vscode.Uri;
  const file = path.join(tempDir(), `${bundle}.html`);
  fs.writeFileSync(file, webviewHtml(webview, { title: bundle, script: uri(script), style: uri(path.join(DIST, `${bundle}.css`)) }));
  await page.goto(pathToFileURL(file).toString());
  return {
    page,
    problems,
    posted: () => page.evaluate(() => (globalThis as unknown as { posted: Out[] }).posted),
    clearPosted: () => page.evaluate(() => void ((globalThis as unknown as { posted: Out[] }).posted = [])),
    send: (message) => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, to: string): void }).postMessage(m, '*'), message as unknown),
    close: () => browser.close(),
  };
}
