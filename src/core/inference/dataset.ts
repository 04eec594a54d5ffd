import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { MlwbError } from '../errors';
import { toNumbers } from './tensor';
import { readNpz } from './io/npz';
import { parseCsvBytes, parseJsonRows, type Table } from './io/tabular';

/**
 * A dataset file as a table: CSV, JSON lines, Parquet, or a .npz whose 1-D/2-D arrays become
 * columns (a 2-D array `x` of width n gives columns x0…x(n-1)).
 */
export async function readDataset(file: string): Promise<Table> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new MlwbError(`Data file not found: ${file}.`);
  }
  const name = path.basename(file);
  switch (path.extname(file).toLowerCase()) {
    case '.csv':
      return parseCsvBytes(bytes, name);
    case '.jsonl':
    case '.ndjson':
    case '.json':
      return parseJsonRows(bytes.toString('utf8'), name);
    case '.parquet': {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const rows = await parquetReadObjects({ file: buffer, compressors });
      return parseJsonRows(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)), name);
    }
    case '.npz':
      return npzTable(readNpz(bytes, name));
    default:
      throw new MlwbError(`Unsupported data file ${name}.`, 'Use .csv, .jsonl, .parquet or .npz.');
  }
}

function npzTable(arrays: ReturnType<typeof readNpz>): Table {
  const values = new Map<string, string[]>();
  let rows = -1;
  for (const [key, t] of Object.entries(arrays)) {
    const width = t.dims.length === 2 ? t.dims[1] : 1;
    const flat = t.type === 'string' ? (t.data as string[]) : toNumbers(t);
    if (rows >= 0 && t.dims[0] !== rows) throw new MlwbError(`The .npz arrays have different lengths (${key} has ${t.dims[0]}, others ${rows}).`);
    rows = t.dims[0];
    for (let c = 0; c < width; c++) {
      values.set(width === 1 ? key : `${key}${c}`, Array.from({ length: rows }, (_, r) => String(flat[r * width + c])));
    }
  }
  return { columns: [...values.keys()], values, rows: Math.max(rows, 0) };
}
