// A CSV file read in chunks through one reused buffer, never whole: on this kind of machine the first
// write to fresh memory costs more than parsing it (~5 ms per MB), so a 190 MB file read at once
// spent a second on page faults alone. A first pass counts the lines, so every column is allocated
// once at its final size; the second parses whole rows of each chunk and carries the cut row over.
import { promises as fs } from 'node:fs';
import { MlwbError } from '../../errors';
import { checkUtf8, CsvRows, parseHeader, type CsvOptions } from './csv';
import type { Table } from './table';

const LF = 0x0a;
const CHUNK_BYTES = 1 << 20;

/** Reads `file` chunk by chunk into `buf` (grown when a row does not fit); `onChunk` gets
 * `buf[0, filled)` and returns how many bytes it took; the rest starts the next chunk. */
async function forEachChunk(handle: fs.FileHandle, onChunk: (buf: Buffer, filled: number, final: boolean) => number): Promise<void> {
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry = 0;
  let offset = 0;
  for (;;) {
    if (carry === buf.length) {
      const grown = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(grown, 0, 0, carry);
      buf = grown;
    }
    const { bytesRead } = await handle.read(buf, carry, buf.length - carry, offset);
    offset += bytesRead;
    const filled = carry + bytesRead;
    const final = bytesRead === 0;
    const taken = onChunk(buf, filled, final);
    if (final) return;
    buf.copy(buf, 0, taken, filled);
    carry = filled - taken;
  }
}

/** The offset just past the last line feed of `buf[0, filled)`, 0 when there is none. */
function wholeLines(buf: Buffer, filled: number): number {
  return filled === 0 ? 0 : buf.lastIndexOf(LF, filled - 1) + 1;
}

const GIB = 2 ** 30;

/** A reproducible random sample of a file's rows (the file itself is shuf's source of randomness). */
export function sampleHint(file: string): string {
  return `Compare a random sample of its rows, e.g. (head -n 1 ${file}; tail -n +2 ${file} | shuf -n 1000000 --random-source=${file}) > sample.csv`;
}

/** `memoryLimit`: the bytes its columns may take (8 a value), refused beyond with a way out. */
export async function readCsvFile(file: string, source: string, options: CsvOptions & { memoryLimit?: number } = {}): Promise<Table> {
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  const handle = await fs.open(file, 'r');
  try {
    let lines = 1;
    await forEachChunk(handle, (buf, filled) => {
      const bytes = buf.subarray(0, filled);
      for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) lines++;
      return filled;
    });
    let rows: CsvRows | undefined;
    await forEachChunk(handle, (buf, filled, final) => {
      let end = wholeLines(buf, filled);
      if (final && end < filled) {
        // A last row without its line feed: the buffer always has room for one (it was not full).
        buf[filled] = LF;
        end = filled + 1;
      }
      if (end === 0 && !final) return 0;
      checkUtf8(buf, end, source, rows ? rows.nextLine : 1);
      if (rows) return rows.feed(buf, 0, end, final);
      // Until the header is read whole, every chunk starts at the file's start (a BOM skipped).
      const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      const header = parseHeader(buf, bom, end, delimiter, source, final);
      if (!header) return 0;
      const bytes = lines * header.names.length * 8;
      if (bytes > (options.memoryLimit ?? Infinity)) {
        throw new MlwbError(`${source} holds up to ${lines - 1} rows × ${header.names.length} columns: ${(bytes / GIB).toFixed(1)} GiB in memory, more than this machine can hold for a drift report (${(options.memoryLimit! / GIB).toFixed(1)} GiB).`, sampleHint(source));
      }
      rows = new CsvRows(header.names, delimiter, source, header.line, lines);
      return rows.feed(buf, header.pos, end, final);
    });
    // The last chunk reads the header or refuses the file as empty, so the rows exist here.
    return (rows as unknown as CsvRows).table();
  } finally {
    await handle.close();
  }
}
