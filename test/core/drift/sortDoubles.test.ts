// The bit-pattern radix sort gives exactly the order Float64Array.prototype.sort gives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { sortedCopy, sortInPlace } from '../../../src/core/drift/stats/sortDoubles';
import { seeded } from '../../helpers/seeded';

test('same order as the built-in sort, with ±0, ±Inf, subnormals and ties', () => {
  const random = seeded(9);
  const values = Float64Array.from({ length: 100000 }, (_, i) => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20) * (i % 5 === 0 ? 0 : 1));
  values.set([Infinity, -Infinity, -0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, 1, 1], 0);
  const expected = values.slice().sort();
  const actual = sortedCopy(values);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${i}: ${actual[i]} vs ${expected[i]}`);
  assert.ok(Object.is(values[2], -0), 'the input is left as it was');
});

test('in place, on views at an offset, one after another at different sizes, with keys sharing digits', () => {
  const random = seeded(3);
  const buffer = new Float64Array(300000).map(() => (random() - 0.5) * 1e6);
  for (const [start, length] of [[7, 250000], [0, 5000], [1, 120000], [100, 4097]]) {
    const view = buffer.subarray(start, start + length);
    const expected = view.slice().sort();
    const outside = [buffer[start - 1], buffer[start + length]];
    assert.equal(sortInPlace(view), view);
    for (let i = 0; i < length; i++) assert.ok(Object.is(view[i], expected[i]), `${start}+${i}`);
    assert.deepEqual([buffer[start - 1], buffer[start + length]], outside, 'nothing outside the view moves');
  }
  // Small integers: most 11-bit digits are the same in every key, so those passes are skipped.
  const small = Float64Array.from({ length: 50000 }, () => Math.floor(random() * 7) - 3);
  const expected = small.slice().sort();
  sortInPlace(small);
  for (let i = 0; i < small.length; i++) assert.ok(Object.is(small[i], expected[i]), String(i));
});
