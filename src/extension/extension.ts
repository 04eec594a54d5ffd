// Entry point. Activation stays cheap: it creates the log, the view and the commands; the store
// (better-sqlite3), the endpoint and terminal tracking load right after, off the activation path.
import * as vscode from 'vscode';
import type { MlwbApi } from './api';
import { reportError } from './util/errors';
import { Workbench } from './workbench';

export function activate(context: vscode.ExtensionContext): MlwbApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('ML Workbench', { log: true });
  context.subscriptions.push(log);
  try {
    const workbench = new Workbench(context, log);
    context.subscriptions.push(workbench);
    const activationMs = performance.now() - started;
    log.info(`activated in ${activationMs.toFixed(1)} ms (${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace)`);
    void workbench.ready.then(() => log.info(`stores ready ${(performance.now() - started).toFixed(0)} ms after activation began`));
    return {
      activationMs,
      ready: () => workbench.ready,
      folders: () => workbench.allSessions.map((s) => ({
        folder: s.folder.uri.fsPath,
        storeDir: s.storeDir,
        endpointUrl: s.endpointUrl,
        runIds: s.model.experiments().flatMap((g) => g.runs.map((r) => r.id)),
      })),
      resolvePython: async () => (await import('./python/interpreter')).resolvePython(vscode.workspace.workspaceFolders?.[0]?.uri, log),
    };
  } catch (err) {
    reportError(log, 'Activation failed', err);
    return undefined;
  }
}

export function deactivate(): void {
  // context.subscriptions disposes the workbench: endpoints close, terminal runs end as killed.
}
