// Saving what the Compare view exports (tables as CSV, charts as PNG) where the user chooses.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { reportError } from '../util/errors';

export async function saveExport(log: vscode.LogOutputChannel, defaultName: string, bytes: Buffer, filters: Record<string, string[]>): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters });
  if (!target) return;
  try {
    if (target.scheme === 'file') await fs.writeFile(target.fsPath, bytes);
    else await vscode.workspace.fs.writeFile(target, bytes);
    log.info(`compare: saved ${target.toString()}`);
    vscode.window.setStatusBarMessage(`Saved ${vscode.workspace.asRelativePath(target)}`, 3000);
  } catch (err) {
    reportError(log, `Could not save ${target.fsPath}`, err);
  }
}
