// Comparing a model's outputs with stored golden outputs, element by element, the way
// numpy.allclose does: |actual − expected| ≤ atol + rtol·|expected|; NaN never matches.
import { promises as fs } from 'node:fs';
import type { TensorValues } from './ports';

export interface Tolerances {
  atol: number;
  rtol: number;
}

export interface TensorComparison {
  ok: boolean;
  /** Elements compared and how many differ. */
  compared: number;
  mismatched: number;
  maxAbsDiff: number;
  /** The first differing elements, one per line, and any shape or name problem. */
  diff: string[];
}

const MAX_DIFF_LINES = 20;

export function compareTensors(name: string, expected: TensorValues, actual: TensorValues | undefined, tol: Tolerances): TensorComparison {
  if (!actual) return { ok: false, compared: 0, mismatched: 0, maxAbsDiff: NaN, diff: [`- ${name}: expected, but the model has no such output`] };
  if (expected.shape.join('×') !== actual.shape.join('×')) {
    return { ok: false, compared: 0, mismatched: 0, maxAbsDiff: NaN, diff: [`- ${name} shape [${expected.shape.join(', ')}]`, `+ ${name} shape [${actual.shape.join(', ')}]`] };
  }
  const diff: string[] = [];
  let mismatched = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const a = actual.data[i];
    const d = Math.abs(a - e);
    if (Number.isFinite(d) && d > maxAbsDiff) maxAbsDiff = d;
    const same = Number.isFinite(e) || Number.isFinite(a) ? d <= tol.atol + tol.rtol * Math.abs(e) : e === a;
    if (same) continue;
    mismatched++;
    if (diff.length < MAX_DIFF_LINES * 2) {
      const at = `${name}[${indexOf(i, expected.shape).join(', ')}]`;
      diff.push(`- ${at} ${e}`, `+ ${at} ${a}   (|Δ| ${d.toPrecision(3)} > ${(tol.atol + tol.rtol * Math.abs(e)).toPrecision(3)})`);
    }
  }
  if (mismatched > MAX_DIFF_LINES) diff.push(`… ${mismatched - MAX_DIFF_LINES} more differing elements of ${name}`);
  return { ok: mismatched === 0, compared: expected.data.length, mismatched, maxAbsDiff, diff };
}

/** Row-major index of flat element `i` in `shape`. */
function indexOf(i: number, shape: number[]): number[] {
  const out: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return out;
}

/** A golden file: `{ "name": { "shape": [..], "data": [..] } }`, non-finite values as "NaN"/"Infinity"/"-Infinity". */
export async function readTensorFile(file: string): Promise<Record<string, TensorValues>> {
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, { shape?: unknown; data?: unknown }>;
  const out: Record<string, TensorValues> = {};
  for (const [name, t] of Object.entries(raw)) {
    if (!Array.isArray(t?.shape) || !Array.isArray(t?.data)) throw new Error(`"${name}" needs "shape" and "data" arrays`);
    const data = (t.data as unknown[]).flat(Infinity).map(Number);
    const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`"${name}" has ${data.length} values for shape [${(t.shape as number[]).join(', ')}]`);
    out[name] = { shape: t.shape as number[], data };
  }
  return out;
}

export async function writeTensorFile(file: string, tensors: Record<string, TensorValues>): Promise<void> {
  const encode = (v: number) => (Number.isFinite(v) ? v : String(v));
  const json = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape, data: t.data.map(encode) }]));
  await fs.writeFile(file, JSON.stringify(json, null, 1) + '\n');
}
