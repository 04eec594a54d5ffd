import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { checkStore, recoverStore } from '../../../src/core/store/doctor';
import { CHUNK_POINTS } from '../../../src/core/store/metricChunks';
import { Store } from '../../../src/core/store/store';
import { isCorruption } from '../../../src/core/store/storeDamage';
import { tempDir } from '../../helpers/tmp';

interface PageInfo { pageno: number; ncell: number; payload: number }

/** Leaf pages of a table, from SQLite's own page map (dbstat), in file order. */
function leafPages(file: string, table: string): PageInfo[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT pageno, ncell, payload FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").all(table) as PageInfo[];
  } finally {
    db.close();
  }
}

/** Overwrites one page of the file with bytes that are no b-tree page. */
function damagePage(file: string, pageno: number, pageSize = 32768): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}

describe('mlwb doctor', () => {
  it('finds a damaged page, and salvages every readable run, param and metric point into a new store', () => {
    const root = tempDir();
    const store = Store.open({ cwd: root, create: true });
    const ids: string[] = [];
    store.transaction(() => {
      for (let i = 0; i < 1500; i++) {
        const id = store.createRun({ name: `run ${i} of a sweep over learning rates and batch sizes`, experiment: `exp${i % 3}`, source: 'cli', startTime: 1_000 + i });
        store.logParams(id, { lr: i / 1000, batch: 32 });
        store.finishRun(id, 'finished', 0, 2_000 + i);
        ids.push(id);
      }
    });
    // Long series: one full chunk per 32 KB page.
    const seriesRuns = ids.slice(0, 4);
    for (const id of seriesRuns) {
      store.logMetrics(id, Array.from({ length: 6 * CHUNK_POINTS + 100 }, (_, step) => ({ key: 'loss', value: Math.sin(step) + ids.indexOf(id), step, timestamp: step })));
    }
    const before = new Map(store.listRuns().map((r) => [r.id, r]));
    const series = new Map(seriesRuns.map((id) => [id, store.readMetric(id, 'loss')!]));
    store.close();

    const dir = path.join(root, '.mlwb');
    const file = path.join(dir, 'mlwb.db');
    assert.equal(fs.existsSync(file + '-wal'), false, 'closing the last connection checkpointed the WAL');
    const runPages = leafPages(file, 'runs');
    assert.ok(runPages.length >= 4, `runs span ${runPages.length} pages`);
    const runPage = runPages[Math.floor(runPages.length / 2)];
    const chunkPage = leafPages(file, 'metric_chunks').find((p) => p.ncell === 1 && p.payload >= CHUNK_POINTS * 24)!;
    damagePage(file, runPage.pageno);
    damagePage(file, chunkPage.pageno);
    const damagedBytes = fs.readFileSync(file);

    const check = checkStore(dir);
    assert.equal(check.ok, false);
    assert.ok(check.problems.length > 0);
    const reader = Store.open({ cwd: root, create: false });
    assert.throws(() => reader.listRuns(), (e: unknown) => isCorruption(e));
    reader.close();

    const report = recoverStore(dir);
    assert.equal(report.runs, 1500 - runPage.ncell, 'every run but those on the damaged page');
    assert.ok(report.damaged.runs >= 1 && report.damaged.metric_chunks >= 1);
    assert.deepEqual(fs.readFileSync(report.keptAs), damagedBytes, 'the damaged file is kept as it was');
    assert.equal(checkStore(dir).ok, true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    const recovered = Store.open({ cwd: root, create: false });
    const runs = recovered.listRuns();
    assert.equal(runs.length, report.runs);
    assert.ok(runs.some((r) => r.id === ids.at(-1)), 'runs stored after the damaged page are back');
    for (const run of runs) {
      const was = before.get(run.id)!;
      assert.deepEqual({ ...run, metrics: {} }, { ...was, metrics: {} }, run.name);
    }
    // Exactly one chunk's points are gone, from exactly one series; every other point is intact.
    let lost = 0;
    for (const [id, original] of series) {
      const now = recovered.readMetric(id, 'loss');
      if (!now) continue;
      const missing = original.values.length - now.values.length;
      lost += missing;
      for (let i = 0; i < now.values.length; i++) {
        const j: number = now.steps[i];
        assert.equal(now.values[i], original.values[j], `${id} step ${j}`);
      }
      if (missing) assert.equal(recovered.getRun(id)!.metrics.loss.count, now.values.length, 'the summary matches what is stored');
    }
    assert.equal(lost, CHUNK_POINTS);
    recovered.close();
  });
});
