// A CSV reader for large numeric files: it walks the bytes once and turns an unquoted decimal field
// into a double straight from its digits (decimal.ts: Clinger's fast path, exact when the digits fit
// in 2^53 and the power of ten is at most 22), written at its row of a Float64Array column, so a
// million-row file allocates no string per number. Other fields (quoted, text, long mantissas) are decoded as
// strings and parsed as JavaScript does. Quotes follow RFC 4180 (doubled quotes inside quoted
// fields; newlines allowed in them). Rows arrive in chunks that end on a line feed (csvFile.ts
// reads a file that way); a row a chunk cuts inside a quoted field is taken again from the next one.
import { isUtf8 } from 'node:buffer';
import { MlwbError } from '../../errors';
import { decimalEnd, fastDecimal } from './decimal';
import { MISSING, type Column, type Table } from './table';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** No spelling of a missing value is longer: longer text needs no lookup. */
const MAX_MISSING_LENGTH = Math.max(...[...MISSING].map((m) => m.length));

/** What a field that is not a plain decimal means: missing, ±Inf, another number syntax, or text. */
function slowField(text: string): number | string | null {
  if (MISSING.has(text)) return null;
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (t !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return text;
}

/** Offset of the first byte that breaks UTF-8's structure (lead byte + continuation bytes). */
function firstInvalidUtf8(buf: Uint8Array, end: number): number {
  for (let i = 0; i < end; ) {
    const b = buf[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (i + k >= end || (buf[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return 0;
}

/** Refuses bytes that are not UTF-8, naming the line; `firstLine` is the line `buf` starts on. */
export function checkUtf8(buf: Buffer, end: number, source: string, firstLine: number): void {
  if (isUtf8(buf.subarray(0, end))) return;
  const at = firstInvalidUtf8(buf, end);
  let line = firstLine;
  for (let i = buf.indexOf(LF); i !== -1 && i < at; i = buf.indexOf(LF, i + 1)) line++;
  throw new MlwbError(`${source} is not UTF-8 text (line ${line}).`, 'Save it as UTF-8 (for example with iconv -t UTF-8).');
}

export interface CsvOptions {
  delimiter?: string;
}

/**
 * A quoted field starting at `pos` (on its opening quote) and closing before `end`: its text, where
 * it ends, newlines inside; undefined when `end` comes first (the rest of the row is in the next chunk).
 */
function readQuoted(buf: Buffer, pos: number, end: number, delimiter: number, source: string, line: number): { text: string; pos: number; newlines: number } | undefined {
  const parts: string[] = [];
  let newlines = 0;
  let start = ++pos;
  for (;;) {
    if (pos >= end) return undefined;
    const b = buf[pos];
    if (b === QUOTE) {
      if (buf[pos + 1] === QUOTE) {
        parts.push(buf.toString(undefined, start, pos + 1));
        pos += 2;
        start = pos;
        continue;
      }
      parts.push(buf.toString(undefined, start, pos));
      pos++;
      break;
    }
    if (b === LF) newlines++;
    pos++;
  }
  if (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) {
    throw new MlwbError(`${source}:${line + newlines}: text after a closing quote.`, 'A quote inside a quoted field must be doubled ("").');
  }
  return { text: parts.join(''), pos, newlines };
}

function unclosedQuote(source: string, line: number): MlwbError {
  return new MlwbError(`${source}:${line}: a quoted field is never closed.`, 'Check the quotes on that line.');
}

/**
 * Reads the header from `buf[pos, end)` (blank lines before it skipped): the column names and
 * where the rows start, or undefined when the header does not end before `end`.
 */
export function parseHeader(buf: Buffer, pos: number, end: number, delimiter: number, source: string, final: boolean): { names: string[]; pos: number; line: number } | undefined {
  let line = 1;
  while (pos < end && (buf[pos] === LF || buf[pos] === CR)) {
    if (buf[pos] === LF) line++;
    pos++;
  }
  if (pos >= end) {
    if (final) throw new MlwbError(`${source} is empty.`, 'A CSV file needs a header line and at least one row.');
    return undefined;
  }
  const names: string[] = [];
  for (;;) {
    if (buf[pos] === QUOTE) {
      const q = readQuoted(buf, pos, end, delimiter, source, line);
      if (!q) {
        if (final) throw unclosedQuote(source, line);
        return undefined;
      }
      names.push(q.text);
      pos = q.pos;
      line += q.newlines;
    } else {
      const start = pos;
      while (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) pos++;
      names.push(buf.toString(undefined, start, pos).trim());
    }
    if (pos < end && buf[pos] === delimiter) {
      pos++;
      continue;
    }
    break;
  }
  if (pos >= end && !final) return undefined;
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') names[i] = `column ${i + 1}`;
    if (seen.has(names[i])) throw new MlwbError(`${source}: column "${names[i]}" appears twice in the header.`, 'Give every column its own name.');
    seen.add(names[i]);
  });
  // The header's line end is taken here, so the rows start on a row.
  if (buf[pos] === CR && buf[pos + 1] === LF) pos++;
  if (pos < end) {
    pos++;
    line++;
  }
  return { names, pos, line };
}

/**
 * The rows of a CSV, column by column: a Float64Array per column (NaN missing) until the column
 * meets a field that is not a number, then strings (null missing).
 */
export class CsvRows {
  private readonly width: number;
  private readonly numbers: Array<Float64Array | undefined>;
  private readonly strings: Array<Array<string | null> | undefined>;
  private capacity: number;
  rows = 0;

  /** `capacity`: an upper bound on the row count (the file's line count), so columns are allocated once. */
  constructor(private readonly names: string[], private readonly delimiter: number, private readonly source: string, private line: number, capacity: number) {
    this.width = names.length;
    this.capacity = Math.max(capacity, 16);
    this.numbers = names.map(() => new Float64Array(this.capacity));
    this.strings = names.map(() => undefined);
  }

  /** The column as text from now on: the numbers so far become strings. */
  private toStrings(column: number): Array<string | null> {
    const numbers = this.numbers[column]!;
    // Sized once for every row (a text column of a big file grows no array).
    const converted: Array<string | null> = new Array(this.capacity);
    for (let i = 0; i < this.rows; i++) converted[i] = Number.isNaN(numbers[i]) ? null : String(numbers[i]);
    this.numbers[column] = undefined;
    this.strings[column] = converted;
    return converted;
  }

  /** A field's text at `row`: missing, a number in another syntax, or text (which turns the column to text). */
  private setText(column: number, row: number, text: string): void {
    const strings = this.strings[column];
    if (strings !== undefined) {
      // A text column keeps each field as written (numbers too): only the missing spellings matter.
      strings[row] = text.length <= MAX_MISSING_LENGTH && MISSING.has(text) ? null : text;
      return;
    }
    const v = slowField(text);
    const numbers = this.numbers[column];
    if (numbers !== undefined && typeof v !== 'string') {
      numbers[row] = v === null ? NaN : v;
      return;
    }
    this.toStrings(column)[row] = v === null ? null : text;
  }

  private grow(): void {
    this.capacity *= 2;
    this.numbers.forEach((numbers, column) => {
      if (!numbers) return;
      const grown = new Float64Array(this.capacity);
      grown.set(numbers);
      this.numbers[column] = grown;
    });
  }

  /**
   * Takes the rows of `buf[pos, end)`, whose last byte is a line feed. Returns where the first row
   * it could not finish starts (a quoted field running past `end`): `end` when it took them all.
   * With `final`, such a row is an unclosed quote.
   */
  feed(buf: Buffer, pos: number, end: number, final: boolean): number {
    const { width, delimiter, source, numbers } = this;
    while (pos < end) {
      const first = buf[pos];
      if (first === LF || first === CR) {
        if (first === CR && buf[pos + 1] === LF) pos++;
        pos++;
        this.line++;
        continue;
      }
      const rowStart = pos;
      const rowLine = this.line;
      const row = this.rows;
      if (row === this.capacity) this.grow();
      let column = 0;
      let line = rowLine;
      for (;;) {
        if (column >= width) {
          throw new MlwbError(`${source}:${rowLine}: this row has more than ${width} fields, the header has ${width}.`, 'Fix the row or quote fields that contain the delimiter.');
        }
        const values = numbers[column];
        const b = buf[pos];
        let parsed = false;
        if (b !== QUOTE && values !== undefined) {
          const value = fastDecimal(buf, pos, delimiter);
          if (value === value) {
            values[row] = value;
            pos = decimalEnd();
            parsed = true;
          }
        }
        if (!parsed) {
          if (buf[pos] === QUOTE) {
            const q = readQuoted(buf, pos, end, delimiter, source, line);
            if (!q) {
              if (final) throw unclosedQuote(source, line);
              // The row goes on in the next chunk: taken again from its start there.
              this.line = rowLine;
              return rowStart;
            }
            pos = q.pos;
            line += q.newlines;
            this.setText(column, row, q.text);
          } else {
            const start = pos;
            while (buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) pos++;
            this.setText(column, row, buf.toString(undefined, start, pos));
          }
        }
        column++;
        if (buf[pos] === delimiter) {
          pos++;
          continue;
        }
        break;
      }
      if (column !== width) {
        throw new MlwbError(`${source}:${rowLine}: this row has ${column} field${column === 1 ? '' : 's'}, the header has ${width}.`, 'Every row needs one field per column.');
      }
      this.rows++;
      this.line = line + 1;
      if (buf[pos] === CR && buf[pos + 1] === LF) pos++;
      pos++;
    }
    return end;
  }

  /** The line the next row starts on. */
  get nextLine(): number {
    return this.line;
  }

  table(): Table {
    if (this.rows === 0) throw new MlwbError(`${this.source} has a header but no rows.`, 'Compare files that hold data.');
    const columns = this.names.map((name, i): Column => {
      // A view, not a copy: each column keeps a buffer of its own (worker threads transfer it).
      const numbers = this.numbers[i];
      if (numbers) return { name, kind: 'number', values: numbers.subarray(0, this.rows) };
      const strings = this.strings[i]!;
      strings.length = this.rows;
      return { name, kind: 'string', values: strings };
    });
    return { source: this.source, rows: this.rows, columns };
  }
}

/** Reads a whole CSV (or TSV with delimiter '\t') held in `buf`; `source` names it in messages. */
export function parseCsv(input: Buffer, source: string, options: CsvOptions = {}): Table {
  // Every row must end on a line feed: one is added after a last row that lacks it.
  const buf = input.length && input[input.length - 1] === LF ? input : Buffer.concat([input, Buffer.from([LF])]);
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  checkUtf8(buf, buf.length, source, 1);
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  const header = parseHeader(buf, bom, buf.length, delimiter, source, true)!;
  let lines = 1;
  for (let i = buf.indexOf(LF, header.pos); i !== -1; i = buf.indexOf(LF, i + 1)) lines++;
  const rows = new CsvRows(header.names, delimiter, source, header.line, lines);
  rows.feed(buf, header.pos, buf.length, true);
  return rows.table();
}
