// A script's command-line parameters, read statically from its argparse `add_argument` calls
// (wherever they are: at top level, in a helper function, on an argument group). Only literal
// arguments are read; what cannot be read without running Python is left out, not guessed.
import type { ParamValue } from '../store/types';
import { tokenizePython, type PyToken } from './pythonTokens';

export interface ScriptParam {
  /** argparse's `dest`: `--batch-size` → `batch_size`, or `dest=` when given. */
  dest: string;
  /** Option strings as written (`['-b', '--batch-size']`); empty for a positional argument. */
  flags: string[];
  /** The key a command line gives this parameter (`batch-size`), as `parseCommandParams` names it. */
  key: string;
  positional: boolean;
  /** `int`, `float`, `str`, `bool`, or another callable's name. */
  type?: string;
  /** The literal default; absent when there is none or it is not a literal. */
  default?: ParamValue | null;
  choices?: ParamValue[];
  action?: string;
  help?: string;
  required: boolean;
  /** 1-based line of the call. */
  line: number;
}

/** A literal value: a number, string, bool, None, a name (`int`), or a list/tuple of literals. */
type Literal = ParamValue | null | { name: string } | Literal[];

const UNREADABLE = Symbol('unreadable');
type Read = Literal | typeof UNREADABLE;

export function extractArgparseParams(source: string): ScriptParam[] {
  const tokens = tokenizePython(source);
  const params: ScriptParam[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'name' || t.text !== 'add_argument' || !isOp(tokens[i - 1], '.') || !isOp(tokens[i + 1], '(')) continue;
    const call = readCall(tokens, i + 1);
    const param = call && toParam(call.positional, call.keywords, t.line);
    if (param) params.push(param);
  }
  // Re-adding the same dest (a helper called twice) keeps the first, as a conflict error would stop argparse anyway.
  const seen = new Set<string>();
  return params.filter((p) => !seen.has(p.dest) && seen.add(p.dest));
}

function isOp(t: PyToken | undefined, text: string): boolean {
  return t?.kind === 'op' && t.text === text;
}

interface Call {
  positional: Read[];
  keywords: Map<string, Read>;
}

/** The arguments of the call whose `(` is at `open`; undefined for `*args` / `**kwargs` forms. */
function readCall(tokens: PyToken[], open: number): Call | undefined {
  const positional: Read[] = [];
  const keywords = new Map<string, Read>();
  let i = open + 1;
  while (i < tokens.length && !isOp(tokens[i], ')')) {
    const end = argumentEnd(tokens, i);
    const arg = tokens.slice(i, end);
    if (arg.length >= 2 && arg[0].kind === 'name' && isOp(arg[1], '=')) keywords.set(arg[0].text, readLiteral(arg.slice(2)));
    else if (arg.length && (isOp(arg[0], '*') || isOp(arg[0], '**'))) return undefined;
    else if (arg.length) positional.push(readLiteral(arg));
    i = isOp(tokens[end], ',') ? end + 1 : end;
  }
  return { positional, keywords };
}

/** Index of the `,` or `)` that ends the argument starting at `start`. */
function argumentEnd(tokens: PyToken[], start: number): number {
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'op') continue;
    if ('([{'.includes(t.text)) depth++;
    else if (')]}'.includes(t.text)) {
      if (depth === 0) return i;
      depth--;
    } else if (t.text === ',' && depth === 0) return i;
  }
  return tokens.length;
}

