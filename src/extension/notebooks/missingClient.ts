// A cell whose kernel lacks the mlwb client gets an error on its failing line (`%%track`, `%load_ext
// mlwb`) naming the command that fixes it, in the cell and the Problems panel, with that command as
// its quick fix. The kernel's own text (`UsageError: Cell magic `%%track` not found.`) cannot say it.
import * as vscode from 'vscode';
import {
  type CellOutput, ENABLE_TRACKING_COMMAND, INSTALL_CLIENT_COMMAND, type MissingClientProblem, missingClientProblem, TRACK_UNKNOWN_CODE,
} from '../../core/live/missingClient';
import { Disposable } from '../util/dispose';

const ERROR_MIME = 'application/vnd.code.notebook.error';
const TEXT_MIMES = new Set(['application/vnd.code.notebook.stderr', 'application/vnd.code.notebook.stdout', 'text/plain']);
/** Errors are short; anything longer is not the one looked for (and is not worth decoding). */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** The cell's outputs as the core reads them: errors as VS Code's ipynb support stores them, text as printed. */
function cellOutputs(cell: vscode.NotebookCell): CellOutput[] {
  const decoder = new TextDecoder();
  const outputs: CellOutput[] = [];
  for (const item of cell.outputs.flatMap((o) => o.items)) {
    if (item.data.byteLength > MAX_OUTPUT_BYTES) continue;
    if (item.mime === ERROR_MIME) {
      try {
        const e = JSON.parse(decoder.decode(item.data)) as { name?: unknown; message?: unknown; stack?: unknown };
        outputs.push({ kind: 'error', name: String(e.name ?? ''), message: String(e.message ?? ''), stack: typeof e.stack === 'string' ? e.stack : undefined });
      } catch {
        outputs.push({ kind: 'text', text: decoder.decode(item.data) });
      }
    } else if (TEXT_MIMES.has(item.mime)) outputs.push({ kind: 'text', text: decoder.decode(item.data) });
  }
  return outputs;
}

export function cellMissingClient(cell: vscode.NotebookCell): MissingClientProblem | undefined {
  if (cell.kind !== vscode.NotebookCellKind.Code || cell.outputs.length === 0) return undefined;
  return missingClientProblem(cell.document.getText(), cellOutputs(cell));
}

export class MissingClientDiagnostics extends Disposable implements vscode.CodeActionProvider {
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('mlwb'));

  constructor(private readonly notebookType: string) {
    super();
    this._register(vscode.workspace.onDidOpenNotebookDocument((nb) => this.check(nb, nb.getCells())));
    this._register(vscode.workspace.onDidChangeNotebookDocument((e) => this.check(e.notebook,
      [...e.cellChanges.filter((c) => c.outputs || c.document).map((c) => c.cell), ...e.contentChanges.flatMap((c) => c.addedCells)])));
    this._register(vscode.workspace.onDidCloseNotebookDocument((nb) => {
      for (const cell of nb.getCells()) this.diagnostics.delete(cell.document.uri);
    }));
    this._register(vscode.languages.registerCodeActionsProvider({ notebookType, language: 'python' }, this,
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    for (const nb of vscode.workspace.notebookDocuments) this.check(nb, nb.getCells());
  }

  private check(notebook: vscode.NotebookDocument, cells: readonly vscode.NotebookCell[]): void {
    if (notebook.notebookType !== this.notebookType) return;
    for (const cell of cells) {
      const problem = cellMissingClient(cell);
      if (!problem) {
        this.diagnostics.delete(cell.document.uri);
        continue;
      }
      const range = new vscode.Range(problem.line, problem.start, problem.line, problem.end);
      const diagnostic = new vscode.Diagnostic(range, problem.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'ML Workbench';
      diagnostic.code = problem.code;
      this.diagnostics.set(cell.document.uri, [diagnostic]);
    }
  }

  provideCodeActions(_document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics.filter((d) => d.source === 'ML Workbench').flatMap((d) => {
      const fixes = d.code === TRACK_UNKNOWN_CODE ? [INSTALL_CLIENT_COMMAND, ENABLE_TRACKING_COMMAND] : [INSTALL_CLIENT_COMMAND];
      return fixes.map((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.command = { title: fix.title, command: fix.id };
        action.diagnostics = [d];
        action.isPreferred = i === 0;
        return action;
      });
    });
  }
}
