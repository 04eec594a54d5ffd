// Which stored runs belong to an editor's script or notebook cell: what the CodeLens above a
// training script and the status item of a `%%track` cell show.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { splitCommand } from '../capture/commandParams';
import type { RunRecord } from '../store/types';
import { MERGED_INTO_TAG } from './mergeRuns';

/** The script file a run ran (`python train.py`, `torchrun … train.py`, `./train.py`), absolute; null for modules and notebooks. */
export function runScriptFile(run: Pick<RunRecord, 'command' | 'cwd' | 'source'>): string | null {
  if (run.source === 'notebook' || !run.command?.length || !run.cwd) return null;
  const { script } = splitCommand(run.command);
  return script && script.endsWith('.py') ? path.resolve(run.cwd, script) : null;
}

/** The runs of one script, newest first (a terminal run merged into its client run counts once). */
export function runsOfScript(runs: Iterable<RunRecord>, scriptFile: string): RunRecord[] {
  const target = path.resolve(scriptFile);
  return [...runs]
    .filter((r) => !(MERGED_INTO_TAG in r.tags) && runScriptFile(r) === target)
    .sort((a, b) => b.startTime.localeCompare(a.startTime) || b.id.localeCompare(a.id));
}

/** Tags `%%track` records (python/mlwb/magic.py). */
export const CELL_TAGS = {
  notebook: 'mlwb.notebook',
  sha256: 'mlwb.cell_sha256',
  executionCount: 'mlwb.execution_count',
} as const;

export interface NotebookCellRef {
  /** The notebook's file path. */
  notebook: string;
  /** The cell's text as the editor holds it. */
  text: string;
  /** The execution count the notebook shows for the cell, when it ran. */
  executionCount?: number;
}

export interface CellRunMatch {
  run: RunRecord;
  /** False when the cell was edited since: the run is of an earlier version of it. */
  current: boolean;
}

export function cellSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The run of a notebook cell: the newest run of this notebook whose recorded cell hash is the
 * cell's text now; else, for a cell edited since it ran, the run recorded with the execution count
 * the notebook still shows for it.
 */
export function matchCellRun(runs: Iterable<RunRecord>, cell: NotebookCellRef): CellRunMatch | undefined {
  const hash = cellSha256(cell.text);
  const ofNotebook = [...runs]
    .filter((r) => r.source === 'notebook' && sameNotebook(r.tags[CELL_TAGS.notebook], cell.notebook))
    .sort((a, b) => b.startTime.localeCompare(a.startTime) || b.id.localeCompare(a.id));
  const exact = ofNotebook.find((r) => r.tags[CELL_TAGS.sha256] === hash);
  if (exact) return { run: exact, current: true };
  if (cell.executionCount === undefined) return undefined;
  const earlier = ofNotebook.find((r) => r.tags[CELL_TAGS.executionCount] === String(cell.executionCount));
  return earlier ? { run: earlier, current: false } : undefined;
}

/** Kernels report the notebook as a full path (VS Code) or as a path relative to the server root (Jupyter). */
function sameNotebook(recorded: string | undefined, notebook: string): boolean {
  if (!recorded) return false;
  if (path.isAbsolute(recorded)) return path.resolve(recorded) === path.resolve(notebook);
  const rel = recorded.split(/[\\/]/).join(path.sep);
  return path.resolve(notebook).endsWith(path.sep + rel) || path.basename(notebook) === rel;
}
