// "Compare Runs" and "Add to Compare": from the Runs view they get the clicked run and the
// selection; from the Command Palette they ask for runs; tests and other extensions may pass ids.
import * as vscode from 'vscode';
import type { FolderSession } from '../folderSession';
import type { RunsNode } from '../runsTree';
import { reportError } from '../util/errors';
import type { Workbench } from '../workbench';

type Target = RunsNode | string | string[] | undefined;

export function registerCompareCommands(wb: Workbench): vscode.Disposable[] {
  const register = (id: string, fn: (node: Target, selected?: RunsNode[]) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (node: Target, selected?: RunsNode[]) => {
      try {
        await fn(node, selected);
      } catch (err) {
        reportError(wb.log, `${id.replace('mlwb.', '')} failed`, err);
      }
    });
  return [
    register('mlwb.compareRuns', async (node, selected) => {
      const picked = await runsFor(wb, node, selected, 'Compare which runs?');
      if (!picked) return;
      const { ComparePanel } = await import('./comparePanel');
      ComparePanel.show(wb.context.extensionUri, wb, picked.session, picked.runIds, wb.log);
    }),
    register('mlwb.addToCompare', async (node, selected) => {
      const { ComparePanel } = await import('./comparePanel');
      const target = ComparePanel.active;
      const picked = await runsFor(wb, node, selected, target ? 'Add which runs to the comparison?' : 'Compare which runs?', 1, target?.runs);
      if (!picked) return;
      if (target && target.folderSession === picked.session) target.addRuns(picked.runIds);
      else ComparePanel.show(wb.context.extensionUri, wb, picked.session, picked.runIds, wb.log);
    }),
  ];
}

/**
 * The runs a command acts on: the view's selection (with the clicked run), ids, or a multi-pick.
 * Runs in `already` (those compared) do not count: selecting only them means asking.
 */
async function runsFor(wb: Workbench, node: Target, selected: RunsNode[] | undefined, title: string, atLeast = 2,
  already: readonly string[] = []): Promise<{ session: FolderSession; runIds: string[] } | undefined> {
  const ids = typeof node === 'string' ? [node] : Array.isArray(node) ? node : undefined;
  if (ids) {
    const session = wb.allSessions.find((s) => ids.every((id) => s.store.hasRun(id)));
    if (!session) throw new Error(`no folder of this workspace holds all of the runs ${ids.join(', ')}`);
    return { session, runIds: ids };
  }
  // From the view's title bar or the palette no node comes: the view's selection is what the user
  // means. So too when the clicked row was replaced by a refresh before the menu's command ran
  // (VS Code then passes no run and no selection).
  const given = selected?.length ? selected : node === undefined ? (wb.view.selection as RunsNode[]) : [];
  const nodes = [...given, ...(node && typeof node === 'object' && !Array.isArray(node) ? [node] : [])].filter((n): n is RunsNode & { type: 'run' } => n?.type === 'run');
  const unique = [...new Map(nodes.map((n) => [n.runId, n])).values()];
  if (unique.filter((n) => !already.includes(n.runId)).length >= atLeast) {
    const session = unique[0].session;
    const same = unique.filter((n) => n.session === session);
    if (same.length < unique.length) void vscode.window.showWarningMessage(`ML Workbench compares runs of one folder at a time: comparing the ${same.length} runs of ${session.folder.name}.`);
    return { session, runIds: same.map((n) => n.runId) };
  }
  const preselected = new Set(unique.map((n) => n.runId));
  const items = wb.allSessions.flatMap((session) => session.model.experiments().flatMap((g) => g.runs.map((run) => ({
    label: run.name,
    description: `${run.status} · ${run.experiment}`,
    detail: run.id,
    picked: preselected.has(run.id),
    session,
  }))));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no runs yet.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(items, { title, canPickMany: true, matchOnDescription: true, matchOnDetail: true });
  if (!chosen?.length) return undefined;
  const session = chosen[0].session;
  return { session, runIds: chosen.filter((c) => c.session === session).map((c) => c.detail) };
}
