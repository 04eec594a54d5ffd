// `mlwb test` end to end: real runs made by `mlwb run` on real Python scripts in a real git
// repository, tests declared in mlwb.tests.yaml, results read back as a CI would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { TestResultStore } from '../../src/core/regress/resultStore';
import type { TestResult } from '../../src/core/regress/types';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { fixture, gitRepo, linearCsv, mlwb, mlwbJson, REPO, startMlwb } from './harness';

interface JsonReport {
  summary: { tests: number; passed: number; failed: number; errored: number };
  results: TestResult[];
}

const XSD = path.join(REPO, 'test', 'fixtures', 'junit', 'jenkins-junit.xsd');

/** The values train_linreg.py printed, per key, from its --truth file: the oracle for metrics. */
function lastTruth(repo: string, file: string, key: string): number {
  const truth = JSON.parse(fs.readFileSync(path.join(repo, file), 'utf8')) as Record<string, [number, number][]>;
  return truth[key].at(-1)![1];
}

async function runTests(repo: string, yaml: string, ...args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  fs.writeFileSync(path.join(repo, 'mlwb.tests.yaml'), yaml);
  const r = await mlwb(['test', '--json', ...args], repo);
  assert.ok(r.stdout.trim().startsWith('{'), `no JSON report (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const byName = (report: JsonReport, name: string) => {
  const found = report.results.find((r) => r.name === name);
  assert.ok(found, `no result for ${name}`);
  return found;
};

describe('mlwb test', () => {
  // Made here, not in before(): a temporary folder made inside a hook is removed when the hook ends.
  const repo = gitRepo({ 'train.py': fixture('train_linreg.py'), 'data.csv': linearCsv(30), 'diverge.py': fs.readFileSync(path.join(REPO, 'test/fixtures/regress/diverge.py'), 'utf8'),
    '.gitignore': 'truth_*.json\n.mlwb\nreports\nnested\n*.yaml\n' });
  let early: RunRecord;
  let late: RunRecord;

  before(async () => {
    const a = await mlwb(['run', '--experiment', 'lin', '--', 'python3', 'train.py', '--epochs', '3', '--truth', 'truth_early.json'], repo);
    assert.equal(a.code, 0, a.stderr);
    const b = await mlwb(['run', '--experiment', 'lin', '--tag', 'stage=good', '--name', 'longer', '--', 'python3', 'train.py', '--epochs', '8', '--truth', 'truth_late.json'], repo);
    assert.equal(b.code, 0, b.stderr);
    [late, early] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(late.name, 'longer');
  });

  it('checks a metric of the selected run against min/max: passes, fails, and says expected vs actual', async () => {
    const lateLoss = lastTruth(repo, 'truth_late.json', 'loss');
    const earlyLoss = lastTruth(repo, 'truth_early.json', 'loss');
    assert.ok(earlyLoss > lateLoss * 2, 'longer training gets a lower loss');
    const cut = (earlyLoss + lateLoss) / 2;
    const { code, report } = await runTests(repo, `tests:
  - name: latest run is good
    kind: metric
    run: { experiment: lin }
    metric: loss
    max: ${cut}
  - name: early run by id is not
    kind: metric
    run: { id: ${early.id.slice(0, 6)} }
    metric: loss
    max: ${cut}
  - name: by tag and name
    kind: metric
    run: { tag: stage=good, name: longer, script: train.py }
    metric: loss
    value: min
    min: 0
    max: ${cut}
`);
    assert.equal(code, 1);
    assert.deepEqual(report.summary, { tests: 3, passed: 2, failed: 1, errored: 0 });
    assert.equal(byName(report, 'latest run is good').runId, late.id);
    const failed = byName(report, 'early run by id is not');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.runId, early.id);
    assert.equal(Number(failed.actual), Number(earlyLoss.toPrecision(4)));
    assert.match(failed.expected, /^≤ /);
    assert.equal(byName(report, 'by tag and name').runId, late.id);
  });

  it('compares with a baseline run in the metric’s better direction, within the tolerance', async () => {
    const lateLoss = lastTruth(repo, 'truth_late.json', 'loss');
    const earlyLoss = lastTruth(repo, 'truth_early.json', 'loss');
    const { code, report } = await runTests(repo, `tests:
  - name: improved on the early run
    kind: baseline
    run: { tag: stage=good }
    baseline: { id: ${early.id.slice(0, 8)} }
    metric: loss
    tolerance: { relative: 0.01 }
  - name: early run against the late baseline
    kind: baseline
    run: { id: ${early.id} }
    baseline: ${late.id.slice(0, 8)}
    metric: loss
    tolerance: { absolute: 0.001 }
  - name: early run within a wide relative tolerance
    kind: baseline
    run: { id: ${early.id} }
    baseline: ${late.id.slice(0, 8)}
    metric: loss
    tolerance: { relative: ${Math.ceil(earlyLoss / lateLoss)} }
`);
    assert.equal(code, 1);
    assert.equal(byName(report, 'improved on the early run').status, 'passed');
    const worse = byName(report, 'early run against the late baseline');
    assert.equal(worse.status, 'failed');
    assert.equal(worse.baselineRunId, late.id);
    assert.match(worse.expected, new RegExp(`^≤ .*\\(baseline ${String(Number(lateLoss.toPrecision(4))).replace('.', '\\.')} \\+ 0\\.001\\)`));
    assert.match(worse.checks[0].change!, /^\+.*%\)$/);
    assert.equal(byName(report, 'early run within a wide relative tolerance').status, 'passed');
  });

  it('re-runs training (command, repeat, or a recorded run via reproduce) and fails on NaN/Infinity', async () => {
    const earlyLoss = lastTruth(repo, 'truth_early.json', 'loss');
    const { code, report } = await runTests(repo, `tests:
  - name: retrains twice in range
    kind: reproducible-training
    command: python3 train.py --epochs 3
    repeat: 2
    metrics:
      loss: { max: ${earlyLoss * 1.0001} }
  - name: the early run reproduces
    kind: reproducible-training
    run: { id: ${early.id.slice(0, 10)} }
    metrics:
      loss: { min: ${earlyLoss * 0.9999}, max: ${earlyLoss * 1.0001} }
  - name: diverging training
    kind: reproducible-training
    command: [python3, diverge.py]
    metrics:
      loss: { max: 100 }
`);
    assert.equal(code, 1);
    const twice = byName(report, 'retrains twice in range');
    assert.equal(twice.status, 'passed', twice.message);
    assert.equal(twice.checks.filter((c) => c.label.endsWith(': exit')).length, 2);
    assert.equal(byName(report, 'the early run reproduces').status, 'passed', byName(report, 'the early run reproduces').message);
    const diverged = byName(report, 'diverging training');
    assert.equal(diverged.status, 'failed');
    const finite = diverged.checks.find((c) => c.label.endsWith('metric values finite'))!;
    assert.equal(finite.ok, false);
    assert.match(finite.actual, /^loss = Infinity at step \d+/);
    // The test's own runs are in the store, tagged, and do not count as "the latest run".
    const runs = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.equal(runs.filter((r) => r.tags['mlwb.test']).length, 4);
    assert.equal(runs.find((r) => r.tags.reproduces)?.tags.reproduces, early.id);
  });

  it('points at the line to fix: unknown kind and broken YAML exit 2; no such run, metric or file is an error', async () => {
    let r = await mlwb(['test', '--config', 'bad.yaml'], repo);
    assert.equal(r.code, 2, 'a missing file');
    fs.writeFileSync(path.join(repo, 'bad.yaml'), 'tests:\n  - name: a\n    kind: metrics\n    run: { experiment: lin }\n');
    r = await mlwb(['test', '--config', 'bad.yaml'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mlwb: bad\.yaml:3:11: test "a": unknown kind "metrics"/m);
    fs.writeFileSync(path.join(repo, 'bad.yaml'), 'tests:\n  - name: a\n    kind: metric\n    run: { experiment: lin\n');
    r = await mlwb(['test', '--config', 'bad.yaml'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mlwb: bad\.yaml:\d+:\d+: YAML: /m);

    const { code, report } = await runTests(repo, `tests:
  - name: no such experiment
    kind: metric
    run: { experiment: nope }
    metric: loss
    max: 1
  - name: no such metric
    kind: metric
    run: { experiment: lin }
    metric: val_accuracy
    min: 0.9
  - name: no such file
    kind: data-invariants
    data: missing.csv
    rows: { min: 1 }
  - name: not a model
    kind: latency
    model: data.csv
    p95Ms: { max: 5 }
`);
    assert.equal(code, 1);
    assert.equal(report.summary.errored, 4);
    const file = path.join(repo, 'mlwb.tests.yaml');
    assert.equal(byName(report, 'no such experiment').message, `${file}:4: no finished run matches: experiment nope (the latest finished run with experiment nope)`);
    assert.match(byName(report, 'no such metric').message, new RegExp(`^${file}:10: run ${late.id.slice(0, 8)} \\(longer\\) has no metric "val_accuracy" \\(it has: bias, grad_norm, loss, w\\)$`));
    assert.match(byName(report, 'no such file').message, new RegExp(`^${file}:14: data file not found: missing\\.csv`));
    assert.match(byName(report, 'not a model').message, new RegExp(`^${file}:16: ${file.replace('mlwb.tests.yaml', '')}data\\.csv is not an ONNX model`));
  });

  it('writes JUnit XML valid against the published Jenkins JUnit schema, and a Markdown table', async () => {
    const yaml = `tests:
  - name: passes
    kind: metric
    run: { experiment: lin }
    metric: loss
    max: 1000
  - name: "fails <&> \\"quoted\\""
    kind: metric
    run: { experiment: lin }
    metric: loss
    max: -1
  - name: errors
    kind: metric
    run: { experiment: none }
    metric: loss
    max: 1
`;
    const { code } = await runTests(repo, yaml, '--junit', 'reports/junit.xml', '--md', 'reports/summary.md');
    assert.equal(code, 1);
    const junit = path.join(repo, 'reports', 'junit.xml');
    // xmllint exits non-zero when the file does not validate: execFileSync throws then.
    execFileSync('xmllint', ['--noout', '--schema', XSD, junit], { stdio: 'pipe' });
    const xml = fs.readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="mlwb test" tests="3" failures="1" errors="1" time="[\d.]+">/);
    assert.match(xml, /<testcase name="fails &lt;&amp;&gt; &quot;quoted&quot;" classname="mlwb\.tests\.yaml\.metric" time="[\d.]+">\s*<failure message="[^"]*expected ≤ -1, got [^"]+" type="metric">[^<]*expected: ≤ -1\n\s*actual: +[\d.]+/);
    assert.match(xml, /<error message="[^"]*no finished run matches: experiment none/);
    const md = fs.readFileSync(path.join(repo, 'reports', 'summary.md'), 'utf8').split('\n');
    assert.equal(md[0], '**mlwb test**: 1 of 3 passed');
    assert.equal(md[2], '| Test | Status | Expected | Actual | Change since baseline |');
    assert.match(md[5], /^\| fails <&> "quoted" \(mlwb\.tests\.yaml:7\) \| ❌ failed \| ≤ -1 \| [\d.]+ \| — \|$/);
  });

  it('--update-baseline rewrites only the baseline reference, and the test then passes; results keep a history', async () => {
    const yaml = `# Tests of the linear model.
tests:
  - name: no worse than accepted   # the accepted model
    kind: baseline
    run:   { id: ${early.id.slice(0, 8)} }
    baseline: { id: ${late.id.slice(0, 8)} }    # rewritten by Accept as Baseline
    metric: loss
    tolerance:
      absolute: 0.0001
  - name: untouched
    kind: baseline
    run: { id: ${early.id.slice(0, 8)} }
    baseline:
      id: ${late.id.slice(0, 8)}
    metric: loss
`;
    const first = await runTests(repo, yaml, '--filter', 'accepted');
    assert.equal(first.code, 1);
    const r = await mlwb(['test', '--filter', 'accepted', '--update-baseline'], repo);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const after = fs.readFileSync(path.join(repo, 'mlwb.tests.yaml'), 'utf8');
    assert.equal(after, yaml.replace(`baseline: { id: ${late.id.slice(0, 8)} }`, `baseline: { id: ${early.id.slice(0, 12)} }`));

    const store = Store.open({ cwd: repo, create: false });
    try {
      const history = new TestResultStore(store).history(path.join(repo, 'mlwb.tests.yaml'), 'no worse than accepted');
      assert.deepEqual(history.map((h) => h.status), ['passed', 'failed']);
      assert.equal(history[0].baselineRunId, early.id);
      assert.equal(history[1].baselineRunId, late.id);
    } finally {
      store.close();
    }
  });

  it('without --config runs every mlwb.tests.yaml below, skipping .git, node_modules and virtual environments', async () => {
    const one = 'tests:\n  - name: NAME\n    kind: data-invariants\n    data: ../data.csv\n    rows: { min: 30, max: 30 }\n';
    for (const dir of ['a', 'b/c']) {
      fs.mkdirSync(path.join(repo, 'nested', dir), { recursive: true });
      fs.writeFileSync(path.join(repo, 'nested', dir, 'mlwb.tests.yaml'), one.replace('NAME', `rows in ${dir}`).replace('../data.csv', path.join(repo, 'data.csv')));
    }
    for (const dir of ['node_modules/pkg', '.venv', 'myenv']) {
      fs.mkdirSync(path.join(repo, 'nested', dir), { recursive: true });
      fs.writeFileSync(path.join(repo, 'nested', dir, 'mlwb.tests.yaml'), 'not: [valid');
    }
    fs.writeFileSync(path.join(repo, 'nested', 'myenv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    const r = await mlwb(['test', '--json'], path.join(repo, 'nested'));
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(report.results.map((t) => `${t.file} ${t.name} ${t.status}`), ['a/mlwb.tests.yaml rows in a passed', 'b/c/mlwb.tests.yaml rows in b/c passed']);
  });

  it('stops a training test on SIGTERM (as the editor cancels): the run ends killed, the test errored, exit 143', async () => {
    fs.writeFileSync(path.join(repo, 'long.yaml'), `tests:
  - name: long training
    kind: reproducible-training
    command: python3 train.py --epochs 100000 --sleep 0.05
    metrics:
      loss: { max: 1 }
`);
    const cli = startMlwb(['test', '--config', 'long.yaml', '--events'], repo);
    const deadline = Date.now() + 60_000;
    while ((cli.stdout().match(/"line":"epoch \d+ /g) ?? []).length < 2) {
      assert.ok(Date.now() < deadline, `no epochs printed: ${cli.stdout()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    assert.equal(r.code, 143, r.stderr);
    const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; result?: TestResult }).find((e) => e.event === 'result')!.result!;
    assert.equal(result.status, 'errored');
    assert.match(result.message, /long\.yaml:\d+: cancelled \(run [0-9a-f]{8} was stopped\)/);
    const [killed] = await mlwbJson<RunRecord[]>(['runs', 'ls', '--status', 'killed'], repo);
    assert.equal(killed.tags['mlwb.test'], 'repetition 1');
    assert.ok(killed.metrics.loss.count >= 2);
  });
});
