// Commands of the Runs view (category "ML Workbench"). From the view they get the clicked node;
// from the Command Palette they ask for a run; other extensions, keybindings and the in-host
// tests may pass a run id instead.
import * as vscode from 'vscode';
import type { FolderSession } from './folderSession';
import type { RunsNode } from './runsTree';
import { reportError } from './util/errors';
import type { Workbench } from './workbench';

type RunRef = { session: FolderSession; runId: string };

/** The commands, for the caller to own (and dispose). */
export function registerCommands(wb: Workbench): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  // Every command reports its failure the same way: a short message, details in the log.
  const register = <A extends unknown[]>(id: string, fn: (...args: A) => unknown) =>
    disposables.push(vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        await fn(...args);
      } catch (err) {
        reportError(wb.log, `${id.replace('mlwb.', '')} failed`, err);
      }
    }));

  register('mlwb.refresh', () => {
    wb.reload();
    return wb.ready;
  });

  register('mlwb.openRun', async (node?: RunsNode | string) => {
    const ref = await resolveRun(wb, node, 'Open which run?');
    // Loaded on first use: it (and node:crypto, for the CSP nonce) stays off the activation path.
    const { RunDetailsPanel } = await import('./runDetails/runDetailsPanel');
    if (ref) RunDetailsPanel.show(wb.context.extensionUri, ref.session, ref.runId, () => wb.keyMetricSetting());
  });

  // `options.force` (for callers other than the view: keybindings, tests) deletes running runs without asking.
  register('mlwb.deleteRun', async (node?: RunsNode | string, selected?: RunsNode[], options?: { force?: boolean }) => {
    const nodes = selected?.length ? selected : typeof node === 'object' ? [node] : [];
    const refs = nodes.length ? nodes.flatMap((n) => (n.type === 'run' ? [{ session: n.session, runId: n.runId }] : []))
      : [await resolveRun(wb, node, 'Delete which run?')].filter((r): r is RunRef => r !== undefined);
    if (refs.length === 0) return;
    const running = refs.filter((r) => r.session.model.get(r.runId)?.status === 'running');
    if (running.length && !options?.force) {
      if (!(await confirmDeleteRunning(running))) return;
    } else if (!(await confirmDelete(refs))) return;
    for (const ref of refs) ref.session.store.deleteRuns([ref.runId]);
    wb.log.info(`deleted ${refs.map((r) => r.runId.slice(0, 8)).join(', ')}`);
  });

  register('mlwb.copyRunId', async (node?: RunsNode | string) => {
    const ref = await resolveRun(wb, node, 'Copy the id of which run?');
    if (!ref) return;
    await vscode.env.clipboard.writeText(ref.runId);
    vscode.window.setStatusBarMessage(`Copied run id ${ref.runId}`, 3000);
  });

  register('mlwb.revealStore', async (node?: RunsNode) => {
    const session = node?.session ?? wb.allSessions[0];
    if (!session) {
      void vscode.window.showInformationMessage('ML Workbench: no run store in this workspace yet.');
      return;
    }
    const uri = vscode.Uri.file(session.storeDir);
    // The OS file manager where there is one; in a browser (code-server) the Explorer.
    await vscode.commands.executeCommand(vscode.env.uiKind === vscode.UIKind.Desktop ? 'revealFileInOS' : 'revealInExplorer', uri);
  });
  return disposables;
}

/** Asks before deleting, unless the user turned that off (`mlwb.confirmDelete`, like `explorer.confirmDelete`). */
async function confirmDelete(refs: RunRef[]): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('mlwb');
  if (!config.get<boolean>('confirmDelete', true)) return true;
  const first = refs[0].session.model.get(refs[0].runId);
  const what = refs.length === 1 ? `run "${first?.name ?? refs[0].runId}"` : `${refs.length} runs`;
  const choice = await vscode.window.showWarningMessage(`Delete ${what}? Its params, metrics, logs and artifact records are removed from the store.`,
    { modal: true }, 'Delete', "Delete, Don't Ask Again");
  if (choice === "Delete, Don't Ask Again") await config.update('confirmDelete', false, vscode.ConfigurationTarget.Global);
  return choice !== undefined;
}

/**
 * A running run is deleted only when the user says so each time, whatever `mlwb.confirmDelete`
 * says (like `mlwb runs rm --force`): its program goes on, no longer recorded.
 */
async function confirmDeleteRunning(running: RunRef[]): Promise<boolean> {
  const first = running[0].session.model.get(running[0].runId);
  const what = running.length === 1 ? `Run "${first?.name ?? running[0].runId}" is` : `${running.length} of these runs are`;
  const choice = await vscode.window.showWarningMessage(
    `${what} still running. Delete anyway? The program keeps running, but nothing more of it is recorded.`,
    { modal: true }, 'Delete Anyway');
  return choice === 'Delete Anyway';
}

async function resolveRun(wb: Workbench, node: RunsNode | string | undefined, title: string): Promise<RunRef | undefined> {
  if (typeof node === 'string') {
    const session = wb.allSessions.find((s) => s.model.get(node) !== undefined);
    if (!session) throw new Error(`no run ${node} in this workspace`);
    return { session, runId: node };
  }
  if (node?.type === 'run') return { session: node.session, runId: node.runId };
  const items = wb.allSessions.flatMap((session) => session.model.experiments().flatMap((g) => g.runs.map((run) => ({
    label: run.name,
    description: `${run.status} · ${run.experiment}`,
    detail: run.id,
    ref: { session, runId: run.id },
  }))));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no runs yet.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true }))?.ref;
}
