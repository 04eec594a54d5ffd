// One column's drift: its test (the default or the one asked for), the verdict, missing values,
// categories that appeared or vanished, and the aggregated data its chart needs.
import { MlwbError } from '../errors';
import { DRIFT_TESTS, defaultTest, type ColumnType, type Sample } from './columnTests';
import type { Column } from './read/table';
import { prepare, type PreparedSide } from './sample';
import { analyseText, words as textWords, type WordCounts } from './textDrift';
import { histogramCounts, sturgesEdges } from './stats/binning';
import type { ColumnChart, ColumnDrift } from './types';

const MAX_BARS = 20;
const MAX_LISTED_CATEGORIES = 50;

export interface ColumnRequest {
  type: ColumnType;
  test?: string;
  threshold?: number;
  /** Drift over time: each current row's window (−1: none) and the number of windows. */
  windows?: { windowOf: Int32Array; count: number };
}

/** The current column cut into its windows. */
function splitByWindow(column: Column, windowOf: Int32Array, count: number): Column[] {
  if (column.kind === 'number') {
    const sizes = new Int32Array(count);
    for (let i = 0; i < windowOf.length; i++) if (windowOf[i] >= 0) sizes[windowOf[i]]++;
    const parts = Array.from(sizes, (n) => new Float64Array(n));
    const filled = new Int32Array(count);
    for (let i = 0; i < windowOf.length; i++) {
      const w = windowOf[i];
      if (w >= 0) parts[w][filled[w]++] = column.values[i];
    }
    return parts.map((values) => ({ name: column.name, kind: 'number', values }));
  }
  const parts: Array<Array<string | null>> = Array.from({ length: count }, () => []);
  for (let i = 0; i < windowOf.length; i++) if (windowOf[i] >= 0) parts[windowOf[i]].push(column.values[i]);
  return parts.map((values) => ({ name: column.name, kind: 'string', values }));
}

/** Word counts of a text column: its "categories" are its lower-cased words. */
function prepareText(values: ArrayLike<string | null>): PreparedSide {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) {
      missing++;
      continue;
    }
    for (const w of textWords(v)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return wordSide({ counts, missing });
}

function wordSide({ counts, missing }: WordCounts): PreparedSide {
  let size = 0;
  for (const n of counts.values()) size += n;
  return { sample: { counts, distinct: counts.size, size }, missing };
}

function side(column: Column, type: ColumnType): PreparedSide {
  if (type !== 'text') return prepare(column, type);
  return prepareText(column.kind === 'string' ? column.values : Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v))));
}

function chartFor(type: ColumnType, reference: Sample, current: Sample): ColumnChart | null {
  if (reference.size === 0 || current.size === 0) return null;
  if (type === 'num' && reference.numbers && current.numbers && (reference.distinct > MAX_BARS || !reference.counts || !current.counts)) {
    const [r, c] = [reference.numbers, current.numbers];
    const edges = sturgesEdges(Math.min(r[0], c[0]), Math.max(r[r.length - 1], c[c.length - 1]), r.length + c.length);
    return {
      kind: 'histogram',
      edges: Array.from(edges),
      reference: Array.from(histogramCounts(r, edges), (v) => v / r.length),
      current: Array.from(histogramCounts(c, edges), (v) => v / c.length),
    };
  }
  const refCounts = reference.counts ?? new Map<string, number>();
  const curCounts = current.counts ?? new Map<string, number>();
  const keys = new Set([...refCounts.keys(), ...curCounts.keys()]);
  const share = (k: string) => (refCounts.get(k) ?? 0) / reference.size + (curCounts.get(k) ?? 0) / current.size;
  const ordered = [...keys].sort((a, b) => share(b) - share(a) || (a < b ? -1 : 1));
  if (type === 'num') ordered.sort((a, b) => Number(a) - Number(b));
  const shown = ordered.slice(0, MAX_BARS);
  const rest = ordered.slice(MAX_BARS);
  const shares = (counts: Map<string, number>, size: number) => {
    const out = shown.map((k) => (counts.get(k) ?? 0) / size);
    if (rest.length) out.push(rest.reduce((s, k) => s + (counts.get(k) ?? 0), 0) / size);
    return out;
  };
  return {
    kind: 'bars',
    categories: rest.length ? [...shown, `(${rest.length} others)`] : shown,
    reference: shares(refCounts, reference.size),
    current: shares(curCounts, current.size),
  };
}

