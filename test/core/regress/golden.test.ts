// Golden-output comparison against numpy.isclose as the oracle, and the golden file format.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compareTensors, readTensorFile, writeTensorFile } from '../../../src/core/regress/golden';
import { tempDir } from '../../helpers/tmp';

/** A deterministic pseudo-random sequence (no Math.random: a failure must be repeatable). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function numpyMismatches(expected: number[], actual: number[], atol: number, rtol: number): number {
  const script = `import json, sys, numpy as np
e, a = (np.array([float(v) for v in x]) for x in json.load(sys.stdin))
print(int((~np.isclose(a, e, rtol=${rtol}, atol=${atol}, equal_nan=False)).sum()))`;
  const encode = (xs: number[]) => xs.map(String);
  return Number(execFileSync('python3', ['-c', script], { input: JSON.stringify([encode(expected), encode(actual)]), encoding: 'utf8' }).trim());
}

describe('golden outputs', () => {
  it('counts the same differing elements as numpy.isclose, NaN and infinities included', () => {
    const rand = lcg(7);
    const expected = Array.from({ length: 600 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 6 - 3));
    const actual = expected.map((v) => {
      const r = rand();
      if (r < 0.1) return v + (rand() - 0.5) * 1e-3;
      if (r < 0.2) return v * (1 + (rand() - 0.5) * 1e-4);
      return v;
    });
    expected.push(NaN, Infinity, -Infinity, 1, NaN);
    actual.push(NaN, Infinity, Infinity, NaN, 1);
    for (const [atol, rtol] of [[1e-6, 1e-5], [1e-4, 0], [0, 1e-3]]) {
      const ours = compareTensors('y', { shape: [5, 121], data: expected }, { shape: [5, 121], data: actual }, { atol, rtol });
      assert.equal(ours.mismatched, numpyMismatches(expected, actual, atol, rtol), `atol ${atol} rtol ${rtol}`);
      assert.equal(ours.ok, false);
    }
  });

  it('names the differing elements by index, and shape or name problems', () => {
    const c = compareTensors('probs', { shape: [2, 3], data: [0.1, 0.2, 0.7, 0.3, 0.3, 0.4] }, { shape: [2, 3], data: [0.1, 0.2, 0.7, 0.3, 0.35, 0.4] }, { atol: 1e-3, rtol: 0 });
    assert.deepEqual(c.diff, ['- probs[1, 1] 0.3', '+ probs[1, 1] 0.35   (|Δ| 0.0500 > 0.00100)']);
    assert.deepEqual(compareTensors('y', { shape: [2], data: [1, 2] }, { shape: [1, 2], data: [1, 2] }, { atol: 0, rtol: 0 }).diff, ['- y shape [2]', '+ y shape [1, 2]']);
    assert.match(compareTensors('y', { shape: [1], data: [1] }, undefined, { atol: 0, rtol: 0 }).diff[0], /no such output/);
  });

  it('round-trips a golden file with non-finite values, and refuses one whose data does not fit its shape', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'golden.json');
    await writeTensorFile(file, { logits: { shape: [1, 3], data: [0.5, NaN, -Infinity] } });
    const back = await readTensorFile(file);
    assert.deepEqual(back.logits.shape, [1, 3]);
    assert.ok(Number.isNaN(back.logits.data[1]));
    assert.equal(back.logits.data[2], -Infinity);
    await writeTensorFile(file, { y: { shape: [2, 2], data: [1, 2, 3] } });
    await assert.rejects(readTensorFile(file), /"y" has 3 values for shape \[2, 2\]/);
  });
});
