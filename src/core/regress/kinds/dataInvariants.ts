// `kind: data-invariants` — a data file's schema (columns, types), value ranges, missing share,
// uniqueness, allowed values and row count.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeBounds, fmt, withinBounds } from '../checks';
import { columnType, readDataTable, type Cell } from '../dataTable';
import type { Bounds, Fields } from '../fields';
import type { Check } from '../types';
import { defineKind } from './kind';

const TYPES = ['integer', 'number', 'boolean', 'string'] as const;
type DeclaredType = (typeof TYPES)[number];

export interface ColumnRules {
  type?: DeclaredType;
  min?: number;
  max?: number;
  /** Largest accepted share (0–1) of missing cells. */
  maxMissing?: number;
  unique?: boolean;
  allowed?: (string | number | boolean)[];
}

export interface DataInvariantsSpec {
  data: string;
  rows?: Bounds;
  columns: Record<string, ColumnRules>;
  /** The file may have no columns other than those listed. */
  onlyColumns: boolean;
}

function parseColumn(f: Fields): ColumnRules | undefined {
  f.onlyKeys(['type', 'min', 'max', 'maxMissing', 'unique', 'allowed']);
  const rules: ColumnRules = {
    type: f.oneOf('type', TYPES),
    min: f.number('min'),
    max: f.number('max'),
    maxMissing: f.number('maxMissing', false, { min: 0 }),
    unique: f.boolean('unique'),
    allowed: f.list('allowed'),
  };
  if (rules.maxMissing !== undefined && rules.maxMissing > 1) {
    f.problem('maxMissing', `${f.where}: maxMissing is a share between 0 and 1 (0.05 is 5%).`);
  }
  if (rules.min !== undefined && rules.max !== undefined && rules.min > rules.max) f.problem('min', `${f.where}: min is greater than max.`);
  return rules;
}

export const dataInvariantsKind = defineKind<DataInvariantsSpec>({
  name: 'data-invariants',
  title: 'a data file keeps its schema, ranges, missing share, uniqueness, allowed values and size',
  keys: ['data', 'rows', 'columns', 'onlyColumns'],
  parse(f) {
    const data = f.string('data', true);
    const rows = f.bounds('rows');
    const cols = f.fields('columns');
    const columns: Record<string, ColumnRules> = {};
    for (const name of cols?.keys() ?? []) {
      const c = cols!.fields(name);
      const rules = c && parseColumn(c);
      if (rules) columns[name] = rules;
    }
    const onlyColumns = f.boolean('onlyColumns') ?? false;
    if (!f.has('rows') && !f.has('columns')) f.problem(undefined, `${f.where}: give "rows", "columns" or both.`);
    if (!data) return undefined;
    return { data, rows, columns, onlyColumns };
  },
  async run(spec, ctx) {
    const file = path.resolve(ctx.baseDir, spec.data);
    if (!fs.existsSync(file)) throw ctx.problem('data', `data file not found: ${spec.data} (looked for ${file})`);
    let table;
    try {
      table = await readDataTable(file);
    } catch (err) {
      throw ctx.problem('data', (err as Error).message);
    }
    const checks: Check[] = [];
    if (spec.rows) checks.push({ label: 'row count', expected: describeBounds(spec.rows), actual: String(table.rows), ok: withinBounds(table.rows, spec.rows) });
    if (spec.onlyColumns) {
      const extra = table.columns.filter((c) => !(c in spec.columns));
      checks.push({ label: 'no unlisted columns', expected: 'none', actual: extra.length ? extra.join(', ') : 'none', ok: extra.length === 0 });
    }
    for (const [name, rules] of Object.entries(spec.columns)) {
      const cells = table.values.get(name);
      if (!cells) {
        checks.push({ label: `column ${name}`, expected: 'present', actual: `missing (the file has: ${table.columns.join(', ')})`, ok: false });
        continue;
      }
      checks.push(...columnChecks(name, cells, rules));
    }
    return { checks };
  },
});

function columnChecks(name: string, cells: Cell[], rules: ColumnRules): Check[] {
  const checks: Check[] = [];
  const present = cells.filter((v): v is string | number | boolean => v !== null);
  if (rules.type) {
    const actual = columnType(cells);
    const ok = actual === rules.type || (rules.type === 'number' && actual === 'integer') || actual === 'empty';
    checks.push({ label: `column ${name}: type`, expected: rules.type, actual, ok });
  }
  if (rules.min !== undefined || rules.max !== undefined) {
    const numbers = present.filter((v): v is number => typeof v === 'number');
    const bounds = { min: rules.min, max: rules.max };
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of numbers) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const outside = numbers.filter((v) => !withinBounds(v, bounds)).length + (present.length - numbers.length);
    checks.push({
      label: `column ${name}: values`,
      expected: describeBounds(bounds),
      actual: numbers.length ? `${fmt(lo)} to ${fmt(hi)}${outside ? `, ${outside} outside` : ''}` : 'no numbers',
      ok: outside === 0 && numbers.length > 0,
    });
  }
  if (rules.maxMissing !== undefined) {
    const missing = cells.length - present.length;
    const share = cells.length ? missing / cells.length : 0;
    checks.push({ label: `column ${name}: missing share`, expected: `≤ ${percent(rules.maxMissing)}`, actual: `${percent(share)} (${missing} of ${cells.length})`, ok: share <= rules.maxMissing });
  }
  if (rules.unique) {
    const counts = new Map<string, number>();
    for (const v of present) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    const dups = [...counts].filter(([, n]) => n > 1);
    checks.push({ label: `column ${name}: unique`, expected: 'no repeated values', actual: dups.length ? `${dups.length} repeated, e.g. ${dups.slice(0, 3).map(([v, n]) => `${v} ×${n}`).join(', ')}` : 'all distinct', ok: dups.length === 0 });
  }
  if (rules.allowed) {
    const allowed = new Set(rules.allowed.map(String));
    const bad = new Map<string, number>();
    for (const v of present) if (!allowed.has(String(v))) bad.set(String(v), (bad.get(String(v)) ?? 0) + 1);
    checks.push({
      label: `column ${name}: allowed values`,
      expected: `one of ${[...allowed].join(', ')}`,
      actual: bad.size ? `also ${[...bad].slice(0, 5).map(([v, n]) => `${v} (${n})`).join(', ')}` : 'only those',
      ok: bad.size === 0,
    });
  }
  return checks;
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}
