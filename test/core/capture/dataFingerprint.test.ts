import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fingerprintData } from '../../../src/core/capture/dataFingerprint';
import { MlwbError } from '../../../src/core/errors';
import { tempDir } from '../../helpers/tmp';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('data fingerprint', () => {
  it('hashes a CSV and counts records, not lines, with quoted newlines and CRLF', async () => {
    const dir = tempDir();
    const csv = 'id,text\r\n1,"two\nlines"\r\n2,plain\r\n3,"say ""hi"""\r\n';
    fs.writeFileSync(path.join(dir, 'train.csv'), csv);
    const ref = await fingerprintData('train.csv', dir);
    assert.deepEqual(ref, { path: 'train.csv', sha256: sha256(csv), bytes: Buffer.byteLength(csv), rows: 3 });
  });

  it('counts the records of a large CSV with quoted newlines across read chunks as Python\'s csv module does', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.csv');
    // ~12 MB: several read chunks, with quoted fields (newlines, CRLF, "" escapes) and blank lines.
    const oracle = execFileSync('/usr/bin/python3', ['-c', `
import csv, random, sys
random.seed(7)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator=random.choice(["\\n", "\\r\\n"]))
    w.writerow(["id", "text", "score"])
    for i in range(250000):
        text = random.choice(["plain", "two\\nlines", 'say ""hi""', "a,b", "x" * random.randint(0, 80), "cr\\r\\nlf"])
        w.writerow([i, text, random.random()])
        if i % 997 == 0:
            f.write("\\n")
with open(sys.argv[1], newline="") as f:
    print(sum(1 for row in csv.reader(f) if row) - 1)
`, file], { encoding: 'utf8' });
    const ref = await fingerprintData(file, dir);
    assert.ok(ref.bytes > 8 * 1024 * 1024, `${ref.bytes} bytes`);
    assert.equal(ref.rows, Number(oracle.trim()));
    assert.equal(ref.sha256, sha256(fs.readFileSync(file)));
  });

  it('counts JSON lines, ignoring blank lines and a missing final newline', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'data'));
    const text = '{"a":1}\n\n{"a":2}\n{"a":3}';
    fs.writeFileSync(path.join(dir, 'data', 'x.jsonl'), text);
    const ref = await fingerprintData(path.join(dir, 'data', 'x.jsonl'), dir);
    assert.equal(ref.path, path.join('data', 'x.jsonl'));
    assert.equal(ref.rows, 3);
  });

  it('hashes a file outside the working folder under its absolute path, with no row count for other formats', async () => {
    const file = path.join(process.env.MLWB_REPO ?? process.cwd(), 'node_modules', 'typescript', 'package.json');
    const ref = await fingerprintData(file, '/');
    assert.equal(ref.sha256, sha256(fs.readFileSync(file)));
    assert.equal(ref.rows, null);
    assert.equal(ref.path, file.slice(1));
  });

  it('fingerprints a folder from its files and their names', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'd', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'd', 'a.txt'), 'a');
    fs.writeFileSync(path.join(dir, 'd', 'sub', 'b.txt'), 'bb');
    const first = await fingerprintData('d', dir);
    assert.equal(first.bytes, 3);
    fs.renameSync(path.join(dir, 'd', 'a.txt'), path.join(dir, 'd', 'c.txt'));
    assert.notEqual((await fingerprintData('d', dir)).sha256, first.sha256);
  });

  it('says which data file is missing', async () => {
    await assert.rejects(fingerprintData('nope.csv', tempDir()), (e: unknown) => e instanceof MlwbError && /nope\.csv/.test(e.message));
  });
});
