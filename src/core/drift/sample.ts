// From a column as read to what the tests take: missing and infinite values dropped and counted,
// numbers sorted, categories counted.
import type { Column } from './read/table';
import type { ColumnType, Sample } from './columnTests';
import { sortInPlace } from './stats/sortDoubles';

/** Numbers with more distinct values than this are not counted value by value. */
export const MAX_COUNTED = 1000;

export interface PreparedSide {
  sample: Sample;
  missing: number;
}

/**
 * The finite values of `values`, sorted, counted: in place (the caller gives `values` up; a
 * million-row column is not copied), the missing and infinite values compacted away first.
 */
export function prepareNumbers(values: Float64Array): PreparedSide {
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) values[kept++] = v;
  }
  const numbers = sortInPlace(values.subarray(0, kept));
  let distinct = 0;
  for (let i = 0; i < numbers.length; i++) if (i === 0 || numbers[i] !== numbers[i - 1]) distinct++;
  let counts: Map<string, number> | undefined;
  if (distinct <= MAX_COUNTED) {
    // Sorted, so equal values are runs: one key per run.
    counts = new Map();
    for (let i = 0; i < numbers.length; ) {
      let j = i + 1;
      while (j < numbers.length && numbers[j] === numbers[i]) j++;
      const key = String(numbers[i]);
      counts.set(key, (counts.get(key) ?? 0) + j - i);
      i = j;
    }
  }
  return { sample: { numbers, counts, distinct, size: numbers.length }, missing: values.length - kept };
}

export function prepareStrings(values: ArrayLike<string | null>): PreparedSide {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return { sample: { counts, distinct: counts.size, size: values.length - missing }, missing };
}

export function prepare(column: Column, type: ColumnType): PreparedSide {
  if (type === 'num' && column.kind === 'number') return prepareNumbers(column.values);
  if (column.kind === 'number') return prepareStrings(Array.from(column.values, (v) => (Number.isFinite(v) ? String(v) : null)));
  return prepareStrings(column.values);
}

/** Values read to type a string column: evenly spread over it, so a million texts cost no more than this. */
const TYPING_SAMPLE = 10_000;

/** Whether a string column reads as prose: on average more than three words, mostly distinct values. */
function isProse(values: Array<string | null>): boolean {
  let words = 0;
  let present = 0;
  const distinct = new Set<string>();
  const stride = Math.max(1, Math.floor(values.length / TYPING_SAMPLE));
  for (let i = 0; i < values.length; i += stride) {
    const s = values[i];
    if (s === null) continue;
    present++;
    distinct.add(s);
    words += s.trim().split(/\s+/).length;
  }
  return present > 0 && words / present > 3 && distinct.size / present > 0.5;
}

/** num when both sides are numbers; text when the reference's strings (else the current's) read as prose; cat otherwise. */
export function inferType(reference: Column, current: Column): ColumnType {
  if (reference.kind === 'number' && current.kind === 'number') return 'num';
  const strings = reference.kind === 'string' ? reference : current;
  return isProse(strings.values as Array<string | null>) ? 'text' : 'cat';
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Every present value an ISO date or date-time: an order column, not a feature. */
export function isDateColumn(column: Column): boolean {
  if (column.kind !== 'string') return false;
  let present = 0;
  for (const v of column.values) {
    if (v === null) continue;
    if (!ISO_DATE.test(v)) return false;
    present++;
  }
  return present > 0;
}
