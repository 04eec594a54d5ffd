import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PNG } from 'pngjs';
import { MlwbError } from '../../../src/core/errors';
import { readDataset } from '../../../src/core/inference/dataset';
import { checkFeeds, loadInputFile, syntheticFeeds } from '../../../src/core/inference/feeds';
import { imageTensor } from '../../../src/core/inference/io/image';
import { feedsFromJson } from '../../../src/core/inference/io/jsonTensor';
import { readNpy, writeNpy } from '../../../src/core/inference/io/npy';
import { readNpz } from '../../../src/core/inference/io/npz';
import { numericColumn, parseCsv } from '../../../src/core/inference/io/tabular';
import { toNumbers } from '../../../src/core/inference/tensor';
import { oracle } from '../../helpers/pythonOracle';
import { tempDir } from '../../helpers/tmp';

const PENGUIN_INPUT = [{ name: 'features', type: 'float32', shape: ['batch', 4] as (string | number)[] }];

describe('NPY and NPZ', () => {
  it('reads what numpy wrote (np.save, np.savez, np.savez_compressed)', async () => {
    const dir = tempDir();
    const written = await oracle<{ a: number[][]; b: number[] }>(['write-arrays', dir]);
    const a = readNpy(await fs.readFile(path.join(dir, 'a.npy')));
    assert.equal(a.type, 'float32');
    assert.deepEqual(a.dims, [2, 3]);
    assert.deepEqual(toNumbers(a), Array.from(new Float32Array(written.a.flat())));
    const b = readNpy(await fs.readFile(path.join(dir, 'b.npy')));
    assert.equal(b.type, 'int64');
    assert.deepEqual(Array.from(b.data as BigInt64Array, Number), written.b);
    const compressed = readNpz(await fs.readFile(path.join(dir, 'c.npz')));
    assert.deepEqual(Object.keys(compressed).sort(), ['a', 'b']);
    assert.deepEqual(toNumbers(compressed.a), toNumbers(a));
    const stored = readNpz(await fs.readFile(path.join(dir, 'd.npz')));
    assert.equal(stored.x.type, 'float64');
    assert.equal(stored.flags.type, 'bool');
    assert.deepEqual(toNumbers(stored.flags), [1, 0]);
  });

  it('reads a .npz as a dataset: a 2-D array becomes one column per feature', async () => {
    const dir = tempDir();
    const written = await oracle<{ a: number[][] }>(['write-arrays', dir]);
    const table = await readDataset(path.join(dir, 'd.npz'));
    assert.deepEqual(table.columns.sort(), ['flags', 'x0', 'x1', 'x2']);
    assert.equal(table.rows, 2);
    assert.deepEqual(numericColumn(table, 'x1') && Array.from(numericColumn(table, 'x1')!), written.a.map((row) => Math.fround(row[1])));
  });

  it('writes .npy files numpy reads back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.npy');
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    await fs.writeFile(file, writeNpy({ type: 'float32', dims: [3, 4], data }));
    const back = await oracle<{ dtype: string; shape: number[]; data: number[] }>(['read-npy', file]);
    assert.equal(back.dtype, 'float32');
    assert.deepEqual(back.shape, [3, 4]);
    assert.deepEqual(back.data, Array.from(data));
  });

  it('refuses a file that is not .npy with a message naming it', () => {
    assert.throws(() => readNpy(Buffer.from('hello world'), 'x.npy'), /x\.npy is not a NumPy \.npy file/);
    assert.throws(() => readNpz(Buffer.from('hello world'), 'x.npz'), /x\.npz is not a \.npz/);
  });
});

