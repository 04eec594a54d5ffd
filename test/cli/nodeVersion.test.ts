import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';

const BIN = path.resolve('bin', 'mlwb.js');

/** A `node` on PATH older than 22 (the build machines' system Node is 20), if there is one. */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const node = path.join(dir, 'node');
    if (!existsSync(node)) continue;
    const major = Number(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
    if (major < 22) return node;
  }
  return undefined;
}

it('mlwb on a Node older than 22 says so in one line and exits 1', (t) => {
  const node = olderNode();
  if (!node) return t.skip('no Node older than 22 on PATH');
  const r = spawnSync(node, [BIN, 'runs', 'ls'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^mlwb: needs Node\.js 22 or newer; this is v\d+\./);
});

it('the project commands run under Node 22 or newer', () => {
  assert.ok(Number(process.versions.node.split('.')[0]) >= 22, process.version);
});
