import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseTestConfig } from '../../../src/core/regress/config';
import { KINDS } from '../../../src/core/regress/kinds';

const REPO = process.env.MLWB_REPO ?? process.cwd();
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas', 'mlwb.tests.schema.json'), 'utf8')) as {
  properties: { tests: { items: { properties: { kind: { enum: string[] } } } } };
  definitions: Record<string, { properties: Record<string, unknown>; required: string[] }>;
};

/** The example of the issue that asked for this file, verbatim. */
const ISSUE_EXAMPLE = `tests:
  - name: accuracy stays in range
    kind: metric
    run: { experiment: train.py }        # latest finished run; or { id: …, tag: k=v, name: … }
    metric: val_accuracy
    min: 0.85
    max: 1.0
  - name: no worse than the accepted model
    kind: baseline
    run: { experiment: train.py }
    baseline: { id: 3f2a9c }             # rewritten by Accept as Baseline
    metric: val_accuracy
    tolerance: { relative: 0.02 }        # or { absolute: 0.01 }
  - name: fast enough
    kind: latency
    model: models/penguins.onnx
    batch: 1
    p95Ms: { max: 5 }
`;

const messages = (text: string) => parseTestConfig('/w/mlwb.tests.yaml', text).problems.map((p) => `${p.line}:${p.column} ${p.message}`);

