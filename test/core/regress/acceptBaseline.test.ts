import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { rewriteBaselineReference } from '../../../src/core/regress/acceptBaseline';

const FILE = `# Regression tests of the penguin classifier.
# Baselines move with each accepted model.

tests:
  - name: metric first   # a neighbour with the same baseline text, which must not move
    kind: baseline
    run: { experiment: train.py }
    baseline: { id: 3f2a9c }             # rewritten by Accept as Baseline
    metric: val_accuracy
    tolerance: { relative: 0.02 }        # or { absolute: 0.01 }

  - name: accepted model
    kind: baseline
    run: { experiment: train.py }
    baseline: { id: 3f2a9c }             # rewritten by Accept as Baseline
    metric: val_accuracy
    tolerance:
      absolute: 0.01   # one point
`;

/** Replaces the `n`-th occurrence (0-based) of `find`: what the edit is allowed to change, nothing else. */
function replaceNth(text: string, find: string, replacement: string, n: number): string {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(find, at + 1);
  assert.ok(at >= 0);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

describe('Accept as Baseline: rewriting the baseline reference', () => {
  it('changes only the id of the named test; comments, blank lines and its neighbour stay byte for byte', () => {
    const out = rewriteBaselineReference(FILE, 'accepted model', 'a1b2c3d4e5f6');
    assert.equal(out, replaceNth(FILE, '{ id: 3f2a9c }', '{ id: a1b2c3d4e5f6 }', 1));
    assert.equal((parse(out) as { tests: { baseline: unknown }[] }).tests[1].baseline !== undefined, true);
  });

  it('keeps block style and quoting, and quotes an id that YAML would read as a number', () => {
    const block = 'tests:\n  - name: t\n    kind: baseline\n    baseline:\n      id: "3f2a"  # quoted\n    metric: m\n';
    assert.equal(rewriteBaselineReference(block, 't', 'beef01'), block.replace('"3f2a"', '"beef01"'));
    const plain = 'tests:\n  - name: t\n    baseline: { id: 3f2a }\n';
    assert.equal(rewriteBaselineReference(plain, 't', '123456'), plain.replace('3f2a', '"123456"'));
    assert.equal(rewriteBaselineReference(plain, 't', '12e45a'), plain.replace('3f2a', '12e45a'));
    assert.equal(rewriteBaselineReference(plain, 't', '1e45'), plain.replace('3f2a', '"1e45"'));
    assert.equal((parse(rewriteBaselineReference(plain, 't', '1e45')) as { tests: { baseline: { id: unknown } }[] }).tests[0].baseline.id, '1e45');
  });

  it('replaces a selector that is not an id (or a bare id) by the run id, in place', () => {
    const selector = 'tests:\n  - name: t\n    baseline: { experiment: old, tag: accepted=yes }   # keep me\n    metric: m\n';
    assert.equal(rewriteBaselineReference(selector, 't', 'abc123'), selector.replace('{ experiment: old, tag: accepted=yes }', '{ id: abc123 }'));
    const bare = 'tests:\n  - name: t\n    baseline: 3f2a9c\n';
    assert.equal(rewriteBaselineReference(bare, 't', 'abc123'), bare.replace('3f2a9c', 'abc123'));
    const blockSelector = 'tests:\n  - name: t\n    baseline:\n      experiment: old\n    metric: m\n';
    assert.deepEqual((parse(rewriteBaselineReference(blockSelector, 't', 'abc123')) as { tests: object[] }).tests[0],
      { name: 't', baseline: { id: 'abc123' }, metric: 'm' });
  });

  it('refuses clearly: no such test, no baseline, a file that does not parse', () => {
    assert.throws(() => rewriteBaselineReference(FILE, 'nope', 'ab'), /no test named "nope"/);
    assert.throws(() => rewriteBaselineReference('tests:\n  - name: t\n    kind: metric\n', 't', 'ab'), /has no baseline/);
    assert.throws(() => rewriteBaselineReference('tests: [\n', 't', 'ab'), /does not parse/);
  });
});
