import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { MlwbError } from '../../../src/core/errors';
import { InferenceClient } from '../../../src/core/inference/inferenceClient';
import { toNumbers } from '../../../src/core/inference/tensor';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';

const client = new InferenceClient();
after(() => client.dispose());

const rows = Float32Array.from([39.1, 18.7, 181, 3750, 46.5, 17.9, 192, 3500, 50, 15.2, 218, 5700]);

describe('inference process', () => {
  it('gives the outputs raw onnxruntime-node gives, for one and several inputs', async () => {
    const { penguins, multiIo } = await onnxFixtures();
    const ours = await client.call('run', { model: penguins, device: 'cpu', feeds: { features: { type: 'float32', dims: [3, 4], data: rows } } });
    const raw = await (await ort.InferenceSession.create(penguins)).run({ features: new ort.Tensor('float32', rows, [3, 4]) });
    assert.deepEqual(ours.outputs.probabilities.dims, [3, 3]);
    assert.deepEqual(toNumbers(ours.outputs.probabilities), Array.from(raw.probabilities.data as Float32Array));

    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const multi = await client.call('run', { model: multiIo, device: 'cpu', feeds: { a: { type: 'float32', dims: [2, 3], data: a }, b: { type: 'int64', dims: [2, 4], data: b } } });
    const rawMulti = await (await ort.InferenceSession.create(multiIo)).run({ a: new ort.Tensor('float32', a, [2, 3]), b: new ort.Tensor('int64', b, [2, 4]) });
    assert.deepEqual(Object.keys(multi.outputs).sort(), ['projected', 'token_sum']);
    assert.deepEqual(toNumbers(multi.outputs.projected), Array.from(rawMulti.projected.data as Float32Array));
    assert.deepEqual(Array.from(multi.outputs.token_sum.data as BigInt64Array), Array.from(rawMulti.token_sum.data as BigInt64Array));
  });

  it('reads an input file in the inference process itself', async () => {
    const { penguins } = await onnxFixtures();
    const file = path.join(tempDir(), 'rows.json');
    await fs.writeFile(file, JSON.stringify({ features: [Array.from(rows.slice(0, 4))] }));
    const fromFile = await client.call('run', { model: penguins, device: 'cpu', inputFile: file });
    const direct = await client.call('run', { model: penguins, device: 'cpu', feeds: { features: { type: 'float32', dims: [1, 4], data: rows.slice(0, 4) } } });
    assert.deepEqual(toNumbers(fromFile.outputs.probabilities), toNumbers(direct.outputs.probabilities));
    await assert.rejects(client.call('run', { model: penguins, device: 'cpu', inputFile: `${file}.missing` }), /Input file not found/);
  });

  it('lists cpu as working and explains every other provider', async () => {
    const devices = await client.call('devices', {});
    const names = ort.listSupportedBackends().map((b) => b.name);
    assert.deepEqual(devices.map((d) => d.name), names);
    assert.deepEqual(devices.find((d) => d.name === 'cpu'), { name: 'cpu', available: true });
    for (const d of devices.filter((x) => !x.available)) {
      assert.ok(d.reason && d.reason.length > 10 && !d.reason.includes('\n') && !d.reason.includes('onnxruntime_src'), `${d.name}: ${d.reason}`);
    }
  });

  it('says why a device is unavailable, and falls back to cpu only when asked', async () => {
    const { penguins } = await onnxFixtures();
    const devices = await client.call('devices', {});
    const missing = devices.find((d) => !d.available);
    if (!missing) return; // every provider works on this machine: nothing to refuse
    const feeds = { features: { type: 'float32', dims: [1, 4], data: rows.slice(0, 4) } };
    await assert.rejects(client.call('run', { model: penguins, device: missing.name, feeds }), (e: Error) =>
      e instanceof MlwbError && e.message.includes(`Device "${missing.name}"`) && e.message.includes(missing.reason!));
    const fallback = await client.call('run', { model: penguins, device: missing.name, feeds, fallbackToCpu: true });
    assert.equal(fallback.device, 'cpu');
    assert.match(fallback.fellBack!, new RegExp(missing.name));
  });

  it('refuses wrong input shapes and corrupt models with one clear message', async () => {
    const { penguins, corrupt } = await onnxFixtures();
    await assert.rejects(client.call('run', { model: penguins, device: 'cpu', feeds: { features: { type: 'float32', dims: [1, 3], data: new Float32Array(3) } } }),
      { message: 'Input "features": expected float32 [batch, 4], got float32 [1, 3].' });
    await assert.rejects(client.call('info', { model: corrupt }), /is not an ONNX model/);
    await assert.rejects(client.call('bench', { model: corrupt, device: 'cpu', batches: [1] }), /is not an ONNX model/);
  });

  it('says when onnxruntime cannot run a model: an unreleased opset, an unknown operator', async () => {
    const tensor = { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } };
    const model = (version: number, opType: string) => onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version }],
      graph: { name: 'g', node: [{ opType, input: ['x', 'x'], output: ['y'] }], input: [{ name: 'x', type: { tensorType: tensor } }], output: [{ name: 'y', type: { tensorType: tensor } }] },
    }).finish();
    const dir = tempDir();
    const feeds = { x: { type: 'float32', dims: [1, 4], data: new Float32Array(4) } };
    const future = path.join(dir, 'future.onnx');
    await fs.writeFile(future, model(99, 'Add'));
    await assert.rejects(client.call('run', { model: future, device: 'cpu', feeds }), (e: Error) =>
      e instanceof MlwbError && /^onnxruntime cannot run .*future\.onnx: .*Opset 99/.test(e.message) && !e.message.includes('onnxruntime_src') && /supported opset/.test(e.hint ?? ''));
    const unknown = path.join(dir, 'unknown.onnx');
    await fs.writeFile(unknown, model(17, 'FrobnicateTensor'));
    await assert.rejects(client.call('run', { model: unknown, device: 'cpu', feeds }), /onnxruntime cannot run .*unknown\.onnx: No Op registered for FrobnicateTensor/);
  });

  it('benchmarks each batch size with percentiles in order and reports progress', async () => {
    const { mlp } = await onnxFixtures();
    const progress: number[] = [];
    const result = await client.call('bench', { model: mlp, device: 'cpu', batches: [1, 8], iterations: 20, warmup: 2 }, { onProgress: (done) => progress.push(done) });
    assert.deepEqual(result.results.map((r) => [r.batch, r.iterations]), [[1, 20], [8, 20]]);
    for (const r of result.results) {
      assert.ok(r.minMs <= r.p50Ms && r.p50Ms <= r.p95Ms && r.p95Ms <= r.p99Ms && r.p99Ms <= r.maxMs);
      assert.ok(Math.abs(r.throughput - (r.batch * 1000) / r.meanMs) < 1e-9);
    }
    assert.ok(result.sessionMs > 0 && result.peakMemoryBytes > 0);
    assert.equal(progress.at(-1), 2);
  });

  it('survives a crash of the inference process: a clear error, then a fresh process', async () => {
    const { mlp, penguins } = await onnxFixtures();
    const crashing = new InferenceClient();
    const pending = crashing.call('bench', { model: mlp, device: 'cpu', batches: [64], iterations: 100_000 }, {
      // A native crash, as a segfault in onnxruntime would end it.
      onProgress: () => process.kill(crashing.pid!, 'SIGSEGV'),
    });
    await assert.rejects(pending, (e: Error) => e instanceof MlwbError && /inference process was killed by SIGSEGV during bench/.test(e.message));
    const after = await crashing.call('info', { model: penguins });
    assert.equal(after.inputs[0].name, 'features');
    crashing.dispose();
  });

  it('cancels a running benchmark by ending its process', async () => {
    const { mlp } = await onnxFixtures();
    const cancelling = new InferenceClient();
    const controller = new AbortController();
    const pending = cancelling.call('bench', { model: mlp, device: 'cpu', batches: [64], iterations: 100_000 }, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(pending, { message: 'Cancelled.' });
    cancelling.dispose();
  });
});