/** One column's drift. It sorts the numbers of both columns in place: the caller gives them up. */
export function analyseColumn(name: string, reference: Column, current: Column, request: ColumnRequest): ColumnDrift {
  const { type } = request;
  // Cut before the current column is sorted in place, and kept in row order.
  const parts = request.windows ? splitByWindow(current, request.windows.windowOf, request.windows.count) : undefined;
  const rows = { reference: reference.values.length, current: current.values.length };
  const text = type === 'text' ? analyseText(reference, current) : undefined;
  const ref = text ? wordSide(text.words.reference) : side(reference, type);
  const cur = text ? wordSide(text.words.current) : side(current, type);
  const base = {
    name,
    type,
    missing: { reference: ref.missing, current: cur.missing },
    rows,
  };
  const newCategories: string[] = [];
  const vanishedCategories: string[] = [];
  if (type === 'cat' && ref.sample.counts && cur.sample.counts) {
    for (const k of cur.sample.counts.keys()) if (!ref.sample.counts.has(k) && newCategories.length < MAX_LISTED_CATEGORIES) newCategories.push(k);
    for (const k of ref.sample.counts.keys()) if (!cur.sample.counts.has(k) && vanishedCategories.length < MAX_LISTED_CATEGORIES) vanishedCategories.push(k);
  }
  if (ref.sample.size === 0 || cur.sample.size === 0) {
    // Nothing to test on one side: all missing there. Values vanishing (or appearing) is drift.
    const drifted = ref.sample.size !== cur.sample.size;
    const empty = ref.sample.size === 0 ? (cur.sample.size === 0 ? 'both files' : 'the reference') : 'the current file';
    return {
      ...base, test: 'none', testLabel: 'no test', statistic: null, pValue: null, score: null, threshold: null, drifted,
      newCategories, vanishedCategories, chart: null, note: `every value is missing in ${empty}`,
    };
  }
  const test = request.test ? DRIFT_TESTS.get(request.test) : defaultTest(type, ref.sample, cur.sample);
  if (!test) throw new MlwbError(`Unknown test "${request.test}" for column "${name}".`, `Use one of ${[...DRIFT_TESTS.keys()].join(', ')}.`);
  if (!test.types.includes(type)) {
    throw new MlwbError(`Test "${test.name}" does not apply to column "${name}" (${type}).`, `It takes ${test.types.join(' or ')} columns.`);
  }
  const threshold = request.threshold ?? test.threshold;
  let outcome;
  let windows: ColumnDrift['windows'];
  try {
    outcome = test.run(ref.sample, cur.sample);
    if (parts) {
      // The same test as the whole file's, so the scores of the windows compare with each other.
      windows = parts.map((part) => {
        const sample = side(part, type).sample;
        if (sample.size === 0) return { score: null, drifted: null };
        const score = test.run(ref.sample, sample).score;
        return { score, drifted: test.drifted(score, threshold) };
      });
    }
  } catch (err) {
    throw new MlwbError(`Column "${name}": ${(err as Error).message}.`, 'Pick another test with --test COLUMN=TEST.');
  }
  return {
    ...base,
    test: test.name,
    testLabel: test.label,
    statistic: outcome.statistic,
    pValue: outcome.pValue,
    score: outcome.score,
    threshold,
    drifted: test.drifted(outcome.score, threshold),
    newCategories,
    vanishedCategories,
    chart: chartFor(type, ref.sample, cur.sample),
    ...(text ? { text: text.details } : {}),
    ...(windows ? { windows } : {}),
  };
}
