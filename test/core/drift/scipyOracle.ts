// Runs scipy (Debian's /usr/bin/python3) on the same arrays as the code under test.
import { spawnSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', 'fixtures', 'drift', 'oracle.py');

export type OracleCase = { kind: string; a?: ArrayLike<number>; b?: ArrayLike<number> } & Record<string, unknown>;

function encode(values: ArrayLike<number>): string {
  return Buffer.from(Float64Array.from(values).buffer).toString('base64');
}

function decode(v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

/** scipy's answers for each case, in order (one python process for all of them). */
export function scipy(cases: OracleCase[]): unknown[] {
  const input = JSON.stringify(cases.map((c) => ({ ...c, ...(c.a ? { a: encode(c.a) } : {}), ...(c.b ? { b: encode(c.b) } : {}) })));
  const r = spawnSync('/usr/bin/python3', [SCRIPT], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`scipy oracle failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as unknown[]).map(decode);
}

/** Equal to 1e-9 relative (or both NaN, or the same infinity); `what` names the failing number. */
export function assertClose(actual: number, expected: number, what: string, rel = 1e-9): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)), `${what}: ${actual} vs scipy ${expected}`);
    return;
  }
  const tolerance = rel * Math.abs(expected) + (expected === 0 ? 1e-300 : 0);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs scipy ${expected} (rel ${Math.abs(actual - expected) / Math.abs(expected)})`);
}

export function normals(n: number, random: () => number, mean = 0, sd = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}

export function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
