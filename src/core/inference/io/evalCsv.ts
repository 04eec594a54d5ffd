import { promises as fs } from 'node:fs';
import type { EvalRows } from '../evalRows';
import { parseNumber } from './plainCsv';

const COMMA = 44;
const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);
const CHUNK_BYTES = 4 << 20;
/** Data lines looked at to tell numeric columns from text before reading on. */
const PROBE_LINES = 1000;

/**
 * Thrown when the file is not one this reader takes as it is (quotes, a ragged row, a column
 * that turns out not to be numeric, names it cannot find): the caller reads it the general way,
 * which gives the same results or the precise error.
 */
export class NotPlainCsv extends Error {}

export interface EvalCsvPlan {
  label: string;
  slice?: string;
  /** The feature columns; by default every numeric column other than the label and slice. */
  features?: string[];
  /** The model input's name: a column of that name means the table feeds inputs by name. */
  inputName: string;
  /** The input's declared feature count, when fixed. */
  declaredWidth: number | null;
  classification: boolean;
  /** Regression: keep the label's text too (for a predictions file). */
  keepLabelTexts: boolean;
  batchSize: number;
  /** Runs the model on `count` rows of features (row-major, a view valid only during the call). */
  runBatch: (features: Float32Array, count: number) => Promise<void>;
  /** After each chunk: bytes of the file done so far, and its size. */
  onChunk?: (bytesDone: number, bytesTotal: number) => void;
}

export interface EvalCsvSummary {
  features: string[];
  /** Non-blank data rows in the file. */
  dataRows: number;
}

enum Role { Skip, Feature, Label, Slice }

/**
 * Evaluation's reader for quote-free CSV: the file is read in 4 MiB chunks and each line parsed
 * from its bytes straight into the float32 feed of the next batch; labels and slice values
 * become ids of a dictionary, so no string or object is made per row or per cell. Rows with a
 * missing feature or label are counted and left out, as the general path does.
 */
export async function readCsvForEval(file: string, plan: EvalCsvPlan, into: EvalRows): Promise<EvalCsvSummary> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let done = 0;
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    let eof = false;
    let parser: LineParser | undefined;
    while (!eof || filled > 0) {
      while (!eof && filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
        if (bytesRead === 0) eof = true;
        else if (buffer.subarray(filled, filled + bytesRead).indexOf(QUOTE) >= 0) throw new NotPlainCsv('quoted fields');
        filled += bytesRead;
      }
      const end = eof ? filled : buffer.lastIndexOf(NEWLINE, filled - 1) + 1;
      if (end === 0) {
        const grown = Buffer.allocUnsafe(buffer.length * 2); // one line longer than a chunk
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
        continue;
      }
      let pos = 0;
      if (!parser) {
        const header = readHeader(buffer, end);
        if (!header) throw new NotPlainCsv('no header');
        parser = new LineParser(plan, header.columns, probeNumeric(buffer, header.next, end, header.columns.length), into);
        pos = header.next;
        reserveRows(into, plan, Math.ceil((size - pos) / Math.max(1, averageLine(buffer, pos, end))));
      }
      while (pos < end) {
        pos = parser.parse(buffer, pos, end);
        await parser.flush(false);
      }
      done += end;
      plan.onChunk?.(done, size);
      buffer.copy(buffer, 0, end, filled);
      filled -= end;
    }
    if (!parser) throw new NotPlainCsv('empty');
    await parser.flush(true);
    return { features: parser.features, dataRows: parser.dataRows };
  } finally {
    await handle.close();
  }
}

/** Bytes per line over the first 64 KiB of data: how many rows to make room for at once. */
function averageLine(buffer: Buffer, pos: number, end: number): number {
  const stop = Math.min(end, pos + (64 << 10));
  let lines = 0;
  for (let i = pos; i < stop; i++) if (buffer[i] === NEWLINE) lines++;
  return (stop - pos) / Math.max(1, lines);
}