function readLiteral(tokens: PyToken[]): Read {
  if (tokens.length === 0) return UNREADABLE;
  const [first] = tokens;
  if (first.kind === 'string') {
    // Adjacent literals concatenate: "a" "b".
    if (!tokens.every((t) => t.kind === 'string' && t.value !== null)) return UNREADABLE;
    return tokens.map((t) => (t.kind === 'string' ? t.value : '')).join('');
  }
  if (tokens.length === 1 && first.kind === 'number') return numberValue(first.text);
  if (tokens.length === 2 && first.kind === 'op' && (first.text === '-' || first.text === '+') && tokens[1].kind === 'number') {
    const n = numberValue(tokens[1].text);
    return typeof n === 'number' && first.text === '-' ? -n : n;
  }
  if (tokens.length === 1 && first.kind === 'name') {
    if (first.text === 'True') return true;
    if (first.text === 'False') return false;
    if (first.text === 'None') return null;
    return { name: first.text };
  }
  // Dotted names: `type=pathlib.Path`.
  if (tokens.every((t, k) => (k % 2 === 0 ? t.kind === 'name' : isOp(t, '.')))) {
    return { name: tokens.map((t) => (t.kind === 'name' ? t.text : '.')).join('') };
  }
  if (first.kind === 'op' && (first.text === '[' || first.text === '(')) {
    const close = first.text === '[' ? ']' : ')';
    if (!isOp(tokens[tokens.length - 1], close)) return UNREADABLE;
    const items: Literal[] = [];
    let i = 1;
    while (i < tokens.length - 1) {
      const end = Math.min(argumentEnd(tokens, i), tokens.length - 1);
      const item = readLiteral(tokens.slice(i, end));
      if (item === UNREADABLE) return UNREADABLE;
      items.push(item);
      i = end + 1;
    }
    return items;
  }
  return UNREADABLE;
}

function numberValue(text: string): ParamValue | typeof UNREADABLE {
  if (/[jJ]$/.test(text)) return UNREADABLE;
  const n = /^0[oO]/.test(text) ? parseInt(text.slice(2), 8) : Number(text);
  return Number.isFinite(n) ? n : UNREADABLE;
}

function toParam(positional: Read[], keywords: Map<string, Read>, line: number): ScriptParam | undefined {
  const names = positional.filter((p): p is string => typeof p === 'string');
  if (names.length === 0 || names.length !== positional.length) return undefined;
  const flags = names.filter((n) => n.startsWith('-'));
  const isPositional = flags.length === 0;
  const long = flags.find((f) => f.startsWith('--')) ?? flags[0];
  const key = isPositional ? names[0] : long.replace(/^-+/, '');
  const destWord = keywords.get('dest');
  const dest = typeof destWord === 'string' ? destWord : key.replace(/-/g, '_');
  const action = stringOf(keywords.get('action'));
  if (action === 'help' || action === 'version') return undefined;
  const param: ScriptParam = { dest, flags, key, positional: isPositional, required: isPositional || keywords.get('required') === true, line };
  if (action) param.action = action;
  const type = keywords.get('type');
  if (type && type !== UNREADABLE && typeof type === 'object' && 'name' in type) param.type = type.name;
  const help = stringOf(keywords.get('help'));
  if (help !== undefined) param.help = help.replace(/\s+/g, ' ').trim();
  const choices = keywords.get('choices');
  if (Array.isArray(choices) && choices.every(isScalar)) param.choices = choices as ParamValue[];
  if (keywords.has('default')) {
    const value = keywords.get('default');
    if (value === null || isScalar(value)) param.default = coerce(value, param.type);
  } else if (action === 'store_true') param.default = false;
  else if (action === 'store_false') param.default = true;
  else if (action === undefined || action === 'store') param.default = null;
  if (action === 'store_true' || action === 'store_false') param.type = 'bool';
  return param;
}

function stringOf(value: Read | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isScalar(value: Read | undefined): value is ParamValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** argparse applies `type` to string defaults: `default="3", type=int` is 3. */
function coerce(value: ParamValue | null, type: string | undefined): ParamValue | null {
  if (typeof value !== 'string' || !type) return value;
  if (type === 'int' && /^[+-]?\d+$/.test(value.trim())) return Number(value);
  if (type === 'float' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/**
 * The defaults of parameters a command line did not give (by any of their option strings), for a
 * run's params: a run records what it ran with, not only what was typed. `null` defaults are left out.
 */
export function defaultsNotGiven(params: readonly ScriptParam[], given: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of params) {
    if (p.positional || p.default === undefined || p.default === null) continue;
    const names = [p.key, p.dest, ...p.flags.map((f) => f.replace(/^-+/, ''))];
    if (names.some((n) => n in given)) continue;
    out[p.key] = p.default;
  }
  return out;
}
