// The small CSV reader against Python's csv module (the oracle) on quoting's hard cases.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { columnType, parseCsv } from '../../../src/core/regress/dataTable';

function pythonCsv(text: string): string[][] {
  return JSON.parse(execFileSync('python3', ['-c', 'import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))'],
    { input: text, encoding: 'utf8' })) as string[][];
}

describe('CSV reader', () => {
  it('splits rows and fields as Python csv does: quotes, doubled quotes, commas and line breaks inside quotes, CRLF', () => {
    const text = 'name,notes,n\r\n"Smith, J.","said ""hi""\nthen left",3\r\nplain,,4\n"",x,\n';
    assert.deepEqual(parseCsv(text), pythonCsv(text));
  });

  it('types a column by all its present cells', () => {
    assert.equal(columnType([1, 2, null, 3]), 'integer');
    assert.equal(columnType([1, 2.5]), 'number');
    assert.equal(columnType(['a', 1]), 'string');
    assert.equal(columnType([true, null]), 'boolean');
    assert.equal(columnType([null, null]), 'empty');
  });
});
