/**
 * Metric points are stored in chunks of up to CHUNK_POINTS points, one BLOB per chunk laid out
 * column-wise: steps, then timestamps, then values, each as little-endian float64. Reading a
 * series is then a memory copy per column per chunk, and NaN/±Infinity survive bit for bit.
 */
export const CHUNK_POINTS = 1024;
const BYTES = Float64Array.BYTES_PER_ELEMENT;

export interface ChunkColumns {
  steps: ArrayLike<number>;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Packs points [from, to) of the columns into one chunk blob. */
export function packChunk(columns: ChunkColumns, from: number, to: number): Buffer {
  const n = to - from;
  const packed = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    packed[i] = columns.steps[from + i];
    packed[n + i] = columns.timestamps[from + i];
    packed[2 * n + i] = columns.values[from + i];
  }
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
}

/** Copies a chunk of `count` points into the output columns at `offset`. */
export function unpackChunkInto(
  blob: Uint8Array,
  count: number,
  out: { steps: Float64Array; timestamps: Float64Array; values: Float64Array },
  offset: number,
): void {
  if (blob.byteLength !== 3 * count * BYTES) {
    throw new Error(`corrupt metric chunk: ${blob.byteLength} bytes for ${count} points`);
  }
  const columnBytes = count * BYTES;
  const targets = [out.steps, out.timestamps, out.values];
  for (let c = 0; c < 3; c++) {
    const target = new Uint8Array(targets[c].buffer, targets[c].byteOffset + offset * BYTES, columnBytes);
    target.set(blob.subarray(c * columnBytes, (c + 1) * columnBytes));
  }
}

/** Copies one column (0 steps, 1 timestamps, 2 values) of a chunk of `count` points into `target` at `offset`. */
export function copyColumn(blob: Uint8Array, count: number, column: 0 | 1 | 2, target: Float64Array, offset: number): void {
  if (blob.byteLength !== 3 * count * BYTES) {
    throw new Error(`corrupt metric chunk: ${blob.byteLength} bytes for ${count} points`);
  }
  const columnBytes = count * BYTES;
  new Uint8Array(target.buffer, target.byteOffset + offset * BYTES, columnBytes).set(blob.subarray(column * columnBytes, (column + 1) * columnBytes));
}

/** Decodes one chunk into fresh columns (used to extend a partial tail chunk). */
export function unpackChunk(blob: Uint8Array, count: number): { steps: Float64Array; timestamps: Float64Array; values: Float64Array } {
  const out = { steps: new Float64Array(count), timestamps: new Float64Array(count), values: new Float64Array(count) };
  unpackChunkInto(blob, count, out, 0);
  return out;
}
