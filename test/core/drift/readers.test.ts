// Reading data files: the byte-level CSV parser gives exactly the numbers JavaScript's own parser
// gives, handles quotes, and refuses bad files with one line that says where; JSON lines and
// Parquet (vega-datasets' flights-3m, through hyparquet) give the same tables.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCsv } from '../../../src/core/drift/read/csv';
import { readCsvFile } from '../../../src/core/drift/read/csvFile';
import { parseJsonLines } from '../../../src/core/drift/read/jsonLines';
import { parseParquet } from '../../../src/core/drift/read/parquet';
import { readTable } from '../../../src/core/drift/read/readTable';
import type { Column } from '../../../src/core/drift/read/table';
import { MlwbError } from '../../../src/core/errors';
import { tempDir } from '../../helpers/tmp';
import { seeded } from '../../helpers/seeded';
import { SEATTLE } from './realData';

const csv = (text: string | Buffer) => parseCsv(Buffer.isBuffer(text) ? text : Buffer.from(text), 'data.csv');
const col = (c: Column | undefined) => {
  if (!c) throw new Error('no such column');
  return Array.from(c.values as ArrayLike<number | string | null>);
};

test('every decimal spelling parses to exactly the double Number() gives', () => {
  const random = seeded(1);
  const fields: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const digits = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 17))));
    const point = Math.floor(random() * (digits.length + 1));
    let s = `${random() < 0.3 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`.replace(/^(-?)\./, '$10.');
    if (random() < 0.2) s += `e${random() < 0.5 ? '-' : '+'}${Math.floor(random() * 40)}`;
    fields.push(s);
  }
  fields.push('0', '-0', '1e22', '1e23', '9007199254740993', '0.1', '123456789012345678', '1.', '.5', '+3', '4.35E-7');
  const t = csv(`x\n${fields.join('\n')}\n`);
  const values = col(t.columns[0]) as number[];
  fields.forEach((f, i) => assert.ok(Object.is(values[i], Number(f)), `${f}: ${values[i]} vs ${Number(f)}`));
});

test('seattle-weather reads as Python reads it: same numbers, text columns as text', async () => {
  const t = await readTable(SEATTLE);
  const [header, ...lines] = fs.readFileSync(SEATTLE, 'utf8').trim().split('\n');
  assert.equal(t.rows, lines.length);
  assert.deepEqual(t.columns.map((c) => c.name), header.split(','));
  assert.deepEqual(t.columns.map((c) => c.kind), ['string', 'number', 'number', 'number', 'number', 'string']);
  const temp = col(t.columns[2]);
  lines.forEach((l, i) => assert.equal(temp[i], Number(l.split(',')[2])));
  assert.equal(col(t.columns[5])[0], 'drizzle');
});

test('quotes, doubled quotes, newlines in fields, CRLF, BOM, missing values, ±Inf', () => {
  const t = csv('\ufeffname,score,note\r\n"Smith, J",1.5,"said ""hi"""\r\nLee,,"two\nlines"\r\nNg,inf,NA\r\n"Ko",-Infinity,\r\n');
  assert.deepEqual(col(t.columns[0]), ['Smith, J', 'Lee', 'Ng', 'Ko']);
  assert.deepEqual(col(t.columns[1]), [1.5, NaN, Infinity, -Infinity]);
  assert.deepEqual(col(t.columns[2]), ['said "hi"', 'two\nlines', null, null]);
  assert.equal(t.columns[1].kind, 'number');
});

test('a column that turns out to hold text becomes a text column', () => {
  const t = csv('a\n1\n2\nthree\n');
  assert.equal(t.columns[0].kind, 'string');
  assert.deepEqual(col(t.columns[0]), ['1', '2', 'three']);
});

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof MlwbError && pattern.test(err.oneLine) && !err.oneLine.includes('\n'));
}

test('bad CSV files are refused with one line that says what and where', () => {
  refused(() => csv('a,b\n1,2\n3\n4,5\n'), /^data\.csv:3: this row has 1 field, the header has 2/);
  refused(() => csv('a,b\n1,2\n3,4,5\n'), /^data\.csv:3: this row has more than 2 fields/);
  refused(() => csv('a,b\n1,"2\n3,4\n'), /^data\.csv:2: a quoted field is never closed/);
  refused(() => csv(''), /data\.csv is empty/);
  refused(() => csv('a,b\n'), /has a header but no rows/);
  refused(() => csv('a,a\n1,2\n'), /column "a" appears twice/);
  refused(() => csv(Buffer.concat([Buffer.from('city,n\nZürich,1\n'), Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), Buffer.from(',2\n')])), /data\.csv is not UTF-8 text \(line 3\)/);
});

test('JSON lines: the union of keys, nulls missing, bad lines named', () => {
  const t = parseJsonLines('{"a": 1, "b": "x"}\n\n{"a": 2.5}\n{"b": "y", "c": true}\n', 'd.jsonl');
  assert.deepEqual(t.columns.map((c) => c.name), ['a', 'b', 'c']);
  assert.deepEqual(col(t.columns[0]), [1, 2.5, NaN]);
  assert.deepEqual(col(t.columns[1]), ['x', null, 'y']);
  refused(() => parseJsonLines('{"a": 1}\n{"a": \n', 'd.jsonl'), /^d\.jsonl:2: not valid JSON/);
  refused(() => parseJsonLines('[1, 2]\n', 'd.jsonl'), /^d\.jsonl:1: expected a JSON object/);
});

