// A kernel whose Python lacks the mlwb client answers `%load_ext mlwb` with `ModuleNotFoundError:
// No module named 'mlwb'` and `%%track` with IPython's `UsageError: Cell magic `%%track` not
// found.` — neither says what to do. The editor reads the cell's outputs and puts an error on the
// failing line that names the command that fixes it (as a diagnostic with a quick fix, and in the
// cell's status item).

/** The command that fixes it; its title must stay the one package.json contributes. */
export const INSTALL_CLIENT_COMMAND = { id: 'mlwb.installPythonClient', title: 'Install the mlwb Python Client' } as const;
export const ENABLE_TRACKING_COMMAND = { id: 'mlwb.enableNotebookTracking', title: 'Enable Tracking in This Notebook' } as const;
export const MISSING_CLIENT_CODE = 'mlwb.missingClient';
/** `%%track` unknown: the client is missing, or it was never loaded (no `%load_ext mlwb` before). */
export const TRACK_UNKNOWN_CODE = 'mlwb.trackUnknown';

/** One output of a cell as the notebook holds it: an error (name, message, traceback) or printed text. */
export type CellOutput =
  | { kind: 'error'; name: string; message: string; stack?: string }
  | { kind: 'text'; text: string };

export interface MissingClientProblem {
  /** Zero-based line of the cell the error is about, and the columns of what failed on it. */
  line: number;
  start: number;
  end: number;
  message: string;
  code: typeof MISSING_CLIENT_CODE | typeof TRACK_UNKNOWN_CODE;
}

const NO_MODULE = /No module named '?mlwb(?:\.[\w.]*)?'?/;
const NO_MAGIC = /UsageError: Cell magic `%%track` not found/;
const LOAD_LINE = /^\s*(?:%load_ext\s+mlwb\b|import\s+mlwb\b|from\s+mlwb\b)/;

const INSTALL = `run "ML Workbench: ${INSTALL_CLIENT_COMMAND.title}" (Command Palette or this error's quick fix), then restart the kernel`;

/** The problem a cell's outputs show when its kernel lacks the client; undefined when they do not. */
export function missingClientProblem(cellText: string, outputs: readonly CellOutput[]): MissingClientProblem | undefined {
  const lines = cellText.split('\n');
  const noModule = outputs.some((o) => (o.kind === 'error' ? o.name === 'ModuleNotFoundError' && NO_MODULE.test(o.message) : NO_MODULE.test(o.text)));
  const noMagic = outputs.some((o) => NO_MAGIC.test(o.kind === 'error' ? `${o.name}: ${o.message}` : o.text));
  if (noMagic) {
    const line = Math.max(0, lines.findIndex((l) => l.trimStart().startsWith('%%track')));
    return at(lines, line, '%%track', TRACK_UNKNOWN_CODE,
      `%%track is unknown to this kernel: the mlwb client is not loaded. If the kernel's Python lacks it, ${INSTALL}; `
      + `then run "%load_ext mlwb" before this cell ("${ENABLE_TRACKING_COMMAND.title}" adds it).`);
  }
  if (noModule) {
    const found = lines.findIndex((l) => LOAD_LINE.test(l));
    const line = found < 0 ? 0 : found;
    return at(lines, line, 'mlwb', MISSING_CLIENT_CODE, `This kernel's Python does not have the mlwb client: ${INSTALL}.`);
  }
  return undefined;
}

function at(lines: string[], line: number, word: string, code: MissingClientProblem['code'], message: string): MissingClientProblem {
  const text = lines[line] ?? '';
  const index = text.indexOf(word);
  return index < 0
    ? { line, start: 0, end: text.length, message, code }
    : { line, start: index, end: index + word.length, message, code };
}
