import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { benchmarkHistory } from '../../src/core/inference/modelRuns';
import { Store } from '../../src/core/store/store';
import { onnxFixtures } from '../helpers/onnxFixtures';
import { oracle } from '../helpers/pythonOracle';
import { tempDir } from '../helpers/tmp';
import { mlwb, mlwbJson, type CliResult } from './harness';

function assertOneLineError(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trimEnd(), pattern);
}

const ROWS = [[39.1, 18.7, 181, 3750], [46.5, 17.9, 192, 3500], [50, 15.2, 218, 5700]];

async function rawPenguins(model: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(ROWS.flat()), [3, 4]) });
  return out.probabilities.data as Float32Array;
}

describe('mlwb devices and model', () => {
  it('devices --json: every provider onnxruntime lists, cpu working, the others with a reason', async () => {
    const devices = await mlwbJson<{ name: string; available: boolean; reason?: string }[]>(['devices', '--json'], tempDir());
    assert.deepEqual(devices.map((d) => d.name), ort.listSupportedBackends().map((b) => b.name));
    assert.deepEqual(devices[0], { name: 'cpu', available: true });
    for (const d of devices) assert.equal(d.available, d.reason === undefined, JSON.stringify(d));
  });

  it('model info --json: signature, opsets, producer, metadata and sha256 of the file', async () => {
    const { multiIo } = await onnxFixtures();
    const info = await mlwbJson<Record<string, unknown>>(['model', 'info', multiIo, '--json'], tempDir());
    const expected = await oracle<Record<string, unknown>>(['inspect', multiIo]);
    for (const key of ['inputs', 'outputs', 'opsets', 'producer', 'metadata']) assert.deepEqual(info[key], expected[key], key);
    assert.equal(info.sha256, createHash('sha256').update(await fs.readFile(multiIo)).digest('hex'));
  });

  it('model info names the run that logged the same bytes as an artifact', async () => {
    const { penguins } = await onnxFixtures();
    const dir = tempDir();
    const bytes = await fs.readFile(penguins);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const store = Store.open({ cwd: dir, create: true });
    const runId = store.createRun({ name: 'train-penguins', experiment: 'e', source: 'cli' });
    store.addArtifact(runId, { path: 'models/penguins.onnx', sha256, bytes: bytes.byteLength });
    const other = store.createRun({ name: 'unrelated', experiment: 'e', source: 'cli' });
    store.addArtifact(other, { path: 'models/other.onnx', sha256: 'f'.repeat(64), bytes: 10 });
    store.close();
    const info = await mlwbJson<{ producedBy: { runId: string; runName: string; path: string }[] }>(['model', 'info', penguins, '--json'], dir);
    assert.deepEqual(info.producedBy, [{ runId, runName: 'train-penguins', path: 'models/penguins.onnx' }]);
    const text = await mlwb(['model', 'info', penguins], dir);
    assert.match(text.stdout, new RegExp(`produced by run ${runId.slice(0, 8)} "train-penguins"`));
  });

  it('model run: JSON outputs and --out .npy equal raw onnxruntime-node', async () => {
    const { penguins } = await onnxFixtures();
    const dir = tempDir();
    await fs.writeFile(path.join(dir, 'in.json'), JSON.stringify({ features: ROWS }));
    const raw = await rawPenguins(penguins);
    const shown = await mlwbJson<{ device: string; outputs: { probabilities: { dims: number[]; data: number[][] } } }>(
      ['model', 'run', penguins, '--input', 'in.json', '--json'], dir);
    assert.equal(shown.device, 'cpu');
    assert.deepEqual(shown.outputs.probabilities.dims, [3, 3]);
    assert.deepEqual(shown.outputs.probabilities.data.flat(), Array.from(raw));
    const r = await mlwb(['model', 'run', penguins, '--input', 'in.json', '--out', 'p.npy'], dir);
    assert.equal(r.code, 0, r.stderr);
    const npy = await oracle<{ dtype: string; shape: number[]; data: number[] }>(['read-npy', path.join(dir, 'p.npy')]);
    assert.deepEqual([npy.dtype, npy.shape, npy.data], ['float32', [3, 3], Array.from(raw)]);
  });

  it('model run: a CSV row gives the top classes with the labels from the metadata', async () => {
    const { penguins } = await onnxFixtures();
    const dir = tempDir();
    await fs.writeFile(path.join(dir, 'row.csv'), `a,b,c,d\n${ROWS[2].join(',')}\n`);
    const raw = Array.from(await rawPenguins(penguins)).slice(6, 9);
    const labels = ['Adelie', 'Chinstrap', 'Gentoo'];
    const r = await mlwb(['model', 'run', penguins, '--input', 'row.csv'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\[0\\] ${labels[raw.indexOf(Math.max(...raw))]} `));
  });

  it('model run: a PNG resized and normalised for an image input', async () => {
    const { image } = await onnxFixtures();
    const dir = tempDir();
    const png = new PNG({ width: 20, height: 14 });
    const colour = [200, 100, 50];
    for (let i = 0; i < 20 * 14; i++) png.data.set([...colour, 255], i * 4);
    await fs.writeFile(path.join(dir, 'flat.png'), PNG.sync.write(png));
    const mean = [0.5, 0.4, 0.3];
    const std = [0.2, 0.25, 0.3];
    const shown = await mlwbJson<{ outputs: { channel_mean: { dims: number[]; data: number[][] } } }>(
      ['model', 'run', image, '--input', 'flat.png', '--mean', mean.join(','), '--std', std.join(','), '--json'], dir);
    assert.deepEqual(shown.outputs.channel_mean.dims, [1, 3]);
    // A one-colour image stays that colour whatever the resize: the model's per-channel mean is it, normalised.
    shown.outputs.channel_mean.data[0].forEach((v, c) => assert.ok(Math.abs(v - (colour[c] / 255 - mean[c]) / std[c]) < 1e-5, `channel ${c}: ${v}`));
    const bad = await mlwb(['model', 'run', image, '--input', 'flat.png', '--size', 'big'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--size takes WIDTHxHEIGHT/);
  });

  it('model bench --json: the asked batch sizes with ordered percentiles, recorded as the model\'s history', async () => {
    const { penguins } = await onnxFixtures();
    const dir = tempDir();
    const b = await mlwbJson<{ device: string; runId: string; results: { batch: number; p50Ms: number; p95Ms: number; p99Ms: number; meanMs: number; throughput: number }[] }>(
      ['model', 'bench', penguins, '--batch', '1,16', '--iterations', '20', '--json'], dir);
    assert.equal(b.device, 'cpu');
    assert.deepEqual(b.results.map((r) => r.batch), [1, 16]);
    for (const r of b.results) {
      assert.ok(r.p50Ms > 0 && r.p50Ms <= r.p95Ms && r.p95Ms <= r.p99Ms);
      assert.ok(r.throughput > 0 && r.meanMs > 0);
    }
    // Recorded as a run: the history of this model × device.
    const store = Store.open({ cwd: dir, create: false });
    const history = benchmarkHistory(store, createHash('sha256').update(await fs.readFile(penguins)).digest('hex'));
    store.close();
    assert.equal(history.length, 1);
    assert.equal(history[0].runId, b.runId);
    assert.deepEqual(history[0].results, b.results.map(({ batch, p50Ms, p95Ms, p99Ms, meanMs, throughput }) => ({ batch, p50Ms, p95Ms, p99Ms, meanMs, throughput })));
  });

  it('model eval: metrics recorded as an evaluation run with model sha, device and dataset fingerprint', async () => {
    const { diabetes, diabetesCsv } = await onnxFixtures();
    const dir = tempDir();
    const result = await mlwbJson<{ runId: string; metrics: { mae: number; rmse: number; r2: number }; rows: number }>(
      ['model', 'eval', diabetes, '--data', diabetesCsv, '--label', 'target', '--json'], dir);
    const store = Store.open({ cwd: dir, create: false });
    const run = store.getRun(result.runId)!;
    store.close();
    assert.equal(run.experiment, 'evaluations');
    assert.equal(run.status, 'finished');
    assert.equal(run.params.model_sha256, createHash('sha256').update(await fs.readFile(diabetes)).digest('hex'));
    assert.equal(run.params.device, 'cpu');
    assert.equal(run.data[0].sha256, createHash('sha256').update(await fs.readFile(diabetesCsv)).digest('hex'));
    assert.equal(run.data[0].rows, result.rows);
    assert.equal(run.metrics.rmse.last, result.metrics.rmse);
    assert.equal(run.metrics.r2.last, result.metrics.r2);
    assert.equal(run.artifacts[0].path, 'predictions.csv');
  });

  it('bad input: one line naming the problem', async () => {
    const { penguins, penguinsCsv, multiIo } = await onnxFixtures();
    const dir = tempDir();
    await fs.writeFile(path.join(dir, 'short.json'), JSON.stringify([[1, 2, 3]]));
    await fs.writeFile(path.join(dir, 'ok.json'), JSON.stringify([ROWS[0]]));
    assertOneLineError(await mlwb(['model', 'info', penguinsCsv], dir), /^mlwb: .*penguins\.csv is not an ONNX model/);
    assertOneLineError(await mlwb(['model', 'run', penguins, '--input', 'short.json'], dir),
      /^mlwb: Input "features": expected float32 \[batch, 4\], got float32 \[1, 3\]\.$/);
    assertOneLineError(await mlwb(['model', 'bench', multiIo, '--iterations', '2'], dir), /^mlwb: Input "b" has dynamic dimension "seq" with no value\. — Give it one, e\.g\. --dim seq=16\./);
    assertOneLineError(await mlwb(['model', 'run', penguins, '--input', 'ok.json', '--device', 'tpu'], dir), /^mlwb: Unknown device "tpu"\. — This build of onnxruntime-node has: cpu/);
    const devices = await mlwbJson<{ name: string; available: boolean; reason?: string }[]>(['devices', '--json'], dir);
    const missing = devices.find((d) => !d.available && ort.listSupportedBackends().find((b) => b.name === d.name)?.bundled);
    if (missing) {
      assertOneLineError(await mlwb(['model', 'run', penguins, '--input', 'ok.json', '--device', missing.name], dir),
        new RegExp(`^mlwb: Device "${missing.name}" cannot run .*${missing.reason!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it('a device that fails stops bench and eval with one line naming it, unless --fallback cpu lets the work go on on cpu', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    const dir = tempDir();
    const devices = await mlwbJson<{ name: string; available: boolean; reason?: string }[]>(['devices', '--json'], dir);
    const failing = devices.find((d) => !d.available && ort.listSupportedBackends().find((b) => b.name === d.name)?.bundled);
    if (!failing) return; // every bundled provider works on this machine: nothing fails
    const evalArgs = ['model', 'eval', penguins, '--data', penguinsCsv, '--label', 'species', '--device', failing.name];
    const benchArgs = ['model', 'bench', penguins, '--batch', '1', '--iterations', '3', '--device', failing.name];
    for (const args of [evalArgs, benchArgs]) {
      assertOneLineError(await mlwb(args, dir), new RegExp(`^mlwb: Device "${failing.name}" cannot run .* — Pick another device .*--fallback cpu`));
    }
    const evaluated = await mlwb([...evalArgs, '--fallback', 'cpu', '--json'], dir);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal(JSON.parse(evaluated.stdout).device, 'cpu');
    assert.match(evaluated.stderr, new RegExp(`^mlwb: Device "${failing.name}" cannot run .* — evaluated on cpu instead\\.\\n$`));
    const benched = await mlwb([...benchArgs, '--fallback', 'cpu', '--json'], dir);
    assert.equal(benched.code, 0, benched.stderr);
    assert.equal(JSON.parse(benched.stdout).device, 'cpu');
    assert.match(benched.stderr, /benchmarked on cpu instead/);
    const wrongFlag = await mlwb([...evalArgs, '--fallback', 'gpu'], dir);
    assert.equal(wrongFlag.code, 2);
    assert.match(wrongFlag.stderr, /^mlwb: --fallback takes cpu/);
  });
});
