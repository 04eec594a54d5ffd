// Where users start runs from the editor: the CodeLens on training scripts, the status of
// `%%track` cells, and their commands. Loaded after activation, with the folder sessions.
import * as vscode from 'vscode';
import { runAndTrack, runWithParameters } from './codelens/runScript';
import { TrainingScriptLens } from './codelens/trainingScriptLens';
import { TrackedCellStatus } from './notebooks/cellStatus';
import { enableNotebookTracking, installPythonClient } from './notebooks/notebookCommands';
import { selectInterpreter } from './python/interpreter';
import { Disposable } from './util/dispose';
import { WalkthroughProgress } from './walkthroughProgress';
import { reportError } from './util/errors';
import type { Workbench } from './workbench';

export class EditorEntryPoints extends Disposable {
  constructor(wb: Workbench) {
    super();
    this._register(new TrainingScriptLens(wb));
    this._register(new TrackedCellStatus(wb));
    this._register(new WalkthroughProgress(wb));
    const register = (id: string, fn: (...args: never[]) => Promise<void>) => this._register(vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await fn(...args);
      } catch (err) {
        reportError(wb.log, `${id.replace('mlwb.', '')} failed`, err);
      }
    }));
    const scriptOf = (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target || !target.fsPath.endsWith('.py')) throw new Error('open a Python script first');
      return target;
    };
    register('mlwb.runAndTrack', (uri?: vscode.Uri, args?: string[]) => runAndTrack(wb, scriptOf(uri), args));
    register('mlwb.runWithParameters', (uri?: vscode.Uri) => runWithParameters(wb, scriptOf(uri)));
    register('mlwb.enableNotebookTracking', () => enableNotebookTracking());
    register('mlwb.installPythonClient', () => installPythonClient(wb));
    wb.log.info('editor: CodeLens on training scripts, %%track cell status and their commands registered');
    register('mlwb.selectPython', () => selectInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri));
  }
}
