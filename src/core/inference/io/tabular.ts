import { MlwbError } from '../../errors';
import { plainCsvTable } from './plainCsv';

/** A table read column by column: raw strings, so numeric and categorical columns both survive. */
export interface Table {
  columns: string[];
  /** Column name → its values, one per row ('' where missing). */
  values: Map<string, string[]>;
  rows: number;
  /** Columns already parsed as numbers (null: not numeric), when the reader did it on the way. */
  numeric?: Map<string, Float64Array | null>;
}

/**
 * RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines; CRLF or LF. Files
 * without any quote (most numeric data) take the one-pass path of plainCsv.ts.
 */
export function parseCsv(text: string, name = 'the CSV file'): Table {
  return parseCsvBytes(Buffer.from(text, 'utf8'), name);
}

/** The same from the file's bytes: quote-free files are never decoded as a whole. */
export function parseCsvBytes(bytes: Uint8Array, name = 'the CSV file'): Table {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.some((b) => b !== 0x0a && b !== 0x0d && b !== 0x20)) throw new MlwbError(`${name} is empty.`);
  if (buffer.indexOf(0x22) < 0) {
    return plainCsvTable(buffer, (line, fields, expected) => {
      throw new MlwbError(`${name}, line ${line}: ${fields} fields, the header has ${expected}.`);
    });
  }
  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = quotedRecords(text);
  const [header, ...rows] = records;
  const columns = header.map(() => new Array<string>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) throw new MlwbError(`${name}, line ${r + 2}: ${row.length} fields, the header has ${header.length}.`);
    for (let c = 0; c < row.length; c++) columns[c][r] = row[c];
  }
  return { columns: header, values: new Map(header.map((h, c) => [h, columns[c]])), rows: rows.length };
}

function quotedRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** JSON lines (or one JSON array of objects): the columns are the union of the objects' keys. */
export function parseJsonRows(text: string, name = 'the JSON lines file'): Table {
  const trimmed = text.trimStart();
  let objects: Record<string, unknown>[];
  try {
    objects = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as Record<string, unknown>[])
      : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch (err) {
    throw new MlwbError(`${name} is not valid JSON lines (${(err as Error).message}).`);
  }
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const values = new Map(columns.map((c) => [c, objects.map((o) => (o[c] == null ? '' : String(o[c])))]));
  return { columns, values, rows: objects.length };
}

/** The column as numbers (NaN where empty), or undefined when any non-empty value is not a number. */
export function numericColumn(table: Table, column: string): Float64Array | undefined {
  const parsed = table.numeric?.get(column);
  if (parsed !== undefined) return parsed ?? undefined;
  const raw = table.values.get(column);
  if (!raw) return undefined;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    if (s === '' || s === 'NA' || s === 'NaN') out[i] = NaN;
    else {
      const v = Number(s);
      if (Number.isNaN(v)) return undefined;
      out[i] = v;
    }
  }
  return out;
}
