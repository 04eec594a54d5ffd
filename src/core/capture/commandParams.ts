import * as path from 'node:path';
import type { ParamValue } from '../store/types';

/** A command line split into what runs (interpreter, script or module) and the script's own arguments. */
export interface CommandParts {
  /** The script path as given (`train.py`), the module (`-m pkg.train` → `pkg.train`), or null. */
  script: string | null;
  /** The arguments that belong to the script, not to the interpreter. */
  scriptArgs: string[];
}

const PYTHON = /^python[\d.]*(\.exe)?$/i;

/** `python`, `python3`, `/usr/bin/python3.11`, `python.exe`: a Python interpreter by its name. */
export function isPythonProgram(program: string): boolean {
  return PYTHON.test(path.basename(program));
}
/** Python options that consume the next argument (`-W ignore`, `-X dev`). */
const PYTHON_OPTIONS_WITH_VALUE = new Set(['-W', '-X', '--check-hash-based-pycs']);

export function splitCommand(command: readonly string[]): CommandParts {
  const [program = '', ...rest] = command;
  if (isPythonProgram(program)) {
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (a === '-m') return { script: rest[i + 1] ?? null, scriptArgs: rest.slice(i + 2) };
      if (a === '-c') return { script: null, scriptArgs: rest.slice(i + 2) };
      if (PYTHON_OPTIONS_WITH_VALUE.has(a)) i++;
      else if (!a.startsWith('-') || a === '-') return { script: a, scriptArgs: rest.slice(i + 1) };
    }
    return { script: null, scriptArgs: [] };
  }
  // Launchers (`uv run`, `torchrun --nproc 2`, `accelerate launch`): the first `.py` argument is the script.
  const py = command.findIndex((a) => a.endsWith('.py'));
  if (py >= 0) return { script: command[py], scriptArgs: command.slice(py + 1) };
  return { script: null, scriptArgs: command.slice(1) };
}

/**
 * Parameters a command line sets: `--lr 0.1`, `--lr=0.1`, `-e 3`, flags (`--amp` → true) and
 * Hydra-style overrides (`optimizer.lr=0.1`, `+x=1`). Plain positional arguments are not
 * parameters. A key given twice keeps its last value, as argparse does.
 */
export function parseCommandParams(command: readonly string[]): Record<string, ParamValue> {
  const args = splitCommand(command).scriptArgs;
  const params: Record<string, ParamValue> = {};
  let positionalOnly = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionalOnly = true;
      continue;
    }
    const option = positionalOnly ? null : /^--?([A-Za-z_][\w.-]*)(?:=(.*))?$/s.exec(a);
    if (option) {
      const [, key, inline] = option;
      if (inline !== undefined) params[key] = typedValue(inline);
      else if (i + 1 < args.length && isValue(args[i + 1])) params[key] = typedValue(args[++i]);
      else params[key] = true;
      continue;
    }
    const override = /^\+{0,2}([A-Za-z_][\w.\-/]*)=(.*)$/s.exec(a);
    if (override) params[override[1]] = typedValue(override[2]);
  }
  return params;
}

/** The next argument is an option's value unless it is itself an option (negative numbers are values). */
function isValue(next: string): boolean {
  return next !== '--' && (!next.startsWith('-') || NUMBER.test(next));
}

/** Decimal numbers as a person writes them. `001` or `0x10` stay strings: they are usually ids, not quantities. */
const NUMBER = /^[+-]?(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+(?:[eE][+-]?\d+)?$/;

export function typedValue(text: string): ParamValue {
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

/** The experiment a command belongs to when none is named: its script (relative to `cwd`), module, or program. */
export function defaultExperiment(command: readonly string[], cwd: string): string {
  const { script } = splitCommand(command);
  if (script && script.endsWith('.py')) {
    const relative = path.relative(cwd, path.resolve(cwd, script));
    return (relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(cwd, script) : relative).split(path.sep).join('/');
  }
  if (script) return script;
  return command.length ? path.basename(command[0]) : 'default';
}

const MAX_NAME_PARAMS_CHARS = 60;

/** A readable run name: the script's stem and the parameters it was given (`train lr=0.1 epochs=3`). */
export function defaultRunName(command: readonly string[], params: Record<string, ParamValue>, now = new Date()): string {
  const { script } = splitCommand(command);
  let stem = path.basename(command[0] ?? 'run');
  if (script) stem = script.endsWith('.py') ? path.basename(script, '.py') : script.split('.').pop()!;
  let shown = '';
  for (const [k, v] of Object.entries(params)) {
    const next = `${shown} ${k}=${v}`;
    if (next.length > MAX_NAME_PARAMS_CHARS) {
      shown += ' …';
      break;
    }
    shown = next;
  }
  // Without parameters, the time tells runs of the same script apart.
  return shown ? stem + shown : `${stem} ${now.toTimeString().slice(0, 8)}`;
}
