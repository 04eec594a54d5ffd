// Short, actionable messages: MlwbError carries a one-line message and a hint; anything else
// is unexpected and goes to the log with its stack.
import * as vscode from 'vscode';
import { MlwbError } from '../../core/errors';

export function describeError(err: unknown): string {
  if (err instanceof MlwbError) return err.hint ? `${err.message} ${err.hint}` : err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Logs `err` and tells the user, with a button to the log. */
export function reportError(log: vscode.LogOutputChannel, what: string, err: unknown): void {
  const message = `${what}: ${describeError(err)}`;
  log.error(message);
  if (!(err instanceof MlwbError) && err instanceof Error && err.stack) log.debug(err.stack);
  void vscode.window.showErrorMessage(`ML Workbench — ${message}`, 'Show Log').then((choice) => {
    if (choice) log.show(true);
  });
}
