// Reading one YAML mapping of a config file with types checked and every problem located:
// a wrong field becomes a ConfigProblem at its line, never an exception or a silent default.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { ConfigProblem, SourcePosition } from './types';

export interface ParseScope {
  file: string;
  /** The file's text: plain scalars are read as written where YAML would make them numbers. */
  text: string;
  lines: LineCounter;
  problems: ConfigProblem[];
}

export interface Bounds {
  min?: number;
  max?: number;
}

export function positionOf(scope: ParseScope, node: Node | null | undefined): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = scope.lines.linePos(offset);
  return { line: Math.max(1, line), column: Math.max(1, col) };
}

/**
 * A scalar as the user wrote it: run ids such as `12e45` or `0042ab` are plain scalars that YAML
 * reads as numbers (1.2e46, or 42 with its zeros gone).
 */
export function writtenText(scope: ParseScope, node: Node): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  if (node.type === 'PLAIN' && node.range) return scope.text.slice(node.range[0], node.range[1]).trim();
  return String(node.value);
}

export function report(scope: ParseScope, node: Node | null | undefined, message: string): void {
  scope.problems.push({ file: scope.file, ...positionOf(scope, node), message });
}

/** The fields of one mapping (a test, a selector, a tolerance…), read by name. */
export class Fields {
  constructor(readonly scope: ParseScope, readonly map: YAMLMap, readonly where: string) {}

  static of(scope: ParseScope, node: unknown, where: string): Fields | undefined {
    if (isMap(node)) return new Fields(scope, node, where);
    report(scope, node as Node, `${where} must be a mapping (key: value lines or { … }).`);
    return undefined;
  }

  keys(): string[] {
    return this.map.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
  }

  node(key: string): Node | undefined {
    const pair = this.map.items.find((p) => isScalar(p.key) && p.key.value === key);
    return (pair?.value ?? undefined) as Node | undefined;
  }

  has(key: string): boolean {
    return this.node(key) !== undefined;
  }

  /** The line of `key`'s value (or of the mapping, when absent). */
  line(key: string): number {
    return positionOf(this.scope, this.node(key) ?? this.map).line;
  }

  problem(key: string | undefined, message: string): void {
    report(this.scope, (key && this.node(key)) || this.map, message);
  }

  /** Reports keys that are not in `allowed` (typos must not be silently ignored). */
  onlyKeys(allowed: readonly string[]): void {
    for (const pair of this.map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!allowed.includes(key)) {
        report(this.scope, pair.key as Node, `${this.where}: unknown key "${key}" (expected one of: ${allowed.join(', ')}).`);
      }
    }
  }

  private scalar(key: string, required: boolean): unknown {
    const node = this.node(key);
    if (node === undefined) {
      if (required) this.problem(undefined, `${this.where}: "${key}" is missing.`);
      return undefined;
    }
    if (!isScalar(node)) {
      report(this.scope, node, `${this.where}: "${key}" must be a single value.`);
      return undefined;
    }
    if (node.value === null) {
      if (required) report(this.scope, node, `${this.where}: "${key}" is empty.`);
      return undefined;
    }
    return node.value;
  }

  string(key: string, required = false): string | undefined {
    const v = this.scalar(key, required);
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.problem(key, `${this.where}: "${key}" must be a non-empty string.`);
    return undefined;
  }

  number(key: string, required = false, check?: { min?: number; integer?: boolean; positive?: boolean }): number | undefined {
    const v = this.scalar(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      this.problem(key, `${this.where}: "${key}" must be a number, not ${JSON.stringify(v)}.`);
      return undefined;
    }
    if (check?.integer && !Number.isInteger(v)) this.problem(key, `${this.where}: "${key}" must be a whole number.`);
    else if (check?.positive && !(v > 0)) this.problem(key, `${this.where}: "${key}" must be greater than 0.`);
    else if (check?.min !== undefined && v < check.min) this.problem(key, `${this.where}: "${key}" must be at least ${check.min}.`);
    else return v;
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const v = this.scalar(key, false);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    this.problem(key, `${this.where}: "${key}" must be true or false.`);
    return undefined;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required = false): T | undefined {
    const v = this.string(key, required);
    if (v === undefined) return undefined;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.problem(key, `${this.where}: "${key}" must be one of ${values.join(', ')}, not "${v}".`);
    return undefined;
  }

  /** A list of scalars (strings or numbers, as written). */
  list(key: string, required = false): (string | number | boolean)[] | undefined {
    const node = this.node(key);
    if (node === undefined) {
      if (required) this.problem(undefined, `${this.where}: "${key}" is missing.`);
      return undefined;
    }
    if (!isSeq(node) || !node.items.every((i) => isScalar(i) && i.value !== null)) {
      report(this.scope, node, `${this.where}: "${key}" must be a list of values ([a, b] or - lines).`);
      return undefined;
    }
    return node.items.map((i) => (isScalar(i) ? (i.value as string | number | boolean) : ''));
  }

  fields(key: string, required = false): Fields | undefined {
    const node = this.node(key);
    if (node === undefined) {
      if (required) this.problem(undefined, `${this.where}: "${key}" is missing.`);
      return undefined;
    }
    return Fields.of(this.scope, node, `${this.where}: ${key}`);
  }

  /** `{ min: a, max: b }` with at least one bound, min ≤ max. */
  bounds(key: string, required = false): Bounds | undefined {
    const f = this.fields(key, required);
    return f && readBounds(f);
  }
}

export function readBounds(f: Fields): Bounds | undefined {
  f.onlyKeys(['min', 'max']);
  const min = f.number('min');
  const max = f.number('max');
  if (min === undefined && max === undefined) {
    f.problem(undefined, `${f.where} needs "min", "max" or both.`);
    return undefined;
  }
  if (min !== undefined && max !== undefined && min > max) {
    f.problem('min', `${f.where}: min ${min} is greater than max ${max}.`);
    return undefined;
  }
  return { min, max };
}
