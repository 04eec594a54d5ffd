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

/** A quoted field starting at `pos` (on its opening quote): its text, where it ends, newlines inside. */
function readQuoted(buf: Buffer, pos: number, delimiter: number, source: string, line: number): { text: string; pos: number; newlines: number } {
  const parts: string[] = [];
  let newlines = 0;
  let start = ++pos;
  for (;;) {
    if (pos >= buf.length) throw new MlwbError(`${source}:${line}: a quoted field is never closed.`, 'Check the quotes on that line.');
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
    if (b === LF) newlines++;
    pos++;
  }
  if (pos < buf.length && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) {
    throw new MlwbError(`${source}:${line + newlines}: text after a closing quote.`, 'A quote inside a quoted field must be doubled ("").');
  }
  return { text: parts.join(''), pos, newlines };
}

/** Pushes a field's text: missing, a number in another syntax, or text (which turns the column to text). */
function pushText(builder: ColumnBuilder, text: string): void {
  const v = slowField(text);
  if (v === null) {
    if (builder.isNumeric) builder.pushNumber(NaN);
    else builder.pushString(null);
  } else if (typeof v === 'number' && builder.isNumeric) builder.pushNumber(v);
  else builder.pushString(typeof v === 'number' ? text : v);
}

/** Reads a whole CSV (or TSV with delimiter '\t') held in `buf`; `source` names it in messages. */
export function parseCsv(buf: Buffer, source: string, options: CsvOptions = {}): Table {
  if (!isUtf8(buf)) {
    throw new MlwbError(`${source} is not UTF-8 text (line ${lineAt(buf, firstInvalidUtf8(buf))}).`, 'Save it as UTF-8 (for example with iconv -t UTF-8).');
  }
  const delimiter = (options.delimiter ?? ',').charCodeAt(0);
  const end = buf.length;
  let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 1;

  // Header (blank lines before it skipped).
  while (pos < end && (buf[pos] === LF || buf[pos] === CR)) {
    if (buf[pos] === LF) line++;
    pos++;
  }
  if (pos >= end) throw new MlwbError(`${source} is empty.`, 'A CSV file needs a header line and at least one row.');
  const names: string[] = [];
  for (;;) {
    if (buf[pos] === QUOTE) {
      const q = readQuoted(buf, pos, delimiter, source, line);
      names.push(q.text);
      pos = q.pos;
      line += q.newlines;
    } else {
      const start = pos;
      while (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) pos++;
      names.push(buf.toString('utf8', start, pos).trim());
    }
    if (pos < end && buf[pos] === delimiter) {
      pos++;
      continue;
    }
    break;
  }
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') names[i] = `column ${i + 1}`;
    if (seen.has(names[i])) throw new MlwbError(`${source}: column "${names[i]}" appears twice in the header.`, 'Give every column its own name.');
    seen.add(names[i]);
  });
  // Lines bound the rows from above: counted natively (memchr), they size every column once.
  let lines = 1;
  for (let i = buf.indexOf(LF, pos); i !== -1; i = buf.indexOf(LF, i + 1)) lines++;
  const builders = names.map((n) => new ColumnBuilder(n, lines));
  const width = names.length;
  let rows = 0;

  while (pos < end) {
    const first = buf[pos];
    if (first === LF || first === CR) {
      if (first === CR && buf[pos + 1] === LF) pos++;
      pos++;
      line++;
      continue;
    }
    const rowLine = line;
    let column = 0;
    for (;;) {
      if (column >= width) {
        throw new MlwbError(`${source}:${rowLine}: this row has more than ${width} fields, the header has ${width}.`, 'Fix the row or quote fields that contain the delimiter.');
      }
      const builder = builders[column];
      let b = pos < end ? buf[pos] : LF;
      let parsed = false;
      if (b !== QUOTE && builder.isNumeric) {
        // Clinger's fast path, fused with the scan: digits into an exact integer mantissa, then one
        // correctly rounded multiplication or division by an exact power of ten.
        let i = pos;
        let negative = false;
        if (b === MINUS || b === PLUS) {
          negative = b === MINUS;
          b = ++i < end ? buf[i] : LF;
        }
        let mantissa = 0;
        let digits = 0;
        let scale = 0;
        let sawDigit = false;
        while (b >= ZERO && b <= NINE) {
          mantissa = mantissa * 10 + (b - ZERO);
          if (mantissa !== 0) digits++;
          sawDigit = true;
          b = ++i < end ? buf[i] : LF;
        }
        if (b === DOT) {
          b = ++i < end ? buf[i] : LF;
          while (b >= ZERO && b <= NINE) {
            mantissa = mantissa * 10 + (b - ZERO);
            if (mantissa !== 0) digits++;
            scale--;
            sawDigit = true;
            b = ++i < end ? buf[i] : LF;
          }
        }
        let expOk = true;
        if (sawDigit && (b === LOWER_E || b === UPPER_E)) {
          b = ++i < end ? buf[i] : LF;
          let expNegative = false;
          if (b === MINUS || b === PLUS) {
            expNegative = b === MINUS;
            b = ++i < end ? buf[i] : LF;
          }
          let exp = 0;
          expOk = false;
          while (b >= ZERO && b <= NINE && exp < 10000) {
            exp = exp * 10 + (b - ZERO);
            expOk = true;
            b = ++i < end ? buf[i] : LF;
          }
          scale += expNegative ? -exp : exp;
        }
        if (sawDigit && expOk && (b === delimiter || b === LF || b === CR) && digits <= 15 && scale >= -22 && scale <= 22) {
          const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
          builder.pushNumber(negative ? -value : value);
          pos = i;
          parsed = true;
        }
      }
      if (!parsed) {
        if (buf[pos] === QUOTE) {
          const q = readQuoted(buf, pos, delimiter, source, line);
          pos = q.pos;
          line += q.newlines;
          pushText(builder, q.text);
        } else {
          const start = pos;
          while (pos < end && buf[pos] !== delimiter && buf[pos] !== LF && buf[pos] !== CR) pos++;
          pushText(builder, buf.toString('utf8', start, pos));
        }
      }
      column++;
      if (pos < end && buf[pos] === delimiter) {
        pos++;
        continue;
      }
      break;
    }
    if (column !== width) {
      throw new MlwbError(`${source}:${rowLine}: this row has ${column} field${column === 1 ? '' : 's'}, the header has ${width}.`, 'Every row needs one field per column.');
    }
    rows++;
    if (pos < end) {
      if (buf[pos] === CR && buf[pos + 1] === LF) pos++;
      pos++;
      line++;
    }
  }
  if (rows === 0) throw new MlwbError(`${source} has a header but no rows.`, 'Compare files that hold data.');
  return { source, rows, columns: builders.map((b) => b.build()) };
}
