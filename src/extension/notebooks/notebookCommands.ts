// "Enable Tracking in This Notebook" and "Install the mlwb Python Client". The client ships
// inside the extension (`<extension>/python`, standard library only) and installs offline. A
// PEP 668 "externally managed" interpreter (Debian's, Homebrew's) is never forced: the user is
// offered a workspace .venv or another interpreter.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pythonOrAsk, selectInterpreter, usePython } from '../python/interpreter';
import type { Workbench } from '../workbench';

const LOAD_EXT = '%load_ext mlwb';

export async function enableNotebookTracking(): Promise<void> {
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Open a notebook first: this adds "%load_ext mlwb" as its first code cell.');
    return;
  }
  const nb = editor.notebook;
  const cells = nb.getCells();
  if (cells.some((c) => c.kind === vscode.NotebookCellKind.Code && c.document.getText().split('\n').some((l) => l.trim() === LOAD_EXT))) {
    void vscode.window.showInformationMessage('Tracking is already enabled in this notebook ("%load_ext mlwb").');
    return;
  }
  const firstCode = cells.findIndex((c) => c.kind === vscode.NotebookCellKind.Code);
  const index = firstCode < 0 ? cells.length : firstCode;
  const edit = new vscode.WorkspaceEdit();
  edit.set(nb.uri, [vscode.NotebookEdit.insertCells(index, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, LOAD_EXT, 'python')])]);
  await vscode.workspace.applyEdit(edit);
  void vscode.window.showInformationMessage('Added "%load_ext mlwb". Start a cell with %%track to make its execution a run.');
}

interface PipResult {
  code: number;
  output: string;
}

function run(file: string, args: string[], cwd: string | undefined): Promise<PipResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 5 * 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((err as { code: number }).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}${err && !stderr ? err.message : ''}` });
    });
  });
}

export async function installPythonClient(wb: Workbench): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('ML Workbench installs nothing in a restricted workspace.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  const python = await pythonOrAsk(folder?.uri, wb.log);
  if (!python) return;
  const client = path.join(wb.context.extensionPath, 'python');
  const install = 'Install';
  const ok = await vscode.window.showInformationMessage(`Install the mlwb Python client into ${python.path}?`,
    { modal: true, detail: `Runs: ${python.path} -m pip install ${client}\nOffline: the client ships inside the extension and has no dependencies.` }, install);
  if (ok !== install) return;
  await pipInstall(wb, python.path, client, folder);
}

async function pipInstall(wb: Workbench, python: string, client: string, folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Installing mlwb into ${python}…` },
    () => run(python, ['-m', 'pip', 'install', '--no-index', '--no-build-isolation', client], folder?.uri.fsPath));
  wb.log.info(`install client: ${python} -m pip install ${client} → exit ${result.code}\n${result.output.trim()}`);
  if (result.code === 0) {
    void vscode.window.showInformationMessage(`The mlwb client is installed in ${python}. In a notebook: "%load_ext mlwb", then %%track.`);
    return;
  }
  if (/externally-managed-environment/.test(result.output)) return offerAlternatives(wb, python, client, folder);
  if (/No module named pip/.test(result.output)) {
    void vscode.window.showErrorMessage(`${python} has no pip. Choose another interpreter, or create a virtual environment ("python3 -m venv .venv").`);
    return;
  }
  void vscode.window.showErrorMessage(`Installing the mlwb client failed (exit ${result.code}); the output is in the ML Workbench log.`);
}

/** PEP 668: the interpreter belongs to the system. Offer what a Python user expects; never --break-system-packages. */
async function offerAlternatives(wb: Workbench, python: string, client: string, folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  const createVenv = 'Create .venv in the Workspace';
  const other = 'Choose Another Interpreter…';
  const choice = await vscode.window.showWarningMessage(
    `${python} is managed by the system (PEP 668, "externally-managed-environment"): pip may not install into it.`,
    { modal: true, detail: 'Create a virtual environment for this workspace and install the client there, or pick another interpreter.' },
    ...(folder ? [createVenv] : []), other);
  if (choice === other) {
    await selectInterpreter(folder?.uri);
    return;
  }
  if (choice !== createVenv || !folder) return;
  const venv = path.join(folder.uri.fsPath, '.venv');
  const made = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Creating .venv…' },
    () => run(python, ['-m', 'venv', venv], folder.uri.fsPath));
  wb.log.info(`install client: ${python} -m venv ${venv} → exit ${made.code}\n${made.output.trim()}`);
  if (made.code !== 0) {
    const hint = /ensurepip|python3-venv/.test(made.output) ? ' Debian needs the python3-venv package (apt install python3-venv).' : '';
    void vscode.window.showErrorMessage(`Could not create ${venv}.${hint} Details are in the ML Workbench log.`);
    return;
  }
  const venvPython = path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  await usePython(venvPython, folder.uri);
  wb.log.info(`python: selected ${venvPython} for ${folder.name}`);
  await pipInstall(wb, venvPython, client, folder);
}
