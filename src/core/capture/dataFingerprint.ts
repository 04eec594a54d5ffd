import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { DatasetRef } from '../store/types';

/**
 * Names the exact data a run used: size, sha256 of the bytes, and the row count for CSV/TSV
 * (header excluded, quoted newlines respected) and JSON lines. A folder is hashed over its
 * files' relative paths and hashes, in sorted order.
 */
export async function fingerprintData(filePath: string, cwd: string): Promise<DatasetRef> {
  const absolute = path.resolve(cwd, filePath);
  const relative = path.relative(cwd, absolute);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch {
    throw new MlwbError(`Data file not found: ${filePath}.`, 'Check the --data path.');
  }
  if (stat.isDirectory()) return { path: shown, ...(await fingerprintFolder(absolute)), rows: null };
  const counter = rowCounter(absolute);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolute)) {
    hash.update(chunk as Buffer);
    counter?.push(chunk as Buffer);
  }
  return { path: shown, sha256: hash.digest('hex'), bytes: stat.size, rows: counter ? counter.rows() : null };
}

async function fingerprintFolder(dir: string): Promise<{ sha256: string; bytes: number }> {
  const files = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
  const hash = createHash('sha256');
  let bytes = 0;
  for (const file of files) {
    const sub = await fingerprintData(file, dir);
    hash.update(`${file}\0${sub.sha256}\n`);
    bytes += sub.bytes;
  }
  return { sha256: hash.digest('hex'), bytes };
}

interface RowCounter {
  push(chunk: Buffer): void;
  rows(): number;
}

function rowCounter(file: string): RowCounter | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return delimitedRowCounter();
  if (ext === '.jsonl' || ext === '.ndjson') return jsonLinesCounter();
  return undefined;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;

/** Counts records, not lines: a newline inside double quotes belongs to its field. */
function delimitedRowCounter(): RowCounter {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  return {
    push(chunk) {
      for (const byte of chunk) {
        if (byte === QUOTE) inQuotes = !inQuotes;
        if (byte === NEWLINE && !inQuotes) {
          if (lineHasContent) records++;
          lineHasContent = false;
        } else if (byte !== CR) lineHasContent = true;
      }
    },
    rows: () => Math.max(0, records + (lineHasContent ? 1 : 0) - 1),
  };
}

function jsonLinesCounter(): RowCounter {
  let records = 0;
  let lineHasContent = false;
  return {
    push(chunk) {
      for (const byte of chunk) {
        if (byte === NEWLINE) {
          if (lineHasContent) records++;
          lineHasContent = false;
        } else if (byte !== CR && byte !== 0x20 && byte !== 0x09) lineHasContent = true;
      }
    },
    rows: () => records + (lineHasContent ? 1 : 0),
  };
}
