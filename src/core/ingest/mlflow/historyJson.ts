/**
 * The items of MLflow's get-history `metrics` array for a run of points, as UTF-8 bytes, with a
 * leading comma when `leadingComma`. Self-contained on purpose — no imports, no outer names —
 * because historyFormatter.ts runs this same function in worker threads from its source text.
 */
export function historyItemsJson(
  key: string, steps: Float64Array, timestamps: Float64Array, values: Float64Array, leadingComma: boolean,
): Uint8Array {
  // An integer-valued double through small integers (V8's fast, cached path) instead of double
  // formatting: a millisecond timestamp is written as its millions and a 6-digit rest.
  function integerText(x: number): string {
    if (x === (x | 0)) return '' + (x | 0);
    if (x > 0 && Number.isSafeInteger(x)) {
      const high = Math.floor(x / 1e6);
      return '' + high + ('' + (x - high * 1e6)).padStart(6, '0');
    }
    return '' + x;
  }
  // Built a chunk at a time into Buffers: one multi-megabyte string (and its flattening) costs
  // more in garbage collection than the formatting itself.
  const CHUNK = 1024;
  const prefix = '{"key":' + JSON.stringify(key) + ',"value":';
  const parts: Buffer[] = [];
  const items = new Array<string>(CHUNK);
  for (let start = 0; start < values.length; start += CHUNK) {
    const end = Math.min(values.length, start + CHUNK);
    items.length = end - start;
    for (let i = start; i < end; i++) {
      const v = values[i];
      const value = Number.isFinite(v) ? v : Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
      items[i - start] = prefix + value + ',"timestamp":' + integerText(timestamps[i]) + ',"step":' + integerText(steps[i]) + '}';
    }
    parts.push(Buffer.from((start > 0 || leadingComma ? ',' : '') + items.join(',')));
  }
  return Buffer.concat(parts);
}
