/** One measured figure, printed next to the baseline measured in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** The target, e.g. '>= 2000000' or '<= 50'. */
  target?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Best-of-N timing in milliseconds: the least disturbed run on a shared machine. */
export function timeBest(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

export function meetsTarget(value: number, target: string | undefined): string {
  if (!target) return '';
  const [op, bound] = target.split(/\s+/);
  const ok = op === '>=' ? value >= Number(bound) : value <= Number(bound);
  return ok ? 'ok' : 'MISSED';
}
