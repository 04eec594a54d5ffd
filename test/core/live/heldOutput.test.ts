import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeldOutput } from '../../../src/core/live/heldOutput';

test('held output: a program that prints no metrics never becomes a run', () => {
  const held = new HeldOutput();
  const pipList = 'Package    Version\n---------- -------\nnumpy      2.1.0\npip        24.0\nscipy      1.17.0\n';
  assert.equal(held.push(pipList), false);
  assert.equal(held.endsWithMetrics(), false);
});

test('held output: the first metric line decides, and everything printed before it is kept', () => {
  const held = new HeldOutput();
  assert.equal(held.push('loading data\nepoch 1 lo'), false);
  assert.equal(held.push('ss=0.5 acc=0.7\n'), true);
  assert.deepEqual(held.take(), { chunks: ['loading data\nepoch 1 lo', 'ss=0.5 acc=0.7\n'], droppedChars: 0 });
});

test('held output: a last line without newline counts at the end', () => {
  const held = new HeldOutput();
  assert.equal(held.push('step 3 loss=0.1'), false);
  assert.equal(held.endsWithMetrics(), true);
});
