// `npm run test:electron [-- --vscode <version>]`: the in-host suite (test/extension/suite) in
// VS Code desktop through @vscode/test-electron, on a machine that can download VS Code (from
// update.code.visualstudio.com, cached in .vscode-test/). Linux x64 only, like the VSIX. Without
// a display, run it under xvfb-run.
//
// The extension under test is the VSIX stage (.cache/vsix-stage): the production bundle with the
// same Node-API binaries that code-server loads.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { packageExtension } from './package';
import { REPO, vsixStage } from './lib/paths';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--vscode');
  const vscodeExecutablePath = await downloadAndUnzipVSCode(i > 0 ? process.argv[i + 1] : 'stable');
  await packageExtension();
  // The suite goes inside the extension's folder, so its `vscode` imports resolve to that extension.
  const suite = path.join(vsixStage, 'dist', 'test', 'suite');
  cpSync(path.join(REPO, 'dist', 'test', 'suite'), suite, { recursive: true });
  // A fresh, empty, trusted workspace: the suite expects the extension to create its store there.
  const workspace = mkdtempSync(path.join(tmpdir(), 'mlwb-electron-'));
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: vsixStage,
      extensionTestsPath: path.join(suite, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`test:electron: ${(err as Error).message}`);
  process.exit(1);
});
