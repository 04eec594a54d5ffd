// Whether a command typed in a terminal is a training run to track, and its argv. A command line
// may be a list (`cd exp && python train.py`); each simple command in it is looked at, launchers
// (`torchrun`, `accelerate launch`, `uv run`, `poetry run`) are seen through, and `python -m
// pkg.train` is resolved to its file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isPythonProgram } from '../capture/commandParams';
import { type ListOperator, parseCommandList } from './shellWords';
import { classifyScript, matchesAnyGlob } from './trainingScript';

export interface TerminalTrackingRules {
  /** Scripts (globs relative to the workspace folder) tracked whatever their content. */
  include: readonly string[];
  /** Scripts never tracked; wins over `include`. */
  exclude: readonly string[];
}

/**
 * `true`: a run from the start. `'tentative'`: a Python program the rule does not know as
 * training; it becomes a run only if its output turns out to carry metrics (or it uses the client).
 */
export type TerminalDecision =
  | { track: true | 'tentative'; command: string[]; cwd: string; script: string | null; reason: string }
  | { track: false; reason: string };

/** Reading more than this to classify a script would stall the terminal's start event. */
const MAX_SCRIPT_BYTES = 1024 * 1024;

/** Wrappers that run the rest of the line as it is. */
const PASS_THROUGH = new Set(['time', 'nohup', 'exec', 'command', 'nice', 'stdbuf']);
/** `<tool> run …` launchers, with their options that take a value. */
const RUNNERS: Record<string, Set<string>> = {
  uv: new Set(['--with', '--python', '-p', '--project', '--directory', '--extra', '--group', '--env-file', '--index', '--package', '--with-requirements']),
  poetry: new Set(['-C', '--directory', '-P', '--project']),
  pipenv: new Set([]),
  pdm: new Set(['-p', '--project']),
  hatch: new Set(['-e', '--env']),
  conda: new Set(['-n', '--name', '-p', '--prefix']),
  mamba: new Set(['-n', '--name', '-p', '--prefix']),
};
/** Distributed launchers: the script is their first `.py` argument. */
const SCRIPT_LAUNCHERS = new Set(['torchrun', 'deepspeed', 'accelerate', 'horovodrun', 'mpirun', 'srun']);
/** `python -m` modules that launch a script given to them. */
const MODULE_LAUNCHERS = new Set(['torch.distributed.run', 'torch.distributed.launch', 'accelerate.commands.launch']);

/** What one simple command runs, seen through wrappers and launchers. */
type Program =
  | { kind: 'file'; file: string; via: string }
  | { kind: 'module'; module: string }
  | { kind: 'python-code' }
  | { kind: 'repl' }
  | { kind: 'other' };

/** One Python program of a command line, and how it is tracked. */
export interface ProgramDecision {
  track: true | 'tentative';
  command: string[];
  cwd: string;
  script: string | null;
  reason: string;
  /** Its index among the line's simple commands (`cd`, `echo` included). */
  position: number;
}

/** Every Python program of a line (`python a.py && python b.py` has two), each with its decision. */
export interface LineDecision {
  programs: ProgramDecision[];
  /** How each simple command is joined to the one before it (undefined for the first). */
  operators: (ListOperator | undefined)[];
  /** The program that is the line's one run when its output cannot be split: the first training one, else the first. */
  primary: number | undefined;
  /** Why nothing is tracked, when `programs` is empty. */
  reason: string;
}

/** The line's one run (`decideTerminalLine`'s primary program). */
export async function decideTerminalCommand(
  commandLine: string, cwd: string, folder: string, rules: TerminalTrackingRules,
): Promise<TerminalDecision> {
  const line = await decideTerminalLine(commandLine, cwd, folder, rules);
  if (line.primary === undefined) return { track: false, reason: line.reason };
  const { track, command, cwd: here, script, reason } = line.programs[line.primary];
  return { track, command, cwd: here, script, reason };
}

