// The one build configuration: bundles the CLI, the extension and the webviews.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native and heavy modules stay outside the bundles: they load from node_modules at run time.
const nodeExternals = ['better-sqlite3', 'onnxruntime-node', 'vscode'];

function inHostTestEntries() {
  const suite = 'test/extension/suite';
  const entries = { 'test/suite/index': `${suite}/index.ts`, 'test/companion/extension': 'test/extension/companion/extension.ts' };
  for (const f of readdirSync(suite).filter((n) => n.endsWith('.test.ts'))) entries[`test/suite/${f.replace(/\.ts$/, '')}`] = `${suite}/${f}`;
  return entries;
}

const targets = [
  { entryPoints: { cli: 'src/cli/main.ts' }, platform: 'node', format: 'cjs', external: nodeExternals },
  { entryPoints: { extension: 'src/extension/extension.ts' }, platform: 'node', format: 'cjs', external: nodeExternals },
  // The inference process (onnxruntime's native code runs there, not in the CLI or extension host).
  { entryPoints: { inferenceWorker: 'src/core/inference/worker/main.ts' }, platform: 'node', format: 'cjs', external: nodeExternals },
  // Worker threads of the drift report (loaded by path from the CLI and the extension bundles).
  { entryPoints: { driftWorker: 'src/core/drift/driftWorker.ts', driftReportWorker: 'src/core/drift/reportWorker.ts' }, platform: 'node', format: 'cjs', external: nodeExternals },
  // Webviews: one browser bundle (and its CSS) per view, loaded under a nonce CSP.
  { entryPoints: { 'webview/runDetails': 'webview/runDetails/main.ts' }, platform: 'browser', format: 'iife', external: [] },
  { entryPoints: { 'webview/model': 'webview/model/main.ts' }, platform: 'browser', format: 'iife', external: [] },
  // The drift report: the webview, and the same page for the self-contained HTML file.
  { entryPoints: { 'webview/drift': 'webview/drift/main.ts', 'webview/driftStandalone': 'webview/drift/standalone.ts' }, platform: 'browser', format: 'iife', external: [] },
  { entryPoints: { 'webview/compare': 'webview/compare/main.ts' }, platform: 'browser', format: 'iife', external: [] },
  // The in-host test suite (mocha bundled in: the companion extension has no node_modules) and
  // its code-server companion; neither goes into the VSIX (.vscodeignore).
  // Mocha's parallel mode (unused here) resolves worker files by path: silence esbuild about them.
  { entryPoints: inHostTestEntries(), platform: 'node', format: 'cjs', external: ['vscode'], logOverride: { 'require-resolve-not-external': 'silent' } },
].filter((t) => Object.values(t.entryPoints).every((p) => existsSync(p)));

const contexts = await Promise.all(
  targets.map((t) =>
    esbuild.context({
      ...t,
      bundle: true,
      outdir: 'dist',
      target: 'node22',
      sourcemap: !production,
      minify: production,
      define: { __MLWB_VERSION__: JSON.stringify(pkg.version) },
      logLevel: 'warning',
    }),
  ),
);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
