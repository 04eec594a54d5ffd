// `mlwb drift --html FILE`: one self-contained file — the report page's bundled script and style
// inlined, the report as a JSON block — that opens in any browser without network access.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import { verdictLine, type DriftReport } from './types';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The built page (dist/webview/driftStandalone.{js,css}), next to the running bundle or in the repo. */
function bundled(ext: 'js' | 'css'): string {
  const candidates = [
    path.join(__dirname, 'webview', `driftStandalone.${ext}`),
    path.join(__dirname, '..', '..', '..', 'dist', 'webview', `driftStandalone.${ext}`),
  ];
  // The source-map comment would point at a file the report does not carry.
  for (const file of candidates) if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').replace(/\n\/[/*]# sourceMappingURL=.*$/m, '');
  throw new MlwbError('The HTML report page is not built (dist/webview/driftStandalone.js).', 'Run `node esbuild.mjs` first.');
}

/** Keeps a script or JSON block from closing its element early. */
function inScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function renderDriftHtml(report: DriftReport): string {
  const json = JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(verdictLine(report.dataset))}</title>
<style>${bundled('css').replace(/<\/style/gi, '<\\/style')}</style>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading…</p></main>
<script type="application/json" id="report-data">${json}</script>
<script>${inScript(bundled('js'))}</script>
</body>
</html>
`;
}
