import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import { tempDir } from '../helpers/tmp';
import { CLI, FIXTURES, PYTHON, type Done, clientEnv, cli, lastJson, run, spawnProcess, startServer } from './harness';
import { readSpool, tearLastLine } from './spoolOracle';

const WRITER = path.join(FIXTURES, 'durable_writer.py');

type Child = ReturnType<typeof spawnProcess>['child'];

/** Resolves with the first stdout line of the child that `match` accepts. */
function line(child: Child, match: (l: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (t: string) => {
      text += t;
      const found = text.split('\n').slice(0, -1).find(match);
      if (found !== undefined) {
        child.stdout!.off('data', onData);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', () => reject(new Error(`exited before printing the line: ${text}`)));
  });
}

const loggedAtLeast = (n: number) => (l: string) => l.startsWith('logged ') && Number(l.slice(7)) >= n;

function lastLogged(stdout: string): number {
  return Math.max(...stdout.split('\n').filter((l) => l.startsWith('logged ')).map((l) => Number(l.slice(7))));
}

function runIdOf(stdout: string): string {
  return /^run ([0-9a-f]{32})$/m.exec(stdout)![1];
}

/** The run and its metric "m" as stored. */
function stored(storeDir: string, id: string): { status: string; steps: number[]; params: Record<string, unknown> } {
  const store = Store.open({ storeDir, cwd: path.dirname(storeDir), create: false });
  try {
    const r = store.getRun(id)!;
    assert.ok(r, `run ${id} is stored`);
    return { status: r.status, steps: [...(store.readMetric(id, 'm')?.steps ?? [])], params: r.params };
  } finally {
    store.close();
  }
}

/** Steps 0, 1, …, n − 1 exactly once each: every point logged up to a moment, none twice. */
function assertSteps(steps: number[], n: number): void {
  assert.equal(steps.length, n, 'point count');
  const sorted = [...steps].sort((a, b) => a - b);
  assert.ok(sorted.every((s, i) => s === i), 'steps 0 … n − 1, each once');
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

function tempSpoolFiles(storeDir: string): string[] {
  const dir = path.join(storeDir, 'spool');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl.tmp')).map((n) => path.join(dir, n)) : [];
}

/** Newline-terminated lines in a file (the run line, a params batch, then metric batches). */
function completeLines(file: string): number {
  return fs.readFileSync(file).reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
}

describe('Python client: kills, signals, limits, stopped and moved endpoints', () => {
  it('SIGKILL while spooling: mlwb sync replays the unsealed file of the dead writer, exactly the points written, the cut-off line skipped and counted', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const w = spawnProcess(PYTHON, [WRITER], { cwd: dir });
    const id = runIdOf(await line(w.child, (l) => l.startsWith('run ')));
    // Killed while its current spool file is still a temporary one, with at least two batch lines
    // in it (under load the client packs more points a batch, so size alone is not enough).
    await until(() => tempSpoolFiles(storeDir).some((f) => fs.statSync(f).size > 300_000 && completeLines(f) >= 4));
    w.child.kill('SIGKILL');
    assert.equal((await w.done).signal, 'SIGKILL');
    const temps = tempSpoolFiles(storeDir);
    assert.ok(temps.length >= 1, 'the writer died before sealing its file');
    tearLastLine(temps.sort().at(-1)!);
    const onDisk = readSpool(storeDir);
    assert.equal(onDisk.torn, 1);
    assert.ok(onDisk.points > 0);

    const out = await cli(['sync'], dir);
    assert.match(out, /^Replayed \d+ operation\(s\) from \d+ spool file\(s\); 0 were already stored\.\nSkipped 1 last line\(s\) cut off when their writer was killed mid-write\.\n$/);
    assertSteps(stored(storeDir, id).steps, onDisk.points);
    assert.deepEqual(readSpool(storeDir).files, [], 'every file replayed and removed');
  });

  it('SIGTERM with no handler of the program: what was logged is spooled, the run ends killed, the process dies of SIGTERM; mlwb sync stores every point', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const w = spawnProcess(PYTHON, [WRITER], { cwd: dir });
    await line(w.child, loggedAtLeast(20_000));
    w.child.kill('SIGTERM');
    const d = await w.done;
    assert.equal(d.signal, 'SIGTERM', 'it still dies of the signal');
    const logged = lastLogged(d.stdout);
    assert.deepEqual(tempSpoolFiles(storeDir), [], 'the spool file is sealed');
    const onDisk = readSpool(storeDir);
    assert.equal(onDisk.torn, 0);

    await cli(['sync'], dir);
    const rec = stored(storeDir, runIdOf(d.stdout));
    assert.equal(rec.status, 'killed');
    // Everything logged until the signal: at least what was printed, contiguous from step 0.
    assertSteps(rec.steps, onDisk.points);
    assert.ok(onDisk.points >= logged, `${onDisk.points} stored, ${logged} printed as logged before SIGTERM`);
  });

  it("SIGTERM with the program's own handler: the client flushes first, then the handler runs and decides; every point logged reaches the live endpoint", async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    const w = spawnProcess(PYTHON, [WRITER, '--user-handler'], { cwd: dir });
    await line(w.child, loggedAtLeast(20_000));
    w.child.kill('SIGTERM');
    const d = await w.done;
    assert.equal(d.code, 143, d.stderr);
    assert.equal(d.stderr, '');
    const byHandler = lastJson<{ count: number; handler: number }>(d.stdout);
    assert.equal(byHandler.handler, 15, "the program's handler ran");
    const rec = stored(storeDir, runIdOf(d.stdout));
    assert.equal(rec.status, 'killed');
    // The handler may run between a log call and the fixture's `count += 1`: that point is logged, not counted.
    const extra = rec.steps.length - byHandler.count;
    assert.ok(extra === 0 || extra === 1, `${rec.steps.length} stored, ${byHandler.count} counted by the handler`);
    assertSteps(rec.steps, rec.steps.length);
    assert.ok(rec.steps.length >= lastLogged(d.stdout));
    assert.deepEqual(readSpool(storeDir).files, []);
    await server.stop();
  });

  it('a 20 MB param is refused to the caller with its name and the limit; params over 16 MiB together travel in several requests; the run goes on against the endpoint, nothing spooled', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    const r = await run(PYTHON, [WRITER, '--points', '20000', '--param-bytes', String(20 * 1024 * 1024)], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warning: the endpoint was never left');
    const refused = r.stdout.split('\n').find((l) => l.startsWith('{"refused"'));
    assert.ok(refused, r.stdout);
    assert.match(JSON.parse(refused).refused as string, /^mlwb: param 'blob' is 20,971,522 bytes as JSON; one param value may take at most 4,194,304 bytes/);
    const result = lastJson<{ id: string; count: number; spooled: boolean }>(r.stdout);
    assert.equal(result.spooled, false);
    const rec = stored(storeDir, result.id);
    assert.equal(rec.status, 'finished');
    assert.deepEqual(Object.keys(rec.params).sort(), ['big0', 'big1', 'big2', 'big3', 'big4', 'lr']);
    assert.equal(rec.params.lr, 0.5);
    for (let i = 0; i < 5; i++) assert.equal(rec.params[`big${i}`], String(i).repeat(3584 * 1024));
    assertSteps(rec.steps, 20_000);
    assert.deepEqual(readSpool(storeDir).files, []);
    await server.stop();
  });

  it('the endpoint answers an oversized body with 413 and its JSON, on a connection that stays usable', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    const { token } = JSON.parse(fs.readFileSync(path.join(storeDir, 'endpoint.json'), 'utf8')) as { token: string };
    // Python's http.client, as the client uses it: it sends the whole body before reading the answer.
    const script = [
      'import json, sys',
      'from mlwb._endpoint import Endpoint',
      'from mlwb._http import Connection, Rejected',
      'conn = Connection(Endpoint(sys.argv[1], sys.argv[2]))',
      'try:',
      '    conn.request("POST", "/runs", b"{\\"name\\": \\"" + b"x" * (20 * 1024 * 1024) + b"\\"}")',
      '    print(json.dumps({"refused": None}))',
      'except Rejected as err:',
      '    print(json.dumps({"refused": str(err), "health": conn.request("GET", "/health")["ok"]}))',
    ].join('\n');
    const r = await run(PYTHON, ['-c', script, server.url, token], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const answer = lastJson<{ refused: string; health: boolean }>(r.stdout);
    assert.equal(answer.refused, 'HTTP 413: Request body is larger than 16777216 bytes; split it into smaller requests.');
    assert.equal(answer.health, true);
    await server.stop();
  });

  it('a stopped endpoint (SIGSTOP) holds a 1,000-point run for seconds, not minutes: the rest is spooled and mlwb sync stores it all', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const server = await startServer(storeDir);
    server.child.kill('SIGSTOP');
    let r: Done;
    try {
      r = await run(PYTHON, [path.join(FIXTURES, 'writer.py'), '--points', '1000', '--name', 'stopped'], { cwd: dir });
    } finally {
      server.child.kill('SIGCONT');
    }
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /does not answer \(its process is stopped; .*\); this process now spools/);
    const result = lastJson<{ id: string; count: number; spooled: boolean }>(r.stdout);
    assert.equal(result.spooled, true);
    await server.stop();
    await cli(['sync'], dir);
    const rec = stored(storeDir, result.id);
    assert.equal(rec.status, 'finished');
    assertSteps(rec.steps, 1000);
  });

  it('a hung endpoint (accepts, never answers): the health check fails, the rest is spooled and mlwb sync stores it all', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const hung = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as net.AddressInfo;
    try {
      const env = clientEnv({ MLWB_ENDPOINT: `http://127.0.0.1:${port}`, MLWB_TOKEN: 'x', MLWB_STORE: storeDir });
      const r = await run(PYTHON, [path.join(FIXTURES, 'writer.py'), '--points', '1000', '--name', 'hung'], { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /does not answer \(no answer, not even to \/health within 10 s; .*\); this process now spools/);
      const result = lastJson<{ id: string; spooled: boolean }>(r.stdout);
      assert.equal(result.spooled, true);
      await cli(['sync'], dir);
      const rec = stored(storeDir, result.id);
      assert.equal(rec.status, 'finished');
      assertSteps(rec.steps, 1000);
    } finally {
      hung.close();
    }
  });

  it('an endpoint that restarted elsewhere: the client re-reads endpoint.json and logs there instead of spooling', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    const first = await startServer(storeDir);
    const { token } = JSON.parse(fs.readFileSync(path.join(storeDir, 'endpoint.json'), 'utf8')) as { token: string };
    const go = path.join(dir, 'go');
    const env = clientEnv({ MLWB_ENDPOINT: first.url, MLWB_TOKEN: token, MLWB_STORE: storeDir });
    const w = spawnProcess(PYTHON, [WRITER, '--points', '20000', '--wait-file', go], { cwd: dir, env });
    await line(w.child, (l) => l === 'half');
    await first.stop();
    const second = await startServer(storeDir);
    assert.notEqual(second.url, first.url);
    fs.writeFileSync(go, '');
    const d = await w.done;
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stderr, `mlwb: the endpoint ${first.url} does not answer; endpoint.json names ${second.url}: logging there\n`);
    const result = lastJson<{ id: string; spooled: boolean }>(d.stdout);
    assert.equal(result.spooled, false);
    const rec = stored(storeDir, result.id);
    assert.equal(rec.status, 'finished');
    assertSteps(rec.steps, 20_000);
    assert.deepEqual(readSpool(storeDir).files, []);
    await second.stop();
  });

  it('four mlwb run and two mlwb sync at once over a spool of many files: one replays, all go on, every point stored once', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.mlwb');
    // Offline writers that pause between chunks seal a spool file at each pause: many files.
    const writers = await Promise.all([0, 1, 2].map((i) => run(PYTHON,
      [path.join(FIXTURES, 'writer.py'), '--points', '12000', '--chunk', '1000', '--pause', '0.3', '--name', `w${i}`], { cwd: dir })));
    const logged = writers.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return lastJson<{ id: string; count: number }>(r.stdout);
    });
    assert.ok(readSpool(storeDir).files.length >= 6, 'several spool files');
    const command = [PYTHON, '-c', 'print("user command ran")'];
    const runs = [0, 1, 2, 3].map(() => run(process.execPath, [CLI, 'run', '--store', storeDir, '--', ...command], { cwd: dir, env: clientEnv() }));
    const syncs = [0, 1].map(() => run(process.execPath, [CLI, 'sync', '--store', storeDir], { cwd: dir, env: clientEnv() }));
    for (const r of await Promise.all(runs)) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /user command ran/);
      assert.doesNotMatch(r.stderr, /ENOENT|Error/);
    }
    for (const r of await Promise.all(syncs)) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readSpool(storeDir).files, [], 'all replayed');
    const store = Store.open({ storeDir, cwd: dir, create: false });
    try {
      const all = store.listRuns();
      assert.equal(all.filter((r) => r.source === 'script').length, 4);
      assert.ok(all.filter((r) => r.source === 'script').every((r) => r.status === 'finished'), 'no run left running');
      for (const w of logged) assertSteps([...store.readMetric(w.id, 'm')!.steps], w.count);
    } finally {
      store.close();
    }
  });
});
