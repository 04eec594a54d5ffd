// Whether a command typed in a terminal is a training run to track, and its argv.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPythonProgram, splitCommand } from '../capture/commandParams';
import { parseSimpleCommand } from './shellWords';
import { classifyScript, matchesAnyGlob } from './trainingScript';

export interface TerminalTrackingRules {
  /** Scripts (globs relative to the workspace folder) tracked whatever their content. */
  include: readonly string[];
  /** Scripts never tracked; wins over `include`. */
  exclude: readonly string[];
}

export type TerminalDecision =
  | { track: true; command: string[]; script: string; reason: string }
  | { track: false; reason: string };

/** Reading more than this to classify a script would stall the terminal's start event. */
const MAX_SCRIPT_BYTES = 1024 * 1024;

export async function decideTerminalCommand(
  commandLine: string, cwd: string, folder: string, rules: TerminalTrackingRules,
): Promise<TerminalDecision> {
  const parsed = parseSimpleCommand(commandLine.trim());
  if (!parsed) return { track: false, reason: 'not a simple command' };
  const { words } = parsed;
  if (!isPythonProgram(words[0])) return { track: false, reason: 'not a Python command' };
  const { script } = splitCommand(words);
  if (!script || !script.endsWith('.py')) return { track: false, reason: 'no script file (python -m / -c / REPL)' };
  const file = path.resolve(cwd, script);
  const relative = path.relative(folder, file);
  if (matchesAnyGlob(relative, rules.exclude)) return { track: false, reason: `${relative} matches mlwb.terminal.exclude` };
  if (matchesAnyGlob(relative, rules.include)) return { track: true, command: words, script: file, reason: `${relative} matches mlwb.terminal.include` };
  let source: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const buffer = Buffer.alloc(MAX_SCRIPT_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_SCRIPT_BYTES, 0);
      source = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return { track: false, reason: `cannot read ${script}` };
  }
  const verdict = classifyScript(source);
  return verdict.training
    ? { track: true, command: words, script: file, reason: verdict.reason }
    : { track: false, reason: `${relative}: ${verdict.reason}` };
}
