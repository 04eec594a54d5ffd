import type { ParamValue, RunRecord } from '../store/types';

export interface ValueDiff<T> {
  key: string;
  a: T | null;
  b: T | null;
}

export interface MetricDiff {
  key: string;
  a: number | null;
  b: number | null;
  /** b − a when both exist. */
  delta: number | null;
}

export interface RunDiff {
  a: { id: string; name: string };
  b: { id: string; name: string };
  params: ValueDiff<ParamValue>[];
  metrics: MetricDiff[];
  git: ValueDiff<string | boolean>[];
  packages: ValueDiff<string>[];
}

/** What differs between two runs: parameters, final metric values, code version and packages. */
export function diffRuns(a: RunRecord, b: RunRecord): RunDiff {
  const metrics: MetricDiff[] = [];
  for (const key of unionKeys(a.metrics, b.metrics)) {
    const va = a.metrics[key]?.last ?? null;
    const vb = b.metrics[key]?.last ?? null;
    if (Object.is(va, vb)) continue;
    metrics.push({ key, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null });
  }
  const gitFields = (r: RunRecord): Record<string, string | boolean> =>
    r.git ? { commit: r.git.commit, branch: r.git.branch ?? '', dirty: r.git.dirty, remote: r.git.remote ?? '' } : {};
  return {
    a: { id: a.id, name: a.name },
    b: { id: b.id, name: b.name },
    params: diffRecords(a.params, b.params),
    metrics,
    git: diffRecords(gitFields(a), gitFields(b)),
    packages: diffRecords(a.env?.packages ?? {}, b.env?.packages ?? {}),
  };
}

/** Every key of any of the records, sorted. */
export function unionKeys(...records: readonly object[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
}

function diffRecords<T>(a: Record<string, T>, b: Record<string, T>): ValueDiff<T>[] {
  const out: ValueDiff<T>[] = [];
  for (const key of unionKeys(a, b)) {
    const va = key in a ? a[key] : null;
    const vb = key in b ? b[key] : null;
    if (!Object.is(va, vb)) out.push({ key, a: va, b: vb });
  }
  return out;
}
