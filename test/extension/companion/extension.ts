// Test-only companion extension: code-server cannot take extensionTestsPath, so this extension,
// installed next to the VSIX, runs the in-host suite on its command and writes the results as
// JSON to $MLWB_INHOST_RESULTS. It activates on that command only, not at startup, so the e2e
// test can first measure ML Workbench's activation by a click on its view in a settled window;
// extensionDependencies makes VS Code activate ML Workbench before it.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runSuite } from '../suite/runner';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('mlwbInhostTests.run', async () => {
    const resultsFile = process.env.MLWB_INHOST_RESULTS;
    const result = await runSuite(path.join(__dirname, 'suite')).catch((err: Error) => ({
      passed: 0, failed: 1, pending: 0, tests: [], failures: [{ title: 'loading the suite', message: err.message, stack: err.stack }],
    }));
    if (resultsFile) writeFileSync(resultsFile, JSON.stringify(result, null, 2));
    else void vscode.window.showInformationMessage(`In-host tests: ${result.passed} passed, ${result.failed} failed.`);
  }));
}
