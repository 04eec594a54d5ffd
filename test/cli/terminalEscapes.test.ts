// Run names, tags and params are user text: shown on a terminal they must not act on it, and in a
// CSV opened by a spreadsheet they must not act as formulas.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../src/core/store/types';
import { gitRepo, mlwb, mlwbJson } from './harness';

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;pwned\x07';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal escapes and CSV formulas in run fields', () => {
  it('shows control characters spelled out in runs ls/show and the banner; CSV cells are not formulas', async () => {
    const repo = gitRepo({ 'train.py': 'print("epoch 1 loss=0.5")\n' });
    const name = `${CLEAR}evil${TITLE}\nmlwb: run 00000000 finished`;
    const r = await mlwb(['run', '--name', name, '--tag', `note=${CLEAR}red`, '--experiment', `=HYPERLINK("http://x")`, '--',
      'python3', 'train.py', '--formula', '=1+2', '--who', '@SUM(A1:A9)', '--lr', '-0.5', '--cmd', '+cmd|calc'], repo);
    assert.equal(r.code, 0, r.stderr);
    const banner = r.stderr.split('\n').find((l) => l.includes('evil'))!;
    assert.ok(!RAW_CONTROL.test(r.stderr), JSON.stringify(r.stderr));
    assert.ok(banner.includes('\\x1b[2Jevil\\x1b]0;pwned\\x07\\nmlwb: run 00000000 finished'), banner);

    const ls = await mlwb(['runs', 'ls'], repo);
    assert.ok(!RAW_CONTROL.test(ls.stdout), JSON.stringify(ls.stdout));
    assert.equal(ls.stdout.trimEnd().split('\n').length, 2, 'one header line and one line for the run');
    assert.ok(ls.stdout.includes('\\x1b[2Jevil'));

    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(run.name, name, 'JSON keeps the exact name');
    assert.equal(run.tags.note, `${CLEAR}red`);
    const show = await mlwb(['runs', 'show', run.id], repo);
    assert.ok(!RAW_CONTROL.test(show.stdout), JSON.stringify(show.stdout));
    assert.match(show.stdout, /^ {2}note +\\x1b\[2Jred$/m);

    const csv = await mlwb(['export', '--format', 'csv'], repo);
    assert.ok(!RAW_CONTROL.test(csv.stdout.replace(/\r\n/g, '').replace(/\n/g, '')), JSON.stringify(csv.stdout));
    const [header, row] = parseCsv(csv.stdout);
    const cell = (column: string) => row[header.indexOf(column)];
    assert.equal(cell('experiment'), `'=HYPERLINK("http://x")`);
    assert.equal(cell('param.formula'), "'=1+2");
    assert.equal(cell('param.who'), "'@SUM(A1:A9)");
    assert.equal(cell('param.cmd'), "'+cmd|calc");
    assert.equal(cell('param.lr'), '-0.5', 'numbers stay numbers');
    assert.equal(cell('name'), '\\x1b[2Jevil\\x1b]0;pwned\\x07\nmlwb: run 00000000 finished');

    const json = JSON.parse((await mlwb(['export', '--format', 'json'], repo)).stdout) as RunRecord[];
    assert.equal(json[0].experiment, '=HYPERLINK("http://x")');
    assert.equal(json[0].params.formula, '=1+2');
  });
});

/** RFC 4180 rows: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += text[++i];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      rows.at(-1)!.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.at(-1)!.push(cell);
      cell = '';
      rows.push([]);
      i++;
    } else cell += c;
  }
  return rows.filter((r) => r.length > 0);
}
