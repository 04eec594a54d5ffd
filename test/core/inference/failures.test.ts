import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { MlwbError } from '../../../src/core/errors';
import { defaultWorkerPath, InferenceClient } from '../../../src/core/inference/inferenceClient';
import { runSession, type SessionRunner } from '../../../src/core/inference/worker/sessions';
import { onnxFixtures } from '../../helpers/onnxFixtures';
import { tempDir } from '../../helpers/tmp';

const client = new InferenceClient();
after(() => client.dispose());

/** y = ConstantOfShape(shape): the output's size is whatever the input asks for. */
async function constantOfShapeModel(): Promise<string> {
  const file = path.join(tempDir(), 'constant-of-shape.onnx');
  await fs.writeFile(file, onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g', node: [{ opType: 'ConstantOfShape', input: ['shape'], output: ['y'] }],
      input: [{ name: 'shape', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 2 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'rows' }, { dimParam: 'cols' }] } } } }],
    },
  }).finish());
  return file;
}

describe('out of memory', () => {
  it('a buffer onnxruntime cannot allocate: one message with its size and what to do; the process lives on', async () => {
    const model = await constantOfShapeModel();
    const shape = (rows: bigint, cols: bigint) => ({ shape: { type: 'int64', dims: [2], data: BigInt64Array.from([rows, cols]) } });
    const small = await client.call('run', { model, device: 'cpu', feeds: shape(2n, 3n) });
    assert.deepEqual(small.outputs.y.dims, [2, 3]);
    const pid = client.pid;
    // 2^20 × 2^20 float32: 4 TiB, more than any machine here has.
    await assert.rejects(client.call('run', { model, device: 'cpu', feeds: shape(1n << 20n, 1n << 20n) }), (e: Error) =>
      e instanceof MlwbError && e.message === 'The model ran out of memory on cpu: it asked for a buffer of 4096.00 GB.' && /smaller batch/.test(e.hint ?? ''));
    assert.equal(client.pid, pid, 'the same inference process answers next');
    assert.deepEqual((await client.call('run', { model, device: 'cpu', feeds: shape(1n, 1n) })).outputs.y.dims, [1, 1]);
  });

  it('the inference process dying at its memory limit: one message, then a fresh process', async () => {
    const { penguins, penguinsCsv } = await onnxFixtures();
    // JSON lines are read as a whole table: about 300,000 objects, far past a 48 MB heap.
    const [header, ...rows] = (await fs.readFile(penguinsCsv, 'utf8')).trim().split('\n');
    const columns = header.split(',');
    const objects = rows.map((r) => JSON.stringify(Object.fromEntries(r.split(',').map((v, i) => [columns[i], i < 4 ? Number(v) : v]))));
    const data = path.join(tempDir(), 'penguins-many.jsonl');
    await fs.writeFile(data, Array.from({ length: Math.ceil(300_000 / objects.length) }, () => objects.join('\n')).join('\n'));
    const limited = new InferenceClient(defaultWorkerPath(), { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' });
    try {
      await assert.rejects(limited.call('eval', { model: penguins, device: 'cpu', data, label: 'species' }), (e: Error) =>
        e instanceof MlwbError && /^The model ran out of memory during eval: the inference process was killed by SIGABRT \(.*heap out of memory\)\.$/.test(e.message)
        && /smaller batch/.test(e.hint ?? ''));
      assert.equal((await limited.call('info', { model: penguins })).inputs[0].name, 'features');
    } finally {
      limited.dispose();
    }
  });
});

describe('a device that fails while running', () => {
  it('says which device failed, in one line, and the same process runs the next request', async () => {
    // y = Reshape(x, shape): fine until a shape that does not fit the data arrives mid-run.
    const file = path.join(tempDir(), 'reshape.onnx');
    const tensor = (elemType: number, dim: { dimValue?: number; dimParam?: string }[]) => ({ tensorType: { elemType, shape: { dim } } });
    await fs.writeFile(file, onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', node: [{ opType: 'Reshape', input: ['x', 'shape'], output: ['y'] }],
        input: [{ name: 'x', type: tensor(1, [{ dimValue: 6 }]) }, { name: 'shape', type: tensor(7, [{ dimValue: 2 }]) }],
        output: [{ name: 'y', type: tensor(1, [{ dimParam: 'a' }, { dimParam: 'b' }]) }],
      },
    }).finish());
    const feeds = (a: bigint, b: bigint) => ({
      x: { type: 'float32', dims: [6], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      shape: { type: 'int64', dims: [2], data: BigInt64Array.from([a, b]) },
    });
    assert.deepEqual((await client.call('run', { model: file, device: 'cpu', feeds: feeds(2n, 3n) })).outputs.y.dims, [2, 3]);
    await assert.rejects(client.call('run', { model: file, device: 'cpu', feeds: feeds(4n, 4n) }), (e: Error) =>
      e instanceof MlwbError && /^The model failed on cpu: The input tensor cannot be reshaped to the requested shape\. Input shape:\{6\}, requested shape:\{4,4\}$/.test(e.message) && !e.message.includes('\n') && !e.message.includes('onnxruntime_src'));
    assert.deepEqual((await client.call('run', { model: file, device: 'cpu', feeds: feeds(3n, 2n) })).outputs.y.dims, [3, 2]);

    // No second device works here, so the session that fails mid-run is this real one, labelled
    // as another device's: what is checked is what mlwb does when a device's run throws.
    const session = await ort.InferenceSession.create(file);
    const ortFeeds = (a: bigint, b: bigint) => ({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [6]), shape: new ort.Tensor('int64', BigInt64Array.from([a, b]), [2]) });
    const onDevice = (allowFallback: boolean): SessionRunner => ({ model: file, session, device: 'webgpu', createMs: 0, allowFallback });
    await assert.rejects(runSession(onDevice(false), ortFeeds(4n, 4n)), (e: Error) =>
      e instanceof MlwbError && /^Device "webgpu" failed while running reshape\.onnx: The input tensor cannot be reshaped/.test(e.message)
      && /--device cpu.*--fallback cpu/.test(e.hint ?? ''));
    const allowed = onDevice(true);
    assert.deepEqual((await runSession(allowed, ortFeeds(2n, 3n))).y.dims, [2, 3], 'a device that works is kept');
    assert.equal(allowed.device, 'webgpu');
    await assert.rejects(runSession(allowed, ortFeeds(4n, 4n)), { message: /^The model failed on cpu: The input tensor cannot be reshaped/ });
    assert.equal(allowed.device, 'cpu', 'the work moved to cpu, which failed on its own');
    assert.match(allowed.fellBack!, /^Device "webgpu" failed while running: /);
  });
});