describe('JSON and tabular inputs', () => {
  it('fills the only input from a bare array and names inputs in objects', () => {
    const feeds = feedsFromJson('[[1,2,3,4],[5,6,7,8]]', PENGUIN_INPUT);
    assert.deepEqual(feeds.features.dims, [2, 4]);
    assert.ok(feeds.features.data instanceof Float32Array);
    assert.throws(() => feedsFromJson('{"x": [[1,2,3,4]]}', PENGUIN_INPUT), /no value for input "features"/);
    assert.throws(() => feedsFromJson('[[1,2],[3]]', PENGUIN_INPUT), /ragged/);
  });

  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    const t = parseCsv('a,b\r\n"x, ""y""",1\n"multi\nline",2\n');
    assert.equal(t.rows, 2);
    assert.deepEqual(t.values.get('a'), ['x, "y"', 'multi\nline']);
    assert.deepEqual(t.values.get('b'), ['1', '2']);
  });

  it('reads quote-free CSV (the fast path) as the quoted reader does, numbers as Number() parses them', async () => {
    const text = (await fs.readFile(path.join(__dirname, '..', '..', '..', 'demo', 'data', 'penguins.csv'), 'utf8')).replace(/\n/g, '\r\n');
    const fast = parseCsv(text);
    const slow = parseCsv(text.replace('species', '"species"'));
    assert.ok(fast.numeric && !slow.numeric, 'one went each way');
    assert.deepEqual(fast.columns, slow.columns);
    assert.equal(fast.rows, slow.rows);
    for (const c of fast.columns) {
      assert.deepEqual(fast.values.get(c), slow.values.get(c), c);
      const numbers = numericColumn(fast, c);
      const expected = slow.values.get(c)!.every((v) => v === '' || !Number.isNaN(Number(v)));
      assert.equal(numbers !== undefined, expected, c);
      if (numbers) assert.deepEqual(Array.from(numbers), slow.values.get(c)!.map((v) => (v === '' ? NaN : Number(v))), c);
    }
    assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'x.csv'), /x\.csv, line 3: 1 fields, the header has 2\./);
  });

  it('reads JSON lines rows as the same CSV rows would be read', async () => {
    const dir = tempDir();
    const rows = [{ species: 'Adelie', a: 1, b: 2, c: 3, d: 4 }, { species: 'Gentoo', a: 5.5, b: 6, c: 7, d: 8 }];
    await fs.writeFile(path.join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    await fs.writeFile(path.join(dir, 'rows.csv'), `species,a,b,c,d\n${rows.map((r) => Object.values(r).join(',')).join('\n')}\n`);
    const fromJson = await loadInputFile(path.join(dir, 'rows.jsonl'), PENGUIN_INPUT);
    const fromCsv = await loadInputFile(path.join(dir, 'rows.csv'), PENGUIN_INPUT);
    assert.deepEqual(fromJson.features.dims, [2, 4]);
    assert.deepEqual(toNumbers(fromJson.features), toNumbers(fromCsv.features));
  });

  it('reads CSV rows into a [rows, features] input, leaving out rows with missing values', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'rows.csv');
    await fs.writeFile(file, 'species,a,b,c,d\nAdelie,1,2,3,4\nGentoo,,,,\nAdelie,5,6,7,8\n');
    const feeds = await loadInputFile(file, PENGUIN_INPUT);
    assert.deepEqual(feeds.features.dims, [2, 4]);
    assert.deepEqual(toNumbers(feeds.features), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('says which input is wrong, expected vs got', () => {
    const feeds = { features: { type: 'float32', dims: [1, 3], data: new Float32Array(3) } };
    assert.throws(() => checkFeeds(feeds, PENGUIN_INPUT), (e: Error) =>
      e instanceof MlwbError && e.message === 'Input "features": expected float32 [batch, 4], got float32 [1, 3].');
    const wrongType = { features: { type: 'float64', dims: [1, 4], data: new Float64Array(4) } };
    assert.throws(() => checkFeeds(wrongType, PENGUIN_INPUT), /expected float32 \[batch, 4\], got float64 \[1, 4\]/);
  });

  it('asks for a value for a dynamic dimension other than the batch', () => {
    const inputs = [{ name: 'b', type: 'int64', shape: ['batch', 'seq'] as (string | number)[] }];
    assert.throws(() => syntheticFeeds(inputs, 8), (e: Error) =>
      e instanceof MlwbError && /Input "b" has dynamic dimension "seq" with no value/.test(e.message) && /--dim seq=/.test(e.hint ?? ''));
    assert.deepEqual(syntheticFeeds(inputs, 8, { seq: 5 }).b.dims, [8, 5]);
  });
});

describe('Parquet datasets', () => {
  it('reads a Parquet file as JSON lines of the same rows read: missing values, int64, numbers as text, booleans', async () => {
    const dir = tempDir();
    const rows = [
      { length: 39.1, count: 3n, code: '7', ok: true, name: 'Adelie' },
      { length: null, count: 2n ** 40n, code: '8.5', ok: false, name: null },
      { length: -0.25, count: null, code: null, ok: null, name: 'Gentoo' },
    ];
    const file = path.join(dir, 'rows.parquet');
    await fs.writeFile(file, Buffer.from(parquetWriteBuffer({
      columnData: [
        { name: 'length', data: rows.map((r) => r.length), type: 'DOUBLE' },
        { name: 'count', data: rows.map((r) => r.count), type: 'INT64' },
        { name: 'code', data: rows.map((r) => r.code), type: 'STRING' },
        { name: 'ok', data: rows.map((r) => r.ok), type: 'BOOLEAN' },
        { name: 'name', data: rows.map((r) => r.name), type: 'STRING' },
      ],
    })));
    const jsonl = path.join(dir, 'rows.jsonl');
    await fs.writeFile(jsonl, rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))).join('\n'));
    const [parquet, json] = [await readDataset(file), await readDataset(jsonl)];
    assert.deepEqual(parquet.columns, json.columns);
    assert.deepEqual(parquet.values, json.values);
    for (const c of parquet.columns) assert.deepEqual(numericColumn(parquet, c), numericColumn(json, c), c);
    assert.deepEqual(Array.from(numericColumn(parquet, 'count')!), [3, 2 ** 40, NaN]);
    assert.deepEqual(Array.from(numericColumn(parquet, 'code')!), [7, 8.5, NaN], 'numbers stored as text are numbers');
    assert.equal(numericColumn(parquet, 'name'), undefined);
  });

  it('refuses a file that is not Parquet with a message naming it', async () => {
    const file = path.join(tempDir(), 'broken.parquet');
    await fs.writeFile(file, 'not parquet at all');
    await assert.rejects(readDataset(file), /broken\.parquet is not a readable Parquet file/);
  });
});

describe('images', () => {
  it('resizes a PNG to the input size and normalises per channel (NCHW)', () => {
    const png = new PNG({ width: 8, height: 6 });
    for (let i = 0; i < 8 * 6; i++) png.data.set([200, 100, 50, 255], i * 4);
    const input = { name: 'image', type: 'float32', shape: [1, 3, 4, 4] as (string | number)[] };
    const mean = [0.5, 0.4, 0.3];
    const std = [0.2, 0.25, 0.3];
    const t = imageTensor(PNG.sync.write(png), input, { mean, std });
    assert.deepEqual(t.dims, [1, 3, 4, 4]);
    const values = t.data as Float32Array;
    [200, 100, 50].forEach((v, c) => {
      const want = (v / 255 - mean[c]) / std[c];
      for (let i = 0; i < 16; i++) assert.ok(Math.abs(values[c * 16 + i] - want) < 1e-5);
    });
    assert.throws(() => imageTensor(Buffer.from('nope'), input), /neither PNG nor JPEG/);
  });
});
