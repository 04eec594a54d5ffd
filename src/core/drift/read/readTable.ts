// One entry point for every data file the drift report reads, chosen by extension.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlwbError } from '../../errors';
import { readCsvFile, sampleHint } from './csvFile';
import { parseJsonLines } from './jsonLines';
import { parseParquet } from './parquet';
import type { Table } from './table';

export const SUPPORTED_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson', '.parquet'];

/** Files above this share of the memory are refused: both files' columns must fit at once. */
const MEMORY_SHARE = 0.25;

/** CSV is read in chunks; Parquet is read whole into one buffer, JSON lines into one string. */
const READ_LIMIT: Record<string, number> = { '.csv': Infinity, '.tsv': Infinity, '.parquet': 2 ** 31 - 1, '.jsonl': 2 ** 29 - 24, '.ndjson': 2 ** 29 - 24 };

export async function readTable(file: string, shownAs = file): Promise<Table> {
  const ext = path.extname(file).toLowerCase();
  if (!SUPPORTED_EXTENSIONS.includes(ext)) {
    throw new MlwbError(`${shownAs}: unsupported file type "${ext || '(none)'}".`, `Use ${SUPPORTED_EXTENSIONS.join(', ')}.`);
  }
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    throw new MlwbError(`${shownAs}: file not found.`, 'Check the path.');
  }
  if (size === 0) throw new MlwbError(`${shownAs} is empty.`, 'Compare files that hold data.');
  const limit = Math.min(os.totalmem() * MEMORY_SHARE, READ_LIMIT[ext]);
  if (size > limit) {
    throw new MlwbError(`${shownAs} is ${(size / 2 ** 30).toFixed(1)} GiB, more than this machine can hold in memory for a drift report (${(limit / 2 ** 30).toFixed(1)} GiB).`, sampleHint(shownAs));
  }
  if (ext === '.csv' || ext === '.tsv') return readCsvFile(file, shownAs, { delimiter: ext === '.tsv' ? '\t' : ',', memoryLimit: os.totalmem() * MEMORY_SHARE });
  const buf = await fs.readFile(file);
  if (ext === '.parquet') return parseParquet(buf, shownAs);
  const { isUtf8 } = await import('node:buffer');
  if (!isUtf8(buf)) throw new MlwbError(`${shownAs} is not UTF-8 text.`, 'Save it as UTF-8.');
  return parseJsonLines(buf.toString('utf8'), shownAs);
}
