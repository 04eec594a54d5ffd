import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { startEndpoint } from '../../../src/core/ingest/endpoint';
import { replaySpool } from '../../../src/core/ingest/spool';
import { REPLAY_LOCK } from '../../../src/core/ingest/spoolClaim';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const RUN = 'ab'.repeat(16);

function lines(): string[] {
  const batch = (n: number) => ({ op: 'batch', runId: RUN, body: { batchId: `b${n}`, metrics: [{ key: 'loss', value: n, step: n, timestamp: 1000 + n }] } });
  return [
    { op: 'createRun', runId: RUN, body: { id: RUN, name: 'offline', experiment: 'spooled', source: 'client', params: { lr: 0.1 } } },
    batch(0), batch(1), batch(2),
    { op: 'output', runId: RUN, body: { stream: 'stdout', text: 'hello\n' } },
    { op: 'dataset', runId: RUN, body: { path: 'd.csv', sha256: 'c'.repeat(64), bytes: 3, rows: 1 } },
    { op: 'end', runId: RUN, body: { status: 'finished', exitCode: 0, endTime: 9000 } },
  ].map((l) => JSON.stringify(l));
}

function spoolFile(store: Store, name: string, text: string): string {
  const dir = path.join(store.dir, 'spool');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  // Old enough not to look like a file still being written.
  fs.utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  return file;
}

function assertOnce(store: Store): void {
  const run = store.getRun(RUN)!;
  assert.equal(run.name, 'offline');
  assert.equal(run.experiment, 'spooled');
  assert.equal(run.status, 'finished');
  assert.deepEqual([...store.readMetric(RUN, 'loss')!.values], [0, 1, 2]);
  assert.equal(store.getLog(RUN, 'stdout')!.content, 'hello\n');
  assert.equal(run.data.length, 1);
}

describe('spool replay', () => {
  it('replays a file once, deletes it, and a second copy adds nothing', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const text = lines().join('\n') + '\n';
    const file = spoolFile(store, '0001.jsonl', text);
    const first = replaySpool(store);
    assert.deepEqual(first, { files: 1, applied: 7, duplicates: 0, torn: 0, problems: [] });
    assert.equal(fs.existsSync(file), false);
    assertOnce(store);
    spoolFile(store, '0001.jsonl', text);
    const second = replaySpool(store);
    assert.equal(second.applied, 0);
    assert.equal(second.duplicates, 7);
    assertOnce(store);
    store.close();
  });

  it('moves a spooled artifact copy into the store once, and refuses a copy that does not match its hash', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const copies = path.join(store.dir, 'spool', 'artifacts');
    fs.mkdirSync(copies, { recursive: true });
    fs.writeFileSync(path.join(copies, 'good'), 'weights');
    fs.writeFileSync(path.join(copies, 'bad'), 'tampered');
    const sha = createHash('sha256').update('weights').digest('hex');
    const otherSha = createHash('sha256').update('what the client read').digest('hex');
    const artifact = (file: string, p: string, sha256 = sha) => JSON.stringify({ op: 'artifact', runId: RUN, body: { path: p, file, sha256, bytes: 7 } });
    const text = [lines()[0], artifact('good', 'model/w.bin'), artifact('bad', 'model/other.bin', otherSha), artifact('../x', 'model/x.bin')].join('\n') + '\n';
    const file = spoolFile(store, '0001.jsonl', text);
    const result = replaySpool(store);
    assert.equal(result.applied, 2);
    assert.equal(result.problems.length, 2);
    assert.match(result.problems.join('\n'), /does not match its sha256/);
    assert.match(result.problems.join('\n'), /plain file name/);
    assert.ok(fs.existsSync(`${file}.failed`), 'a file with problems is kept for a person to look at');
    assert.deepEqual(store.getRun(RUN)!.artifacts, [{ path: 'model/w.bin', sha256: sha, bytes: 7 }]);
    assert.equal(fs.readFileSync(path.join(store.dir, 'artifacts', 'sha256', sha.slice(0, 2), sha.slice(2)), 'utf8'), 'weights');
    assert.equal(fs.existsSync(path.join(copies, 'good')), false);
    store.close();
  });

  it('tolerates a last line cut off by a crash', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const all = lines();
    const cut = all.slice(0, 4).join('\n') + '\n' + all[4].slice(0, 20);
    const file = spoolFile(store, 'crashed.jsonl', cut);
    const result = replaySpool(store);
    assert.deepEqual(result.problems, []);
    assert.equal(result.applied, 4);
    assert.equal(result.torn, 1, 'the cut-off line is skipped and counted');
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual([...store.readMetric(RUN, 'loss')!.values], [0, 1, 2]);
    // The same batches again (the client retried them online): still each point once.
    spoolFile(store, 'retry.jsonl', all.join('\n') + '\n');
    replaySpool(store);
    assertOnce(store);
    store.close();
  });

  it('keeps a file with lines it cannot apply as .failed', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const file = spoolFile(store, 'bad.jsonl', JSON.stringify({ op: 'batch', runId: 'cd'.repeat(16), body: {} }) + '\n');
    const result = replaySpool(store);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0], /bad\.jsonl:1: batch .* No run/);
    assert.ok(fs.existsSync(`${file}.failed`));
    store.close();
  });

  it('is replayed by the endpoint when it starts', async () => {
    const root = tempDir();
    const store = Store.open({ cwd: root, create: true });
    spoolFile(store, '0001.jsonl', lines().join('\n') + '\n');
    store.close();
    const reopened = Store.open({ cwd: root, create: false });
    const logs: string[] = [];
    const endpoint = await startEndpoint(reopened, { log: (m) => logs.push(m) });
    assertOnce(reopened);
    assert.match(logs.join('\n'), /replayed 7 operation/);
    await endpoint.close();
    reopened.close();
  });
});

/** The pid of a process that has exited (and so names no live process, barring reuse). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('spool replay claims and orphans', () => {
  it('adopts the temporary file of a writer that is gone, but not of one still running', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const text = lines().join('\n') + '\n';
    const orphan = spoolFile(store, `.01700000000000000-${deadPid()}-0001-aaaaaaaa.jsonl.tmp`, text);
    const live = spoolFile(store, `.01700000000000001-${process.pid}-0001-bbbbbbbb.jsonl.tmp`, text);
    const result = replaySpool(store);
    assert.deepEqual(result, { files: 1, applied: 7, duplicates: 0, torn: 0, problems: [] });
    assert.equal(fs.existsSync(orphan), false);
    assert.ok(fs.existsSync(live), "a live writer's file is left to it");
    assertOnce(store);
    store.close();
  });

  it('replays nothing while another live process holds the claim, and breaks the claim of a dead one', () => {
    const store = Store.open({ cwd: tempDir(), create: true });
    const file = spoolFile(store, '0001.jsonl', lines().join('\n') + '\n');
    const lock = path.join(store.dir, 'spool', REPLAY_LOCK);
    fs.writeFileSync(lock, `${process.ppid}\n`);
    const busy = replaySpool(store);
    assert.deepEqual(busy.busy, { pid: process.ppid });
    assert.equal(busy.files, 0);
    assert.ok(fs.existsSync(file));
    fs.writeFileSync(lock, `${deadPid()}\n`);
    const taken = replaySpool(store);
    assert.equal(taken.busy, undefined);
    assert.equal(taken.applied, 7);
    assert.equal(fs.existsSync(lock), false, 'the claim is released');
    assertOnce(store);
    store.close();
  });
});
