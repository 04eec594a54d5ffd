// The bit-pattern sort gives exactly the order Float64Array.prototype.sort gives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { sortedCopy } from '../../../src/core/drift/stats/sortDoubles';
import { seeded } from './scipyOracle';

test('same order as the built-in sort, with ±0, ±Inf, subnormals and ties', () => {
  const random = seeded(9);
  const values = Float64Array.from({ length: 100000 }, (_, i) => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20) * (i % 5 === 0 ? 0 : 1));
  values.set([Infinity, -Infinity, -0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, 1, 1], 0);
  const expected = values.slice().sort();
  const actual = sortedCopy(values);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${i}: ${actual[i]} vs ${expected[i]}`);
  assert.ok(Object.is(values[2], -0), 'the input is left as it was');
});
