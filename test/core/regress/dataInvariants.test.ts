// Data invariants on real data (Palmer penguins CSV from the demo, vega-datasets' cars as JSON
// lines), with every expected figure computed by pandas, not written here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTestConfig } from '../../../src/core/regress/config';
import { runTest } from '../../../src/core/regress/runner';
import type { TestResult } from '../../../src/core/regress/types';
import { Store } from '../../../src/core/store/store';
import { tempDir } from '../../helpers/tmp';

const REPO = process.env.MLWB_REPO ?? process.cwd();

interface ColumnFacts {
  dtype: string;
  missing: number;
  min: number | null;
  max: number | null;
  repeated: number;
  values: Record<string, number>;
}

interface Facts {
  rows: number;
  columns: Record<string, ColumnFacts>;
}

/** What pandas says about a data file: the oracle. */
function pandasFacts(file: string): Facts {
  const script = `
import json, sys, pandas as pd
f = sys.argv[1]
df = pd.read_json(f, lines=True) if f.endswith('.jsonl') else pd.read_csv(f)
out = {"rows": len(df), "columns": {}}
for c in df.columns:
    s = df[c]
    num = pd.api.types.is_numeric_dtype(s)
    vc = s.dropna().astype(str).value_counts()
    out["columns"][c] = {"dtype": str(s.dtype), "missing": int(s.isna().sum()),
        "min": float(s.min()) if num else None, "max": float(s.max()) if num else None,
        "repeated": int((vc > 1).sum()), "values": {k: int(v) for k, v in vc.items()} if len(vc) < 20 else {}}
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as Facts;
}

describe('data-invariants on real data', () => {
  const dir = tempDir('mlwb-regress-data-');
  let store: Store;
  let penguins: Facts;
  let cars: Facts;

  before(() => {
    fs.copyFileSync(path.join(REPO, 'demo', 'data', 'penguins.csv'), path.join(dir, 'penguins.csv'));
    const carRecords = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'vega-datasets', 'data', 'cars.json'), 'utf8')) as object[];
    fs.writeFileSync(path.join(dir, 'cars.jsonl'), carRecords.map((r) => JSON.stringify(r)).join('\n') + '\n');
    penguins = pandasFacts(path.join(dir, 'penguins.csv'));
    cars = pandasFacts(path.join(dir, 'cars.jsonl'));
    store = Store.open({ cwd: dir, create: true });
  });
  after(() => store.close());

  async function run(yaml: string): Promise<TestResult[]> {
    const file = path.join(dir, 'mlwb.tests.yaml');
    const config = parseTestConfig(file, yaml);
    assert.deepEqual(config.problems, []);
    return Promise.all(config.tests.map((t) => runTest(t, { store, env: process.env })));
  }

  it('passes when the file meets what pandas measured, on CSV and JSON lines', async () => {
    const p = penguins.columns;
    const c = cars.columns;
    const [csv, jsonl] = await run(`tests:
  - name: penguins
    kind: data-invariants
    data: penguins.csv
    rows: { min: ${penguins.rows}, max: ${penguins.rows} }
    columns:
      species: { type: string, maxMissing: 0, allowed: [${Object.keys(p.species.values).join(', ')}] }
      bill_length_mm: { type: number, min: ${p.bill_length_mm.min}, max: ${p.bill_length_mm.max}, maxMissing: ${p.bill_length_mm.missing / penguins.rows} }
      body_mass_g: { type: integer, min: ${p.body_mass_g.min}, max: ${p.body_mass_g.max} }
  - name: cars
    kind: data-invariants
    data: cars.jsonl
    rows: { min: ${cars.rows} }
    columns:
      Horsepower: { type: integer, maxMissing: ${c.Horsepower.missing / cars.rows}, min: ${c.Horsepower.min}, max: ${c.Horsepower.max} }
      Origin: { allowed: [${Object.keys(c.Origin.values).join(', ')}], maxMissing: 0 }
`);
    assert.equal(csv.status, 'passed', csv.message);
    assert.equal(jsonl.status, 'passed', jsonl.message);
    assert.ok(p.bill_length_mm.missing > 0, 'the penguins file has unmeasured birds');
  });

  it('fails each rule the data breaks, with the figures pandas gives', async () => {
    const p = penguins.columns;
    const c = cars.columns;
    const [csv, jsonl] = await run(`tests:
  - name: penguins
    kind: data-invariants
    data: penguins.csv
    onlyColumns: true
    rows: { max: ${penguins.rows - 1} }
    columns:
      species: { allowed: [Adelie, Gentoo], unique: true }
      bill_length_mm: { type: integer, min: ${p.bill_length_mm.min! + 1}, maxMissing: 0 }
      wing_span: { type: number }
  - name: cars
    kind: data-invariants
    data: cars.jsonl
    columns:
      Name: { unique: true }
`);
    assert.equal(csv.status, 'failed');
    const failed = Object.fromEntries(csv.checks.filter((k) => !k.ok).map((k) => [k.label, k.actual]));
    const missingPct = Number(((p.bill_length_mm.missing / penguins.rows) * 100).toPrecision(3));
    assert.deepEqual(Object.keys(failed).sort(), [
      'column bill_length_mm: missing share', 'column bill_length_mm: type', 'column bill_length_mm: values',
      'column species: allowed values', 'column species: unique', 'column wing_span', 'no unlisted columns', 'row count',
    ]);
    assert.equal(failed['row count'], String(penguins.rows));
    assert.equal(failed['column species: allowed values'], `also Chinstrap (${p.species.values.Chinstrap})`);
    assert.equal(failed['column bill_length_mm: missing share'], `${missingPct}% (${p.bill_length_mm.missing} of ${penguins.rows})`);
    assert.equal(failed['column bill_length_mm: type'], 'number');
    assert.match(failed['column bill_length_mm: values'], new RegExp(`^${p.bill_length_mm.min} to ${p.bill_length_mm.max}, \\d+ outside$`));
    assert.equal(failed['no unlisted columns'], Object.keys(p).filter((k) => !['species', 'bill_length_mm', 'wing_span'].includes(k)).join(', '));
    assert.equal(failed['column species: unique'].split(' ')[0], String(p.species.repeated));
    assert.equal(jsonl.status, 'failed');
    assert.match(jsonl.checks[0].actual, new RegExp(`^${c.Name.repeated} repeated, e\\.g\\. `));
  });

  it('errors, pointing at the data line, on a file it cannot read', async () => {
    fs.writeFileSync(path.join(dir, 'broken.jsonl'), '{"a": 1}\nnot json\n');
    const [missing, broken, parquet] = await run(`tests:
  - name: missing
    kind: data-invariants
    data: nowhere.csv
    rows: { min: 1 }
  - name: broken
    kind: data-invariants
    data: broken.jsonl
    rows: { min: 1 }
  - name: parquet
    kind: data-invariants
    data: ${path.join(REPO, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet')}
    rows: { min: 1 }
`);
    assert.equal(missing.status, 'errored');
    assert.match(missing.message, /mlwb\.tests\.yaml:4: data file not found: nowhere\.csv/);
    assert.match(broken.message, /mlwb\.tests\.yaml:8: broken\.jsonl line 2 is not JSON/);
    assert.match(parquet.message, /:12: flights-3m\.parquet: only CSV/);
  });
});