function reserveRows(into: EvalRows, plan: EvalCsvPlan, rows: number): void {
  into.rows.reserve(rows);
  (plan.classification ? into.labelIds : into.labelValues).reserve(rows);
  if (plan.slice !== undefined) into.sliceIds.reserve(rows);
}

function readHeader(buffer: Buffer, end: number): { columns: string[]; next: number } | undefined {
  let pos = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  while (pos < end && (buffer[pos] === NEWLINE || buffer[pos] === CR)) pos++;
  if (pos >= end) return undefined;
  let lineEnd = buffer.indexOf(NEWLINE, pos);
  if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
  const next = lineEnd + 1;
  if (buffer[lineEnd - 1] === CR) lineEnd--;
  return { columns: buffer.toString('utf8', pos, lineEnd).split(','), next };
}

/** Per column: whether every field of the first lines is a number (or empty). */
function probeNumeric(buffer: Buffer, pos: number, end: number, width: number): boolean[] {
  const numeric = new Array<boolean>(width).fill(true);
  for (let lines = 0; pos < end && lines < PROBE_LINES; lines++) {
    let lineEnd = buffer.indexOf(NEWLINE, pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const next = lineEnd + 1;
    if (lineEnd > pos && buffer[lineEnd - 1] === CR) lineEnd--;
    let start = pos;
    for (let column = 0; column < width && start <= lineEnd; column++) {
      let i = start;
      while (i < lineEnd && buffer[i] !== COMMA) i++;
      if (numeric[column] && parseNumber(buffer, start, i) === undefined) numeric[column] = false;
      start = i + 1;
    }
    pos = next;
  }
  return numeric;
}

class LineParser {
  readonly features: string[];
  dataRows = 0;
  private readonly roles: Role[];
  /** Column → its place among the features (for Role.Feature). */
  private readonly slot: Int32Array;
  private readonly width: number;
  private pending: Float32Array;
  private pendingRows = 0;

  constructor(private readonly plan: EvalCsvPlan, private readonly columns: string[], numeric: boolean[], private readonly into: EvalRows) {
    if (new Set(columns).size !== columns.length || columns.includes(plan.inputName)) throw new NotPlainCsv('columns by name');
    const role = (c: string) => (c === plan.label ? Role.Label : c === plan.slice ? Role.Slice : Role.Skip);
    if (!columns.includes(plan.label) || (plan.slice !== undefined && (!columns.includes(plan.slice) || plan.slice === plan.label))) throw new NotPlainCsv('names');
    this.features = plan.features ?? columns.filter((c, i) => numeric[i] && role(c) === Role.Skip);
    if (this.features.some((f) => !columns.includes(f) || role(f) !== Role.Skip)) throw new NotPlainCsv('features');
    if (plan.declaredWidth !== null && plan.declaredWidth !== this.features.length) throw new NotPlainCsv('width');
    this.width = this.features.length;
    this.roles = columns.map((c) => (this.features.includes(c) ? Role.Feature : role(c)));
    this.slot = Int32Array.from(columns, (c) => this.features.indexOf(c));
    this.pending = new Float32Array(plan.batchSize * Math.max(this.width, 1));
  }

  /**
   * Lines in buffer[pos, end), until a batch is full: each a row of features in `pending`, its
   * label and slice in `into`. Returns where it stopped. One pass over the bytes: fields are
   * found, and plain decimals parsed, in the same loop.
   */
  parse(buffer: Buffer, pos: number, end: number): number {
    const { roles, slot, width, into, plan } = this;
    const columnCount = this.columns.length;
    const pending = this.pending;
    const capacityRows = Math.floor(pending.length / Math.max(width, 1));
    // Room for a batch of rows up front, so that the pushes below never grow an array.
    reserveRows(into, plan, capacityRows);
    while (pos < end && this.pendingRows < capacityRows) {
      if (buffer[pos] === NEWLINE || (buffer[pos] === CR && buffer[pos + 1] === NEWLINE)) {
        pos += buffer[pos] === NEWLINE ? 1 : 2;
        continue;
      }
      const row = this.dataRows++;
      const base = this.pendingRows * width;
      let complete = true;
      let labelStart = -1;
      let labelEnd = -1;
      let sliceStart = -1;
      let sliceEnd = -1;
      let column = 0;
      let i = pos;
      for (;;) {
        const start = i;
        const role = column < columnCount ? roles[column] : Role.Skip;
        let c = 0;
        if (role === Role.Feature) {
          // A plain decimal of up to 15 digits is integer / 10^k, both exact: rounded as Number() rounds it.
          let negative = false;
          if (i < end && (buffer[i] === MINUS || buffer[i] === PLUS)) negative = buffer[i++] === MINUS;
          let mantissa = 0;
          let digits = 0;
          let fraction = -1;
          for (; i < end; i++) {
            c = buffer[i];
            if (c >= DIGIT_0 && c <= DIGIT_9) {
              mantissa = mantissa * 10 + (c - DIGIT_0);
              digits++;
              if (fraction >= 0) fraction++;
            } else if (c === DOT && fraction < 0) fraction = 0;
            else break;
          }
          const delimited = i === end || c === COMMA || c === NEWLINE || (c === CR && (i + 1 === end || buffer[i + 1] === NEWLINE));
          if (delimited && digits > 0 && digits <= 15) {
            const v = fraction > 0 ? mantissa / POWERS[fraction] : mantissa;
            pending[base + slot[column]] = negative ? -v : v;
            if (c === CR) i++;
          } else {
            while (i < end && (c = buffer[i]) !== COMMA && c !== NEWLINE) i++;
            const v = parseNumber(buffer, start, i > start && buffer[i - 1] === CR ? i - 1 : i);
            if (v === undefined) throw new NotPlainCsv('text in a feature column');
            if (v !== v) complete = false;
            pending[base + slot[column]] = v;
          }
        } else {
          while (i < end && (c = buffer[i]) !== COMMA && c !== NEWLINE) i++;
          const fieldEnd = i > start && buffer[i - 1] === CR ? i - 1 : i;
          if (role === Role.Label) {
            labelStart = start;
            labelEnd = fieldEnd;
          } else if (role === Role.Slice) {
            sliceStart = start;
            sliceEnd = fieldEnd;
          }
        }
        column++;
        if (i >= end || buffer[i] === NEWLINE) break;
        i++;
      }
      if (column !== columnCount) throw new NotPlainCsv('ragged');
      pos = i + 1;
      if (!complete || labelStart === labelEnd) continue;
      this.pendingRows++;
      into.rows.push(row);
      if (plan.classification) into.labelIds.push(into.labelNames.idOfBytes(buffer, labelStart, labelEnd));
      else {
        into.labelValues.push(parseNumber(buffer, labelStart, labelEnd) ?? NaN);
        if (plan.keepLabelTexts) into.labelTexts.push(buffer.toString('utf8', labelStart, labelEnd));
      }
      if (sliceStart >= 0) into.sliceIds.push(into.sliceNames.idOfBytes(buffer, sliceStart, sliceEnd));
    }
    return pos;
  }

  /** Runs every full batch parsed so far (and at the end, the rest); the remainder moves to the front. */
  async flush(last: boolean): Promise<void> {
    const { batchSize } = this.plan;
    const width = this.width;
    let from = 0;
    while (this.pendingRows - from >= batchSize || (last && from < this.pendingRows)) {
      const count = Math.min(batchSize, this.pendingRows - from);
      await this.plan.runBatch(this.pending.subarray(from * width, (from + count) * width), count);
      from += count;
    }
    this.pending.copyWithin(0, from * width, this.pendingRows * width);
    this.pendingRows -= from;
  }
}
