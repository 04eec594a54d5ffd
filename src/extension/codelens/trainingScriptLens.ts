// The CodeLens above a training script's `if __name__ == "__main__":` (or its first line):
// `▶ Run & Track | Run with Parameters… | last: val_accuracy 0.8824 · 3 min ago`. It refreshes
// when a run of a script it is shown on changes, not on every write to the store.
import * as vscode from 'vscode';
import { classifyScript } from '../../core/detect/trainingScript';
import { lastResultTitle } from '../../core/live/lastResult';
import { runScriptFile, runsOfScript } from '../../core/live/scriptRuns';
import { Disposable } from '../util/dispose';
import type { RunsUpdate, Workbench } from '../workbench';

/** Registered by the compare view (another feature); the lens appears only when it exists. */
const COMPARE_COMMAND = 'mlwb.compareRuns';

export class TrainingScriptLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Scripts that show lenses now: a run of one of them changing refreshes the lenses. */
  private readonly shown = new Set<string>();

  constructor(private readonly wb: Workbench) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, this));
    this._register(wb.onDidUpdateRuns((u) => this.onRunsUpdate(u)));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlwb.codeLens.enabled') || e.affectsConfiguration('mlwb.keyMetric')) this.changed.fire();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.shown.delete(d.uri.fsPath)));
  }

  private onRunsUpdate({ update }: RunsUpdate): void {
    // Runs appearing or going can give any open script its first lens; a run changing, only its own script's.
    if (update.structure || update.changed.some((r) => this.shown.has(runScriptFile(r) ?? ''))) this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const file = document.uri.fsPath;
    if (!vscode.workspace.getConfiguration('mlwb', document.uri).get<boolean>('codeLens.enabled', true)) {
      this.shown.delete(file);
      return [];
    }
    const verdict = classifyScript(document.getText());
    const session = this.wb.sessionFor(file);
    const runs = session ? runsOfScript(session.model.experiments().flatMap((g) => g.runs), file) : [];
    if (!verdict.training && runs.length === 0) {
      this.shown.delete(file);
      return [];
    }
    this.shown.add(file);
    this.wb.log.trace(`codelens: ${file}: ${verdict.reason}; ${runs.length} run(s)`);
    const line = verdict.guardLine ?? 0;
    const range = new vscode.Range(line, 0, line, 0);
    const lenses: vscode.CodeLens[] = [];
    // A restricted workspace shows what ran, and runs nothing.
    if (vscode.workspace.isTrusted && verdict.training) {
      lenses.push(new vscode.CodeLens(range, { title: '▶ Run & Track', command: 'mlwb.runAndTrack', arguments: [document.uri],
        tooltip: 'Run this script in a terminal with the selected Python; the run appears in the Runs view' }));
      lenses.push(new vscode.CodeLens(range, { title: 'Run with Parameters…', command: 'mlwb.runWithParameters', arguments: [document.uri],
        tooltip: 'Set the script\'s argparse parameters, then run and track it' }));
    }
    if (runs[0]) lenses.push(new vscode.CodeLens(range, { title: lastResultTitle(runs[0], this.wb.keyMetricSetting()), command: 'mlwb.openRun', arguments: [runs[0].id],
      tooltip: `Open run "${runs[0].name}"` }));
    if (runs.length >= 2 && (await vscode.commands.getCommands(true)).includes(COMPARE_COMMAND)) {
      const ids = runs.slice(0, 5).map((r) => r.id);
      lenses.push(new vscode.CodeLens(range, { title: 'Compare last runs', command: COMPARE_COMMAND, arguments: [ids],
        tooltip: `Compare the last ${ids.length} runs of this script` }));
    }
    return lenses;
  }
}
