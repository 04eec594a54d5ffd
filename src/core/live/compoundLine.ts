// A command line with several Python programs (`python prep.py && python train.py`) is one shell
// execution with one exit code. Which program a start mark belongs to, and how each program ended,
// follow from the marks, the list's operators and the line's exit code.
import * as path from 'node:path';
import type { ListOperator } from '../detect/shellWords';
import type { RunStatus } from '../store/types';

/** 130 (Ctrl-C), 137 (SIGKILL) and 143 (SIGTERM) are a user stopping the run, not a failure. */
export function statusOfExit(exitCode: number | undefined): RunStatus {
  if (exitCode === undefined || exitCode === 0) return 'finished';
  if (exitCode === 130 || exitCode === 137 || exitCode === 143) return 'killed';
  return 'failed';
}

export interface LineProgram {
  /** The words the line gave it (`python a.py --lr 1`, `uv run train.py`, `./train.py`). */
  command: readonly string[];
  /** The script it runs, absolute, when known. */
  script: string | null;
}

/**
 * Whether a program's start mark (its `sys.orig_argv`) is this program of the line: the mark
 * ends with the line's arguments (`python a.py --lr 1` → `[/usr/bin/python3, a.py, --lr, 1]`,
 * `./train.py` → `[python3, ./train.py]`), or names its script (`uv run train.py`).
 */
export function markIsProgram(program: LineProgram, argv: readonly string[]): boolean {
  const args = program.command.slice(1);
  if (args.length && argv.length >= args.length && args.every((a, i) => argv[argv.length - args.length + i] === a)) return true;
  if (!program.script) return false;
  const base = path.basename(program.script);
  return argv.slice(1).some((a) => a === program.script || path.basename(a) === base);
}

export interface ProgramEnd {
  status: RunStatus;
  exitCode: number | null;
}

/** A Python traceback at the end of a program's output: it died of an uncaught exception. */
export function endsWithTraceback(tail: string): boolean {
  const at = tail.lastIndexOf('Traceback (most recent call last):');
  return at >= 0 && /^\w*(?:Error|Exception|Interrupt|Exit)\b.*$/m.test(tail.slice(at));
}

/**
 * How a program at `position` of a list ended. `nextStarted`: the position of the next Python
 * program that started after it, if any. `lineExit`: the shell's exit code for the whole line.
 */
export function programEnd(
  operators: readonly (ListOperator | undefined)[], position: number, nextStarted: number | undefined,
  lineExit: number | undefined, tail: string,
): ProgramEnd {
  const guessed: ProgramEnd = endsWithTraceback(tail) ? { status: 'failed', exitCode: null } : { status: 'finished', exitCode: null };
  const between = (to: number) => operators.slice(position + 1, to + 1);
  if (nextStarted !== undefined) {
    // `a && b`: b ran only because a exited 0. `a || b`: only because a failed.
    const ops = between(nextStarted);
    if (ops.every((op) => op === '&&')) return { status: 'finished', exitCode: 0 };
    if (ops[0] === '||') return { status: 'failed', exitCode: null };
    return guessed;
  }
  if (lineExit === undefined) return guessed;
  // The last program to run: Ctrl-C stops the line where it is.
  if (statusOfExit(lineExit) === 'killed') return { status: 'killed', exitCode: lineExit };
  const after = operators.slice(position + 1);
  // Last in the line, or followed only by `&& …`: the line's exit code is its own (or 0 when all that followed succeeded).
  if (after.every((op) => op === '&&')) return { status: statusOfExit(lineExit), exitCode: lineExit };
  return guessed;
}
