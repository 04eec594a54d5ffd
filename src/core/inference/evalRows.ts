/**
 * What an evaluation keeps of each row it scores, as typed arrays: the row's index in the data,
 * its label (a class name's id, or a number for regression), its slice value's id, and the
 * model's outputs. Readers fill it as they go; scoring never sees per-row objects or strings.
 */

/** An Int32Array / Float32Array / Float64Array that grows by doubling. */
export class Growable<T extends Int32Array | Float32Array | Float64Array> {
  length = 0;

  constructor(private data: T) {}

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  /** Appends `values` (a view is fine: it is copied). */
  append(values: ArrayLike<number>): void {
    this.reserve(values.length);
    (this.data as Float64Array).set(values, this.length);
    this.length += values.length;
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let capacity = Math.max(1024, this.data.length * 2);
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new (this.data.constructor as new (n: number) => T)(capacity);
    grown.set(this.data.subarray(0, this.length) as never);
    this.data = grown;
  }

  /** The filled part, as a view (no copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/**
 * Distinct strings given ids in order of first appearance. Fields are looked up by their bytes
 * (a hash, then a byte comparison), so a column of a few class names costs no string per row.
 */
export class Dictionary {
  readonly names: string[] = [];
  private readonly bytes: Uint8Array[] = [];
  private readonly byHash = new Map<number, number>();
  private readonly byName = new Map<string, number>();
  /** The id found last: labels and slices often come in runs, which then skip the hash. */
  private last = -1;

  idOf(name: string): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.bytes.push(Buffer.from(name, 'utf8'));
      this.byName.set(name, id);
    }
    return id;
  }

  /** The id of the UTF-8 text in bytes[start, end). */
  idOfBytes(bytes: Buffer, start: number, end: number): number {
    if (this.last >= 0 && sameBytes(this.bytes[this.last], bytes, start, end)) return this.last;
    this.last = this.lookUp(bytes, start, end);
    return this.last;
  }

  private lookUp(bytes: Buffer, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
    const known = this.byHash.get(hash);
    if (known !== undefined && sameBytes(this.bytes[known], bytes, start, end)) return known;
    const id = this.idOf(bytes.toString('utf8', start, end));
    if (known === undefined) this.byHash.set(hash, id);
    return id;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** The rows of one evaluation, filled by a reader, and the model's outputs for them. */
export class EvalRows {
  /** Index of each scored row among the data's rows (0 = the first row after a CSV header). */
  readonly rows = new Growable(new Int32Array(1024));
  /** Classification: the id of each row's label in `labelNames`. */
  readonly labelIds = new Growable(new Int32Array(1024));
  readonly labelNames = new Dictionary();
  /** Regression: each row's label as a number. */
  readonly labelValues = new Growable(new Float64Array(1024));
  /** Regression with a predictions file: the label as written in the data. */
  readonly labelTexts: string[] = [];
  readonly sliceIds = new Growable(new Int32Array(1024));
  readonly sliceNames = new Dictionary();
  /** `width` outputs per row, row after row. */
  readonly outputs = new Growable(new Float32Array(4096));
  /** The first output's last dimension: classes for a classifier, 1 for a regressor. */
  width = 0;

  get count(): number {
    return this.rows.length;
  }

  /** The label of scored row j as the data has it. */
  labelText(j: number, classification: boolean): string {
    return classification ? this.labelNames.names[this.labelIds.view()[j]] : this.labelTexts[j];
  }
}
