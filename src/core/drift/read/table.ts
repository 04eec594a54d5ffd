// The in-memory form every reader produces: one array per column, numbers as Float64Array (NaN for
// a missing value) until a column meets a value that is not a number, then strings (null missing).

export interface NumericColumn {
  name: string;
  kind: 'number';
  values: Float64Array;
}

export interface StringColumn {
  name: string;
  kind: 'string';
  values: Array<string | null>;
}

export type Column = NumericColumn | StringColumn;

export interface Table {
  /** The file it came from, as given. */
  source: string;
  rows: number;
  columns: Column[];
}

/** Spellings of a missing value (compared case-sensitively, as pandas' defaults are). */
export const MISSING = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'NULL', 'null', 'None', '#N/A', '-NaN', '-nan', '<NA>']);

/** Grows a Float64Array column while rows arrive; switches to strings on the first non-number. */
export class ColumnBuilder {
  private numbers: Float64Array | undefined;
  private strings: Array<string | null> | undefined;
  length = 0;

  /** `capacity`: the expected row count, so a big file's columns are allocated once. */
  constructor(readonly name: string, capacity = 1024) {
    this.numbers = new Float64Array(Math.max(capacity, 16));
  }

  get isNumeric(): boolean {
    return this.numbers !== undefined;
  }

  pushNumber(v: number): void {
    if (!this.numbers) {
      this.strings!.push(Number.isNaN(v) ? null : String(v));
      this.length++;
      return;
    }
    if (this.length === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    this.numbers[this.length++] = v;
  }

  pushString(s: string | null): void {
    if (this.numbers) {
      const converted: Array<string | null> = new Array(this.length);
      for (let i = 0; i < this.length; i++) converted[i] = Number.isNaN(this.numbers[i]) ? null : String(this.numbers[i]);
      this.strings = converted;
      this.numbers = undefined;
    }
    this.strings!.push(s);
    this.length++;
  }

  build(): Column {
    // A view, not a copy: each column keeps a buffer of its own (worker threads transfer it).
    if (this.numbers) return { name: this.name, kind: 'number', values: this.numbers.subarray(0, this.length) };
    return { name: this.name, kind: 'string', values: this.strings! };
  }
}

/** A value from JSON or Parquet into a builder: numbers stay numbers, everything else is text. */
export function pushValue(builder: ColumnBuilder, value: unknown): void {
  if (value === null || value === undefined) {
    if (builder.isNumeric) builder.pushNumber(NaN);
    else builder.pushString(null);
  } else if (typeof value === 'number') builder.pushNumber(value);
  else if (typeof value === 'bigint') builder.pushNumber(Number(value));
  else if (typeof value === 'boolean') builder.pushString(String(value));
  else if (value instanceof Date) builder.pushNumber(value.getTime());
  else if (typeof value === 'string') {
    if (MISSING.has(value)) {
      if (builder.isNumeric) builder.pushNumber(NaN);
      else builder.pushString(null);
    } else builder.pushString(value);
  } else builder.pushString(JSON.stringify(value));
}
