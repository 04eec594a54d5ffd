import type { Table } from './tabular';

const COMMA = 44;
const NEWLINE = 10;
const CR = 13;

/**
 * A quote-free CSV read in one pass over its bytes, without decoding it or making a string per
 * field: field boundaries are kept as offsets, numbers are parsed straight from the bytes
 * (exactly as Number() would), and a column's strings are made only when someone asks for
 * them (the label, a slice).
 */
export function plainCsvTable(bytes: Uint8Array, onRowError: (line: number, fields: number, expected: number) => never): Table {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buffer.length;
  let pos = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  while (pos < length && (buffer[pos] === NEWLINE || buffer[pos] === CR)) pos++;
  let headerEnd = buffer.indexOf(NEWLINE, pos);
  if (headerEnd < 0) headerEnd = length;
  const header = buffer.toString('utf8', pos, buffer[headerEnd - 1] === CR ? headerEnd - 1 : headerEnd).split(',');
  const width = header.length;
  let capacity = 1024;
  let bounds = new Int32Array(capacity * width * 2);
  let numbers = header.map(() => new Float64Array(capacity));
  const numeric = header.map(() => true);
  let rows = 0;
  pos = headerEnd + 1;
  let line = 2;
  while (pos < length) {
    let end = buffer.indexOf(NEWLINE, pos);
    if (end < 0) end = length;
    const lineEnd = end > pos && buffer[end - 1] === CR ? end - 1 : end;
    if (lineEnd > pos) {
      if (rows === capacity) {
        capacity *= 2;
        const grown = new Int32Array(capacity * width * 2);
        grown.set(bounds);
        bounds = grown;
        numbers = numbers.map((n) => {
          const g = new Float64Array(capacity);
          g.set(n);
          return g;
        });
      }
      let start = pos;
      let column = 0;
      for (let i = pos; i <= lineEnd; i++) {
        if (i === lineEnd || buffer[i] === COMMA) {
          if (column >= width) onRowError(line, column + 1, width);
          const at = (rows * width + column) * 2;
          bounds[at] = start;
          bounds[at + 1] = i;
          if (numeric[column]) {
            const v = parseNumber(buffer, start, i);
            if (v === undefined) numeric[column] = false;
            else numbers[column][rows] = v;
          }
          column++;
          start = i + 1;
        }
      }
      if (column !== width) onRowError(line, column, width);
      rows++;
    }
    pos = end + 1;
    line++;
  }
  const made = new Map<string, string[]>();
  const strings = (c: number): string[] => {
    const out = new Array<string>(rows);
    for (let r = 0; r < rows; r++) out[r] = buffer.toString('utf8', bounds[(r * width + c) * 2], bounds[(r * width + c) * 2 + 1]);
    return out;
  };
  const values = new LazyColumns(header, (name) => {
    let v = made.get(name);
    if (!v) made.set(name, (v = strings(header.indexOf(name))));
    return v;
  });
  const numericColumns = new Map(header.map((h, c) => [h, numeric[c] ? numbers[c].subarray(0, rows) : null]));
  return { columns: header, values, rows, numeric: numericColumns };
}

/** Map whose values are built on first get(): has() and keys() work without building any. */
class LazyColumns extends Map<string, string[]> {
  constructor(names: string[], private readonly make: (name: string) => string[]) {
    super(names.map((n) => [n, []]));
  }

  override get(name: string): string[] | undefined {
    return super.has(name) ? this.make(name) : undefined;
  }
}

const DIGIT_0 = 48;
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The field as a number: NaN for an empty/NA field, undefined for text that is not a number.
 * Plain decimals of up to 15 digits are computed as integer / 10^k — both exact doubles, so the
 * division rounds exactly as Number() does; anything else goes to Number().
 */
export function parseNumber(bytes: Buffer, start: number, end: number): number | undefined {
  if (start === end) return NaN;
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c >= DIGIT_0 && c <= DIGIT_0 + 9) {
      mantissa = mantissa * 10 + (c - DIGIT_0);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) fraction = 0;
    else break;
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = fraction > 0 ? mantissa / POWERS[fraction] : mantissa;
    return negative ? -v : v;
  }
  const field = bytes.toString('utf8', start, end).trim();
  if (field === '' || field === 'NA' || field === 'NaN') return NaN;
  const v = Number(field);
  return Number.isNaN(v) ? undefined : v;
}
