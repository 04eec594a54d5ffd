import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CompareTables } from '../../src/core/compare/compareTables';
import { fixture, gitRepo, linearCsv, mlwb, mlwbJson } from './harness';

type Truth = Record<string, [number, number][]>;

describe('mlwb runs compare', () => {
  it('prints the params and metrics of real runs side by side, as text, JSON and CSV', async () => {
    const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), 'data.csv': linearCsv(40) });
    const lrs = ['0.01', '0.05', '0.02'];
    for (const [i, lr] of lrs.entries()) {
      const r = await mlwb(['run', '--name', `lr-${lr}`, '--', 'python3', 'train.py', '--lr', lr, '--epochs', '6', '--truth', `truth${i}.json`], repo);
      assert.equal(r.code, 0, r.stderr);
    }
    const truths = lrs.map((_, i) => JSON.parse(fs.readFileSync(path.join(repo, `truth${i}.json`), 'utf8')) as Truth);
    const listed = await mlwbJson<{ id: string; name: string }[]>(['runs', 'ls'], repo);
    const ids = lrs.map((lr) => listed.find((r) => r.name === `lr-${lr}`)!.id);

    const t = await mlwbJson<CompareTables>(['runs', 'compare', ...ids.map((id) => id.slice(0, 8))], repo);
    assert.deepEqual(t.runs.map((r) => r.id), ids);
    const lr = t.params.find((p) => p.key === 'lr')!;
    assert.deepEqual(lr.values.map(String), lrs);
    assert.equal(lr.differs, true);
    assert.equal(t.params.find((p) => p.key === 'epochs')!.differs, false);

    const loss = t.metrics.find((m) => m.key === 'loss')!;
    assert.equal(loss.direction, 'min');
    const lowest = truths.map((tr) => Math.min(...tr.loss.map(([, v]) => v)));
    truths.forEach((tr, i) => {
      assert.equal(loss.cells[i]!.last, tr.loss.at(-1)![1]);
      assert.equal(loss.cells[i]!.best, lowest[i]);
      assert.equal(loss.cells[i]!.max, Math.max(...tr.loss.map(([, v]) => v)));
    });
    assert.equal(loss.bestRun, lowest.indexOf(Math.min(...lowest)));

    const text = await mlwb(['runs', 'compare', ...ids], repo);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^≠\s+lr\s+0\.01\s+0\.05\s+0\.02$/m);
    assert.match(text.stdout, /^\s+epochs\s+6\s+6\s+6$/m);
    const bestLine = text.stdout.split('\n').filter((l) => /best \(min\)/.test(l))[0];
    assert.equal((bestLine.match(/\*/g) ?? []).length, 1, bestLine);

    const csv = await mlwb(['runs', 'compare', ...ids, '--csv'], repo);
    const rows = csv.stdout.trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['table', 'key', 'stat', ...ids]);
    assert.deepEqual(rows.find((r) => r[0] === 'param' && r[1] === 'lr'), ['param', 'lr', '', ...lrs]);
    assert.deepEqual(rows.find((r) => r[1] === 'loss' && r[2] === 'last')!.slice(3).map(Number), truths.map((tr) => tr.loss.at(-1)![1]));
  });

  it('needs two or more runs, and one output format', async () => {
    const repo = gitRepo({ 'a.txt': 'a' });
    await mlwb(['run', '--', 'true'], repo);
    const [run] = await mlwbJson<{ id: string }[]>(['runs', 'ls'], repo);
    const one = await mlwb(['runs', 'compare', run.id], repo);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /^mlwb: runs compare takes two or more run ids\./);
    const both = await mlwb(['runs', 'compare', run.id, run.id, '--json', '--csv'], repo);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /one of --json and --csv/);
  });
});
