import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogAppender } from '../../../src/core/capture/logAppender';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

function openStore() {
  const store = Store.open({ cwd: tempDir(), create: true });
  return { store, id: store.createRun({ experiment: 'e', source: 'cli' }) };
}

describe('LogAppender + stored log chunks', () => {
  it('stores output as it comes: after each write the stored log is everything so far', () => {
    const { store, id } = openStore();
    const log = new LogAppender({ headBytes: 100, tailBytes: 100 });
    let all = '';
    for (let i = 0; i < 5; i++) {
      const burst = `line ${i} é\n`;
      all += burst;
      log.push(Buffer.from(burst));
      const { chunks, drop } = log.take();
      store.appendLog(id, 'stdout', chunks, drop);
      assert.deepEqual(store.getLog(id, 'stdout'), { stream: 'stdout', content: all, totalBytes: Buffer.byteLength(all), truncated: false });
    }
    store.close();
  });

  it('keeps the head and the tail of a huge log while it grows, holding no more than that', () => {
    const { store, id } = openStore();
    const log = new LogAppender({ headBytes: 64, tailBytes: 64 });
    let all = '';
    for (let i = 0; i < 2000; i++) {
      const line = `step ${i}: ${'ü'.repeat(i % 7)}\n`;
      all += line;
      log.push(Buffer.from(line));
      if (i % 3 === 0) {
        const { chunks, drop } = log.take();
        store.appendLog(id, 'stdout', chunks, drop);
      }
    }
    const { chunks, drop } = log.take();
    store.appendLog(id, 'stdout', chunks, drop);
    const stored = store.getLog(id, 'stdout')!;
    const bytes = Buffer.from(all);
    assert.equal(stored.totalBytes, bytes.length);
    assert.equal(stored.truncated, true);
    const [head, tail] = stored.content.split(/… \[\d+ bytes omitted\] …\n/);
    assert.ok(bytes.subarray(0, 64).toString().startsWith(head.replace(/\n$/, '')), 'head: the first bytes');
    assert.ok(all.endsWith(tail) && Buffer.byteLength(tail) >= 60, 'tail: the last bytes');
    const omitted = Number(/\[(\d+) bytes omitted\]/.exec(stored.content)![1]);
    assert.equal(Buffer.byteLength(head.replace(/\n$/, '')) + omitted + Buffer.byteLength(tail), bytes.length);
    const rows = store.db.prepare('SELECT SUM(length(content)) AS n FROM run_log_chunks WHERE run_id = ?').get(id) as { n: number };
    assert.ok(rows.n < 64 + 64 + 64, `${rows.n} bytes stored`);
    store.close();
  });

  it('the finished log replaces the chunks', () => {
    const { store, id } = openStore();
    const log = new LogAppender();
    log.push(Buffer.from('partial\n'));
    const { chunks } = log.take();
    store.appendLog(id, 'stderr', chunks);
    store.setLog(id, { stream: 'stderr', content: 'partial\nand the rest\n', totalBytes: 21, truncated: false });
    assert.equal(store.getLog(id, 'stderr')!.content, 'partial\nand the rest\n');
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM run_log_chunks').get() as { n: number }).n, 0);
    store.close();
  });
});
