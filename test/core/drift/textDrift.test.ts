// Text columns: word, bigram and trigram shares, their Jensen–Shannon distances, the
// out-of-vocabulary share and the text-length histograms, checked against Python's
// collections.Counter + scipy's jensenshannon + numpy on the same real sentences (scikit-learn's
// dataset descriptions: the toy datasets' as reference, the real-world ones' as current).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeDrift } from '../../../src/core/drift/computeDrift';
import type { TextDrift } from '../../../src/core/drift/textDrift';
import { tempDir } from '../../helpers/tmp';
import { descriptionSentences, textCsv } from './realText';
import { assertClose } from './scipyOracle';

const ORACLE = path.join(__dirname, '..', '..', 'fixtures', 'drift', 'text_oracle.py');

interface OracleText {
  ngrams: Array<{ n: number; divergence: number; distinct: [number, number]; total: [number, number]; top: Array<[string, number, number]> }>;
  oov: [number, number];
  lengths: { edges: number[]; reference: number[]; current: number[]; mean: [number, number] };
}

function oracle(reference: string[], current: string[]): OracleText {
  const r = spawnSync('/usr/bin/python3', [ORACLE], { input: JSON.stringify({ reference, current }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`text oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleText;
}

function assertMatches(actual: TextDrift, expected: OracleText): void {
  assert.equal(actual.ngrams.length, 3);
  actual.ngrams.forEach((g, i) => {
    const e = expected.ngrams[i];
    assert.equal(g.n, e.n);
    assertClose(g.divergence, e.divergence, `${g.n}-gram Jensen–Shannon`);
    assert.equal(g.drifted, e.divergence >= g.threshold, `${g.n}-gram verdict`);
    assert.deepEqual([g.distinct.reference, g.distinct.current], e.distinct, `${g.n}-gram vocabulary sizes`);
    assert.deepEqual([g.total.reference, g.total.current], e.total, `${g.n}-gram counts`);
    assert.deepEqual(g.top.map((t) => t.gram), e.top.map((t) => t[0]), `top ${g.n}-grams`);
    g.top.forEach((t, k) => {
      assertClose(t.reference, e.top[k][1], `${t.gram}: reference share`);
      assertClose(t.current, e.top[k][2], `${t.gram}: current share`);
    });
  });
  assertClose(actual.outOfVocabulary.share, expected.oov[0], 'out-of-vocabulary share');
  assert.equal(actual.outOfVocabulary.words, expected.oov[1]);
  assert.equal(actual.lengths.edges.length, expected.lengths.edges.length, 'length bins');
  actual.lengths.edges.forEach((v, i) => assertClose(v, expected.lengths.edges[i], `length edge ${i}`));
  actual.lengths.reference.forEach((v, i) => assertClose(v, expected.lengths.reference[i], `reference length share ${i}`));
  actual.lengths.current.forEach((v, i) => assertClose(v, expected.lengths.current[i], `current length share ${i}`));
  assertClose(actual.lengths.mean.reference, expected.lengths.mean[0], 'reference mean length');
  assertClose(actual.lengths.mean.current, expected.lengths.mean[1], 'current mean length');
}

const dir = tempDir();
const toy = descriptionSentences(['iris', 'wine_data', 'breast_cancer', 'diabetes', 'digits', 'linnerud']);
const realWorld = descriptionSentences(['twenty_newsgroups', 'rcv1', 'kddcup99', 'covtype', 'lfw', 'olivetti_faces', 'california_housing']);
fs.writeFileSync(path.join(dir, 'toy.csv'), textCsv('sentence', toy));
fs.writeFileSync(path.join(dir, 'real-world.csv'), textCsv('sentence', realWorld));

test('a prose column is typed text and its n-grams, OOV share and lengths equal Counter + scipy + numpy', async () => {
  assert.ok(toy.length > 50 && realWorld.length > 50, `${toy.length} / ${realWorld.length} sentences`);
  const report = await computeDrift(path.join(dir, 'toy.csv'), path.join(dir, 'real-world.csv'), {}, { workers: 0 });
  const [column] = report.columns;
  assert.equal(column.type, 'text');
  assert.ok(column.text, 'text details');
  assertMatches(column.text, oracle(toy, realWorld));
  // Descriptions of different datasets: every order drifts, and most current words are new.
  assert.deepEqual(column.text.ngrams.map((g) => g.drifted), [true, true, true]);
  assert.ok(column.text.outOfVocabulary.share > 0.2, String(column.text.outOfVocabulary.share));
  // Aggregates only: no sentence of either file is in the report.
  const json = JSON.stringify(report);
  for (const s of [...toy, ...realWorld]) assert.ok(!json.includes(s), s);
});

test('the same texts in another order: no n-gram drift, nothing out of vocabulary', async () => {
  fs.writeFileSync(path.join(dir, 'toy-reversed.csv'), textCsv('sentence', [...toy].reverse()));
  const report = await computeDrift(path.join(dir, 'toy.csv'), path.join(dir, 'toy-reversed.csv'), {}, { workers: 0 });
  const text = report.columns[0].text!;
  for (const g of text.ngrams) {
    assert.equal(g.divergence, 0, `${g.n}-gram divergence`);
    assert.equal(g.drifted, false);
  }
  assert.equal(text.outOfVocabulary.share, 0);
  assert.deepEqual(text.lengths.reference, text.lengths.current);
  assert.equal(report.columns[0].drifted, false);
});

test('worker threads give the same text details as the calling thread', async () => {
  const [a, b] = await Promise.all([0, 2].map((workers) => computeDrift(path.join(dir, 'toy.csv'), path.join(dir, 'real-world.csv'), {}, { workers })));
  assert.deepEqual(a.columns[0].text, b.columns[0].text);
});
