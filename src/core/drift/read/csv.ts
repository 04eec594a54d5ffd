// A CSV reader for large numeric files: it walks the bytes once and turns an unquoted decimal field
// into a double straight from its digits (Clinger's fast path, exact when the digits fit in 2^53 and
// the power of ten is at most 22), so a million-row file does not allocate a string per number.
// Other fields (quoted, text, long mantissas) are decoded as strings and parsed as JavaScript does.
// Quotes follow RFC 4180 (doubled quotes inside quoted fields; newlines allowed in them).
import { isUtf8 } from 'node:buffer';
import { MlwbError } from '../../errors';
import { ColumnBuilder, MISSING, type Table } from './table';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT = 2 ** 53;

/** The number an unquoted field spells, NaN for "not a plain decimal" (the caller then decodes it). */
function fastNumber(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buf[i] === MINUS || buf[i] === PLUS) {
    negative = buf[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let sawDigit = false;
  while (i < end && buf[i] >= ZERO && buf[i] <= NINE) {
    mantissa = mantissa * 10 + (buf[i] - ZERO);
    if (mantissa !== 0) digits++;
    sawDigit = true;
    i++;
  }
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end && buf[i] >= ZERO && buf[i] <= NINE) {
      mantissa = mantissa * 10 + (buf[i] - ZERO);
      if (mantissa !== 0) digits++;
      scale--;
      sawDigit = true;
      i++;
    }
  }
  if (!sawDigit) return NaN;
  if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    let expNegative = false;
    if (buf[i] === MINUS || buf[i] === PLUS) {
      expNegative = buf[i] === MINUS;
      i++;
    }
    let exp = 0;
    const expStart = i;
    while (i < end && buf[i] >= ZERO && buf[i] <= NINE && exp < 10000) exp = exp * 10 + (buf[i++] - ZERO);
    if (i === expStart) return NaN;
    scale += expNegative ? -exp : exp;
  }
  if (i !== end || digits > 15 || mantissa >= MAX_EXACT || scale < -22 || scale > 22) return NaN;
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}

/** What a field that is not a plain decimal means: missing, ±Inf, another number syntax, or text. */
function slowField(text: string): number | string | null {
  if (MISSING.has(text)) return null;
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (t !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return text;
}

/** 1-based line of a byte offset, for messages. */
function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === LF) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8's structure (lead byte + continuation bytes). */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (i + k >= buf.length || (buf[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return 0;
}

export interface CsvOptions {
  delimiter?: string;
}

/** Reads a whole CSV (or TSV with delimiter '\t') held in `buf`; `source` names it in messages. */
export function parseCsv(buf: Buffer, source: string, options: CsvOptions = {}): Table {
  if (!isUtf8(buf)) {
    throw new MlwbError(`${source} is not UTF-8 text (line ${lineAt(buf, firstInvalidUtf8(buf))}).`, 'Save it as UTF-8 (for example with iconv -t UTF-8).');
  }
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const end = buf.length;
  let line = 1;

  /** Reads one field starting at pos; returns [start, end) of its raw bytes, or the unquoted text. */
  const readField = (): { start: number; stop: number; text?: string } => {
    if (buf[pos] !== QUOTE) {
      const start = pos;
      while (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) pos++;
      return { start, stop: pos };
    }
    const quoteLine = line;
    pos++;
    const parts: string[] = [];
    let start = pos;
    for (;;) {
      if (pos >= end) throw new MlwbError(`${source}:${quoteLine}: a quoted field is never closed.`, 'Check the quotes on that line.');
      const b = buf[pos];
      if (b === QUOTE) {
        if (buf[pos + 1] === QUOTE) {
          parts.push(buf.toString('utf8', start, pos + 1));
          pos += 2;
          start = pos;
          continue;
        }
        parts.push(buf.toString('utf8', start, pos));
        pos++;
        break;
      }
      if (b === LF) line++;
      pos++;
    }
    if (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) {
      throw new MlwbError(`${source}:${line}: text after a closing quote.`, 'A quote inside a quoted field must be doubled ("").');
    }
    return { start: 0, stop: 0, text: parts.join('') };
  };

  /** Skips the line ending at pos (LF, CRLF or CR); false at end of file. */
  const endOfRecord = (): boolean => {
    if (pos >= end) return false;
    if (buf[pos] === CR) pos++;
    if (buf[pos] === LF) pos++;
    line++;
    return true;
  };

  // Header.
  while (pos < end && (buf[pos] === LF || buf[pos] === CR)) endOfRecord();
  if (pos >= end) throw new MlwbError(`${source} is empty.`, 'A CSV file needs a header line and at least one row.');
  const names: string[] = [];
  for (;;) {
    const f = readField();
    names.push(f.text ?? buf.toString('utf8', f.start, f.stop).trim());
    if (buf[pos] === delimiter) {
      pos++;
      continue;
    }
    break;
  }
  endOfRecord();
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') names[i] = `column ${i + 1}`;
    if (seen.has(names[i])) throw new MlwbError(`${source}: column "${names[i]}" appears twice in the header.`, 'Give every column its own name.');
    seen.add(names[i]);
  });
  const builders = names.map((n) => new ColumnBuilder(n));
  const width = names.length;
  let rows = 0;

  while (pos < end) {
    if (buf[pos] === LF || buf[pos] === CR) {
      endOfRecord(); // blank line
      continue;
    }
    const rowLine = line;
    let column = 0;
    for (;;) {
      const f = readField();
      if (column >= width) {
        throw new MlwbError(`${source}:${rowLine}: this row has more than ${width} fields, the header has ${width}.`, 'Fix the row or quote fields that contain the delimiter.');
      }
      const builder = builders[column];
      if (f.text === undefined && builder.isNumeric) {
        const v = fastNumber(buf, f.start, f.stop);
        if (!Number.isNaN(v)) builder.pushNumber(v);
        else pushSlow(builder, buf.toString('utf8', f.start, f.stop));
      } else pushSlow(builder, f.text ?? buf.toString('utf8', f.start, f.stop));
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
    rows++;
    endOfRecord();
  }
  if (rows === 0) throw new MlwbError(`${source} has a header but no rows.`, 'Compare files that hold data.');
  return { source, rows, columns: builders.map((b) => b.build()) };

  function pushSlow(builder: ColumnBuilder, text: string): void {
    const v = slowField(text);
    if (v === null) {
      if (builder.isNumeric) builder.pushNumber(NaN);
      else builder.pushString(null);
    } else if (typeof v === 'number' && builder.isNumeric) builder.pushNumber(v);
    else builder.pushString(typeof v === 'number' ? text : v);
  }
}
