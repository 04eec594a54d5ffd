// Schema changes between the two files: columns only the current file has (added), columns it
// lost (missing), and shared columns whose inferred type differs between the sides. The report
// lists them; the shared columns are still compared.
import type { ColumnType } from './columnTests';
import type { Column, Table } from './read/table';
import { inferType } from './sample';

export interface SchemaChanges {
  /** In the current file only. */
  added: string[];
  /** In the reference only. */
  missing: string[];
  /** In both, typed differently on each side (each side typed on its own values). */
  typeChanged: Array<{ name: string; reference: ColumnType; current: ColumnType }>;
}

/** One side's type as if both sides held its values. */
const typeOf = (column: Column): ColumnType => inferType(column, column);

export function compareSchemas(reference: Table, current: Table): SchemaChanges {
  const ref = new Map(reference.columns.map((c) => [c.name, c]));
  const cur = new Map(current.columns.map((c) => [c.name, c]));
  const typeChanged: SchemaChanges['typeChanged'] = [];
  for (const [name, r] of ref) {
    const c = cur.get(name);
    if (!c) continue;
    const [rt, ct] = [typeOf(r), typeOf(c)];
    if (rt !== ct) typeChanged.push({ name, reference: rt, current: ct });
  }
  return {
    added: [...cur.keys()].filter((n) => !ref.has(n)),
    missing: [...ref.keys()].filter((n) => !cur.has(n)),
    typeChanged,
  };
}

export function hasSchemaChanges(s: SchemaChanges | undefined): s is SchemaChanges {
  return !!s && (s.added.length > 0 || s.missing.length > 0 || s.typeChanged.length > 0);
}

/** "added: a, b; missing: c; type changed: d (num → cat)", or '' when nothing changed. */
export function schemaLine(s: SchemaChanges | undefined): string {
  if (!hasSchemaChanges(s)) return '';
  return [
    s.added.length ? `added: ${s.added.join(', ')}` : '',
    s.missing.length ? `missing: ${s.missing.join(', ')}` : '',
    s.typeChanged.length ? `type changed: ${s.typeChanged.map((t) => `${t.name} (${t.reference} → ${t.current})`).join(', ')}` : '',
  ].filter(Boolean).join('; ');
}
