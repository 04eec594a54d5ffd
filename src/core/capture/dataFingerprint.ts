import { createHash } from 'node:crypto';
import { createReadStream, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { DatasetRef } from '../store/types';

export interface FingerprintOptions {
  /** Stops hashing: the record then says how far it got (`note`) instead of being dropped. */
  signal?: AbortSignal;
  /** Bytes read so far, across a folder's files; updated as hashing goes. */
  progress?: { bytesRead: number };
}

/** Large reads: hashing runs at the disk's speed, not at the stream's default 64 KiB pace. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * What `--data` may name: a file or a folder. A FIFO, device or socket would be read forever
 * (`/dev/zero`) or block (a FIFO nobody writes), so it is refused before the run starts.
 */
export async function checkDataPath(filePath: string, cwd: string): Promise<Stats> {
  let stat;
  try {
    stat = await fs.stat(path.resolve(cwd, filePath));
  } catch {
    throw new MlwbError(`Data file not found: ${filePath}.`, 'Check the --data path.', 2);
  }
  if (!stat.isFile() && !stat.isDirectory()) {
    const kind = stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new MlwbError(`--data ${filePath} is ${kind}: only files and folders can be fingerprinted.`,
      'Give the path of the data file (or folder) the command reads.', 2);
  }
  return stat;
}

/**
 * Names the exact data a run used: size, sha256 of the bytes, and the row count for CSV/TSV
 * (header excluded, quoted newlines respected) and JSON lines. A folder is hashed over its
 * files' relative paths and hashes, in sorted order. Stopped by `signal`, it returns what it
 * knows (path, size) with an empty sha256 and a note.
 */
export async function fingerprintData(filePath: string, cwd: string, options: FingerprintOptions = {}): Promise<DatasetRef> {
  const absolute = path.resolve(cwd, filePath);
  const relative = path.relative(cwd, absolute);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  const stat = await checkDataPath(absolute, cwd);
  if (stat.isDirectory()) return { path: shown, ...(await fingerprintFolder(absolute, options)), rows: null };
  const counter = rowCounter(absolute);
  const hash = createHash('sha256');
  let read = 0;
  const stream = createReadStream(absolute, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      if (options.signal?.aborted) break;
      hash.update(chunk as Buffer);
      counter?.push(chunk as Buffer);
      read += (chunk as Buffer).length;
      if (options.progress) options.progress.bytesRead += (chunk as Buffer).length;
    }
  } finally {
    stream.destroy();
  }
  if (read < stat.size && options.signal?.aborted) {
    return { path: shown, sha256: '', bytes: stat.size, rows: null, note: `not hashed: stopped after ${read} of ${stat.size} bytes` };
  }
  return { path: shown, sha256: hash.digest('hex'), bytes: stat.size, rows: counter ? counter.rows() : null };
}

async function fingerprintFolder(dir: string, options: FingerprintOptions): Promise<{ sha256: string; bytes: number; note?: string }> {
  const files = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
  const hash = createHash('sha256');
  let bytes = 0;
  let unhashed = 0;
  for (const file of files) {
    const sub = await fingerprintData(file, dir, options);
    if (sub.note) unhashed++;
    hash.update(`${file}\0${sub.sha256}\n`);
    bytes += sub.bytes;
  }
  if (unhashed) return { sha256: '', bytes, note: `not hashed: stopped with ${unhashed} of ${files.length} files left` };
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

/**
 * Counts records, not lines: a newline inside double quotes belongs to its field. Jumps from
 * quote to newline with `indexOf` (native) instead of visiting every byte in JavaScript, so
 * counting keeps up with hashing.
 */
function delimitedRowCounter(): RowCounter {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  return {
    push(chunk) {
      let i = 0;
      let quote = chunk.indexOf(QUOTE);
      while (i < chunk.length) {
        if (quote !== -1 && quote < i) quote = chunk.indexOf(QUOTE, i);
        if (inQuotes) {
          // Everything up to the closing quote is field content.
          if (quote === -1) break;
          inQuotes = false;
          i = quote + 1;
          continue;
        }
        const newline = chunk.indexOf(NEWLINE, i);
        const end = quote !== -1 && (newline === -1 || quote < newline) ? quote : newline;
        if (hasContent(chunk, i, end === -1 ? chunk.length : end, false)) lineHasContent = true;
        if (end === -1) break;
        if (end === quote) {
          inQuotes = true;
          lineHasContent = true;
        } else {
          if (lineHasContent) records++;
          lineHasContent = false;
        }
        i = end + 1;
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
      let i = 0;
      while (i < chunk.length) {
        const newline = chunk.indexOf(NEWLINE, i);
        if (hasContent(chunk, i, newline === -1 ? chunk.length : newline, true)) lineHasContent = true;
        if (newline === -1) break;
        if (lineHasContent) records++;
        lineHasContent = false;
        i = newline + 1;
      }
    },
    rows: () => records + (lineHasContent ? 1 : 0),
  };
}

/** Whether bytes [from, to) hold more than CR (and, for JSON lines, blanks); usually the first byte says. */
function hasContent(chunk: Buffer, from: number, to: number, blanksToo: boolean): boolean {
  for (let i = from; i < to; i++) {
    const b = chunk[i];
    if (b !== CR && !(blanksToo && (b === 0x20 || b === 0x09))) return true;
  }
  return false;
}
