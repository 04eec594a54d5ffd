// A small reader for the data files that data invariants check: CSV (RFC 4180 quoting) and JSON
// lines, column by column. Values keep their JSON type; CSV cells become numbers or booleans when
// the whole column reads as such. The drift core's faster reader can replace this later.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type Cell = string | number | boolean | null;
export type ColumnType = 'integer' | 'number' | 'boolean' | 'string' | 'empty';

export interface DataTable {
  columns: string[];
  rows: number;
  /** Each column's cells, missing ones as null. */
  values: Map<string, Cell[]>;
}

/** Cells read as missing, as pandas does by default for the usual spellings. */
const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A']);

export async function readDataTable(file: string): Promise<DataTable> {
  const text = await fs.readFile(file, 'utf8');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return fromRecords(parseJsonLines(text, file));
  if (ext === '.csv' || ext === '.txt') return fromCsv(parseCsv(text));
  throw new Error(`${path.basename(file)}: only CSV (.csv) and JSON lines (.jsonl, .ndjson) files are read`);
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  // A trailing blank line is not a row.
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function fromCsv(rows: string[][]): DataTable {
  const [header = [], ...body] = rows;
  const values = new Map<string, Cell[]>();
  header.forEach((name, c) => {
    const raw = body.map((r) => r[c] ?? '');
    values.set(name, typeCells(raw));
  });
  return { columns: header, rows: body.length, values };
}

/** A CSV column as numbers (or booleans) when every present cell reads as one, else as text. */
function typeCells(raw: string[]): Cell[] {
  const present = raw.filter((v) => !MISSING.has(v.trim()));
  const allNumbers = present.length > 0 && present.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  const allBooleans = present.length > 0 && present.every((v) => /^(true|false)$/i.test(v.trim()));
  return raw.map((v) => {
    if (MISSING.has(v.trim())) return null;
    if (allNumbers) return Number(v);
    if (allBooleans) return v.trim().toLowerCase() === 'true';
    return v;
  });
}

function parseJsonLines(text: string, file: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path.basename(file)} line ${i + 1} is not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${path.basename(file)} line ${i + 1} is not a JSON object`);
    }
    records.push(value as Record<string, unknown>);
  });
  return records;
}

function fromRecords(records: Record<string, unknown>[]): DataTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  const values = new Map<string, Cell[]>();
  for (const name of columns) {
    values.set(name, records.map((r) => {
      const v = r[name];
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
      return JSON.stringify(v);
    }));
  }
  return { columns, rows: records.length, values };
}

export function columnType(cells: readonly Cell[]): ColumnType {
  let type: ColumnType = 'empty';
  for (const v of cells) {
    if (v === null) continue;
    const t: ColumnType = typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v === 'boolean' ? 'boolean' : 'string';
    if (type === 'empty' || type === t) type = t;
    else if ((type === 'integer' && t === 'number') || (type === 'number' && t === 'integer')) type = 'number';
    else return 'string';
  }
  return type;
}