export async function decideTerminalLine(
  commandLine: string, cwd: string, folder: string, rules: TerminalTrackingRules,
): Promise<LineDecision> {
  const list = parseCommandList(commandLine.trim());
  if (!list) return { programs: [], operators: [], primary: undefined, reason: 'not readable without a shell (substitution, subshell or open quote)' };
  const notes: string[] = [];
  const programs: ProgramDecision[] = [];
  let here = cwd;
  for (const [position, { words }] of list.entries()) {
    if (words[0] === 'cd') {
      if (words.length === 2 && !words[1].startsWith('-') && !words[1].startsWith('~')) here = path.resolve(here, words[1]);
      continue;
    }
    const program = await whatRuns(words, here);
    if (program.kind === 'other') continue;
    if (program.kind === 'repl') {
      notes.push('an interactive Python is not a run');
      continue;
    }
    const shown = words.join(' ');
    let file: string | null = null;
    let why = program.kind === 'python-code' ? 'python -c' : '';
    if (program.kind === 'file') file = program.file;
    if (program.kind === 'module') {
      file = await resolveModule(program.module, here, folder);
      if (!file) why = `module ${program.module} is not a file in the workspace`;
    }
    const decided = (track: true | 'tentative', reason: string) => programs.push({ track, command: words, cwd: here, script: file, reason, position });
    if (file) {
      const relative = path.relative(folder, file).split(path.sep).join('/');
      if (matchesAnyGlob(relative, rules.exclude)) {
        notes.push(`${relative} matches mlwb.terminal.exclude`);
        continue;
      }
      if (matchesAnyGlob(relative, rules.include)) {
        decided(true, `${relative} matches mlwb.terminal.include`);
        continue;
      }
      const source = await readHead(file);
      if (source === undefined) why = `cannot read ${relative}`;
      else {
        const verdict = classifyScript(source);
        const via = program.kind === 'file' ? program.via : program.kind === 'module' ? `python -m ${program.module}` : 'python';
        if (verdict.training) {
          decided(true, `${relative} (${via}): ${verdict.reason}`);
          continue;
        }
        why = `${relative}: ${verdict.reason}`;
      }
    }
    decided('tentative', `"${shown}" is Python but not a known training script (${why}): held until it prints metrics`);
    notes.push(why);
  }
  const training = programs.findIndex((p) => p.track === true);
  const primary = training >= 0 ? training : programs.length ? 0 : undefined;
  return {
    programs,
    operators: list.map((c) => c.after),
    primary,
    reason: notes.length ? notes.join('; ') : 'not a Python command',
  };
}

/** Sees through `env X=1`, `time`, `uv run`, `torchrun …`, `python -m torch.distributed.run`. */
async function whatRuns(argv: string[], cwd: string): Promise<Program> {
  let words = argv;
  for (let guard = 0; guard < 8 && words.length; guard++) {
    const [first, ...rest] = words;
    const name = path.basename(first);
    if (PASS_THROUGH.has(name) || name === 'env') {
      words = rest;
      while (words.length && (/^[A-Za-z_]\w*=/.test(words[0]) || (words[0].startsWith('-') && name !== 'time'))) words = words.slice(1);
      continue;
    }
    if (RUNNERS[name] && rest[0] === 'run') {
      words = skipOptions(rest.slice(1), RUNNERS[name]);
      continue;
    }
    if (SCRIPT_LAUNCHERS.has(name)) {
      const py = rest.find((w) => w.endsWith('.py'));
      return py ? { kind: 'file', file: path.resolve(cwd, py), via: name } : { kind: 'other' };
    }
    if (isPythonProgram(first)) return pythonInvocation(rest, cwd);
    if (first.endsWith('.py')) return { kind: 'file', file: path.resolve(cwd, first), via: first.includes('/') ? 'run as a program' : 'run by a launcher' };
    // `./train` with a `#!/usr/bin/env python3` line.
    if (first.includes('/') && (await hasPythonShebang(path.resolve(cwd, first)))) return { kind: 'file', file: path.resolve(cwd, first), via: 'shebang' };
    return { kind: 'other' };
  }
  return { kind: 'other' };
}

const PYTHON_OPTIONS_WITH_VALUE = new Set(['-W', '-X', '--check-hash-based-pycs']);

function pythonInvocation(args: string[], cwd: string): Program {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-m') {
      const module = args[i + 1];
      if (!module) return { kind: 'repl' };
      if (MODULE_LAUNCHERS.has(module)) {
        const py = args.slice(i + 2).find((w) => w.endsWith('.py'));
        return py ? { kind: 'file', file: path.resolve(cwd, py), via: `python -m ${module}` } : { kind: 'other' };
      }
      return { kind: 'module', module };
    }
    if (a === '-c') return { kind: 'python-code' };
    if (PYTHON_OPTIONS_WITH_VALUE.has(a)) i++;
    else if (a === '-') return { kind: 'python-code' };
    else if (!a.startsWith('-')) return { kind: 'file', file: path.resolve(cwd, a), via: 'python' };
  }
  return { kind: 'repl' };
}

function skipOptions(words: string[], withValue: Set<string>): string[] {
  let i = 0;
  while (i < words.length && words[i].startsWith('-')) {
    if (words[i] === '--') return words.slice(i + 1);
    i += withValue.has(words[i]) ? 2 : 1;
  }
  return words.slice(i);
}

/** `pkg.train` → `pkg/train.py` or `pkg/train/__main__.py`, from the cwd (Python's first path entry), the folder, or `src/`. */
export async function resolveModule(module: string, cwd: string, folder: string): Promise<string | null> {
  if (!/^[A-Za-z_][\w.]*$/.test(module)) return null;
  const rel = module.split('.').join(path.sep);
  for (const root of new Set([cwd, folder, path.join(folder, 'src')])) {
    for (const candidate of [path.join(root, `${rel}.py`), path.join(root, rel, '__main__.py')]) {
      if (await isFile(candidate)) return candidate;
    }
  }
  return null;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function hasPythonShebang(file: string): Promise<boolean> {
  const head = await readHead(file, 256);
  return head !== undefined && /^#!.*\bpython[\d.]*\b/.test(head);
}

async function readHead(file: string, bytes = MAX_SCRIPT_BYTES): Promise<string | undefined> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
