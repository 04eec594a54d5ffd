// The Getting Started walkthrough's steps complete on the real event — a run appearing from the
// lens, the terminal, a notebook — not on a click: context keys set here as such runs show up.
import * as vscode from 'vscode';
import { Disposable } from './util/dispose';
import type { Workbench } from './workbench';

/** Tag the terminal tracker puts on runs of terminals opened by Run & Track. */
export const STARTED_FROM_TAG = 'mlwb.started_from';

const KEYS = {
  lens: 'mlwb.walkthrough.lensRun',
  terminal: 'mlwb.walkthrough.terminalRun',
  notebook: 'mlwb.walkthrough.notebookRun',
} as const;

export class WalkthroughProgress extends Disposable {
  private readonly done = new Set<keyof typeof KEYS>();

  constructor(private readonly wb: Workbench) {
    super();
    this._register(wb.onDidUpdateRuns(() => this.check()));
    this.check();
  }

  private check(): void {
    if (this.done.size === 3) return;
    for (const session of this.wb.allSessions) {
      for (const group of session.model.experiments()) {
        for (const run of group.runs) {
          const kind = run.source === 'notebook' ? 'notebook'
            : run.source === 'terminal' ? (run.tags[STARTED_FROM_TAG] === 'codelens' ? 'lens' : 'terminal') : undefined;
          if (!kind || this.done.has(kind)) continue;
          this.done.add(kind);
          void vscode.commands.executeCommand('setContext', KEYS[kind], true);
        }
      }
    }
  }
}