test('files: unsupported types, missing and empty files are refused', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'empty.csv'), '');
  fs.writeFileSync(path.join(dir, 'data.xlsx'), 'x');
  await assert.rejects(readTable(path.join(dir, 'empty.csv'), 'empty.csv'), /empty\.csv is empty/);
  await assert.rejects(readTable(path.join(dir, 'data.xlsx'), 'data.xlsx'), /unsupported file type "\.xlsx"/);
  await assert.rejects(readTable(path.join(dir, 'nope.csv'), 'nope.csv'), /nope\.csv: file not found/);
});

test('Parquet through hyparquet: vega-datasets flights-3m (its first 100,000 rows: hyparquet takes ~30 s for all)', async () => {
  const file = path.join(__dirname, '..', '..', '..', 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
  const t = await parseParquet(fs.readFileSync(file), 'flights-3m.parquet', { rowEnd: 100000 });
  assert.equal(t.rows, 100000);
  for (const c of t.columns) assert.equal(c.values.length, t.rows, c.name);
  const delay = t.columns.find((c) => c.name === 'delay');
  assert.equal(delay?.kind, 'number');
  const origin = t.columns.find((c) => c.name === 'origin');
  assert.equal(origin?.kind, 'string');
  assert.match(String(origin?.values[0]), /^[A-Z]{3}$/);
});

test('a CSV file read in chunks: rows cut inside quoted fields, a row longer than a chunk, CRLF, BOM, no final newline', async () => {
  const random = seeded(4);
  const words = ['plain', 'with, comma', 'said "hi"', 'two\nlines', 'Zürich €', '', 'NA'];
  const expected: Array<[number, number, string | null]> = [];
  const lines: string[] = [];
  for (let i = 0; i < 100000; i++) {
    const value = Math.round((random() - 0.5) * 1e9) / 1e4;
    let note = words[Math.floor(random() * words.length)] + (random() < 0.5 ? ` ${i}` : '');
    if (i === 31000) note = 'x'.repeat(1.5 * 2 ** 20) + '\n"long"';
    const quoted = /[",\n]/.test(note) || random() < 0.2;
    lines.push(`${i},${value},${quoted ? `"${note.replace(/"/g, '""')}"` : note}${random() < 0.1 ? '\r' : ''}`);
    expected.push([i, value, note === '' || note === 'NA' ? null : note]);
  }
  const dir = tempDir();
  const file = path.join(dir, 'chunks.csv');
  fs.writeFileSync(file, '\ufeffid,value,"the\nnote"\n' + lines.join('\n'));
  assert.ok(fs.statSync(file).size > 3 * 2 ** 20, 'several chunks');
  const t = await readTable(file, 'chunks.csv');
  assert.deepEqual(t.columns.map((c) => [c.name, c.kind]), [['id', 'number'], ['value', 'number'], ['the\nnote', 'string']]);
  assert.equal(t.rows, expected.length);
  const [ids, values, notes] = t.columns.map(col);
  expected.forEach(([id, value, note], i) => {
    assert.equal(ids[i], id);
    assert.equal(values[i], value);
    assert.equal(notes[i], note, `row ${i}`);
  });

  // Errors past the first chunk name their line in the whole file.
  const lineOf = (row: number) => 3 + row + expected.slice(0, row).reduce((n, [, , note]) => n + (note?.split('\n').length ?? 1) - 1, 0);
  const ragged = [...lines];
  ragged[50000] = '50000,1.5';
  fs.writeFileSync(file, 'id,value,"the\nnote"\n' + ragged.join('\n') + '\n');
  await assert.rejects(readTable(file, 'chunks.csv'), new RegExp(`^MlwbError: chunks\\.csv:${lineOf(50000)}: this row has 2 fields`));
  fs.writeFileSync(file, Buffer.concat([Buffer.from('id,value,"the\nnote"\n' + lines.slice(0, 45000).join('\n') + '\n'), Buffer.from([0x31, 0x2c, 0x32, 0x2c, 0xfc, 0x0a])]));
  await assert.rejects(readTable(file, 'chunks.csv'), new RegExp(`chunks\\.csv is not UTF-8 text \\(line ${lineOf(45000)}\\)`));
});

test('a CSV whose columns would not fit in memory is refused before they are allocated', async () => {
  const file = path.join(tempDir(), 'wide.csv');
  fs.writeFileSync(file, 'a,b,c\n1,2,3\n4,5,6\n');
  await assert.rejects(readCsvFile(file, 'wide.csv', { memoryLimit: 50 }), (err: unknown) => err instanceof MlwbError &&
    /^wide\.csv holds up to 3 rows × 3 columns: 0\.0 GiB in memory, more than this machine can hold for a drift report \(0\.0 GiB\)\. — Compare a random sample of its rows/.test(err.oneLine));
  assert.equal((await readCsvFile(file, 'wide.csv', { memoryLimit: 1000 })).rows, 2);
});