describe('mlwb.tests.yaml parsing', () => {
  it('reads the documented shape: each test with its kind, spec and line', () => {
    const config = parseTestConfig('/w/mlwb.tests.yaml', ISSUE_EXAMPLE);
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.tests.map((t) => [t.name, t.kind, t.line, t.endLine]), [
      ['accuracy stays in range', 'metric', 2, 7],
      ['no worse than the accepted model', 'baseline', 8, 13],
      ['fast enough', 'latency', 14, 18],
    ]);
    assert.deepEqual(config.tests[0].spec, { run: { experiment: 'train.py', script: undefined, name: undefined, status: undefined }, metric: 'val_accuracy', bounds: { min: 0.85, max: 1 }, value: 'last' });
    assert.deepEqual((config.tests[1].spec as { tolerance: unknown; better: string }).tolerance, { absolute: undefined, relative: 0.02 });
    assert.equal((config.tests[1].spec as { better: string }).better, 'higher');
    assert.equal(config.tests[1].fieldLines.baseline, 11);
    assert.deepEqual((config.tests[2].spec as { budgets: unknown }).budgets, { p95Ms: { min: undefined, max: 5 } });
  });

  it('reads run ids as written, even those YAML would take for numbers', () => {
    const config = parseTestConfig('/w/mlwb.tests.yaml', `tests:
  - name: t
    kind: baseline
    run: { id: 12e45678 }
    baseline: 0042ab
    metric: loss
  - name: u
    kind: metric
    run: { id: "0099" }
    metric: loss
    max: 1
`);
    assert.deepEqual(config.problems, []);
    const spec = config.tests[0].spec as { run: { id: string }; baseline: { id: string } };
    assert.equal(spec.run.id, '12e45678');
    assert.equal(spec.baseline.id, '0042ab');
    assert.equal((config.tests[1].spec as { run: { id: string } }).run.id, '0099');
  });

  it('gives every problem its line and column, and runs none of the broken tests', () => {
    const text = `tests:
  - name: a
    kind: metrik
  - name: a
    kind: metric
    run: { experiment: x, tga: k=v }
    metric: loss
    min: 2
    max: 1
  - name: c
    kind: baseline
    run: 12ab
    baseline: { tag: novalue }
    metric: loss
    tolerance: { absolute: 0.1, relative: 0.1 }
    tolerence: 3
  - name: d
    kind: data-invariants
    data: x.csv
    columns:
      a: { maxMissing: 5, type: text }
  - name: e
    kind: reproducible-training
    command: python3 train.py | tee log
    run: { id: abc }
`;
    const config = parseTestConfig('/w/mlwb.tests.yaml', text);
    assert.deepEqual(config.tests, []);
    assert.deepEqual(messages(text), [
      '3:11 test "a": unknown kind "metrik" (known: metric, baseline, model-quality, golden-outputs, latency, data-invariants, drift-gate, reproducible-training).',
      '4:11 test "a": another test on line 2 has the same name; names must be unique in a file.',
      '6:27 test "a": run: unknown key "tga" (expected one of: id, experiment, script, tag, name, status).',
      '8:10 test "a": min 2 is greater than max 1.',
      '13:22 test "c": baseline: tag takes key=value, not "novalue".',
      '15:16 test "c": tolerance: give "absolute" or "relative", not both.',
      '16:5 test "c": unknown key "tolerence" (expected one of: name, kind, description, run, baseline, metric, tolerance, better, value).',
      '21:24 test "d": columns: a: maxMissing is a share between 0 and 1 (0.05 is 5%).',
      '21:33 test "d": columns: a: "type" must be one of integer, number, boolean, string, not "text".',
      '22:5 test "e": give either "command" (train again) or "run" (reproduce a recorded run), not both.',
      '22:5 test "e": "metrics" is missing.',
      '24:14 test "e": "command" must be one simple command ("python3 train.py --epochs 5", no pipes, redirections or VAR=value) or a list of words.',
    ]);
  });

  it('drift-gate columns take a distance limit or a p-value limit, one of them', () => {
    const text = `tests:
  - name: g
    kind: drift-gate
    reference: a.csv
    current: b.csv
    columns:
      x: { maxScore: 0.1 }
      y: { minPValue: 0.05 }
      z: { maxScore: 0.1, minPValue: 0.05 }
      w: {}
`;
    assert.deepEqual(messages(text).map((m) => m.replace(/^\d+:\d+ /, '')), [
      'test "g": columns: z: give maxScore (a distance test\'s largest accepted score) or minPValue (a statistical test\'s smallest accepted p-value).',
      'test "g": columns: w: give maxScore (a distance test\'s largest accepted score) or minPValue (a statistical test\'s smallest accepted p-value).',
    ]);
    const ok = parseTestConfig('/w/mlwb.tests.yaml', text.split('\n').slice(0, 8).join('\n'));
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.tests[0].spec, { reference: 'a.csv', current: 'b.csv', columns: { x: { maxScore: 0.1 }, y: { minPValue: 0.05 } } });
  });

  it('reports broken YAML and a wrong top level with lines, never throwing', () => {
    assert.match(messages('tests:\n  - name: a\n    kind: [metric\n')[0], /^\d+:\d+ YAML: /);
    assert.deepEqual(messages('- a\n- b\n'), ['1:1 The file must be a mapping with a "tests:" list.']);
    assert.deepEqual(messages('tests: 3\n'), ['1:8 "tests" must be a list of tests (lines starting with "- name: …").']);
    assert.deepEqual(messages('test:\n  - name: a\n'), [
      '1:1 mlwb.tests.yaml: unknown key "test" (expected one of: tests).',
      '1:1 "tests" must be a list of tests (lines starting with "- name: …").',
    ]);
    assert.deepEqual(messages(''), ['1:1 The file must be a mapping with a "tests:" list.']);
  });
});

describe('the JSON Schema (schemas/mlwb.tests.schema.json)', () => {
  it('lists exactly the kinds and keys the parser takes', () => {
    assert.deepEqual(SCHEMA.properties.tests.items.properties.kind.enum, [...KINDS.keys()]);
    for (const [name, kind] of KINDS) {
      assert.deepEqual(Object.keys(SCHEMA.definitions[name].properties).sort(), ['name', 'kind', 'description', ...kind.keys].sort(), name);
    }
  });

  it('accepts the documented example and the demo, rejects an unknown kind and a typo', async () => {
    // ajv 6 (draft-07) is in node_modules through eslint; it validates as the YAML extension would.
    const { default: Ajv } = await import('ajv');
    const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
    assert.equal(validate(parse(ISSUE_EXAMPLE)), true, JSON.stringify(validate.errors));
    const demo = path.join(REPO, 'demo', 'mlwb.tests.yaml');
    assert.equal(validate(parse(fs.readFileSync(demo, 'utf8'))), true, JSON.stringify(validate.errors));
    assert.equal(validate(parse(ISSUE_EXAMPLE.replace('kind: latency', 'kind: speed'))), false);
    assert.equal(validate(parse(ISSUE_EXAMPLE.replace('tolerance:', 'tolerence:'))), false);
  });
});
