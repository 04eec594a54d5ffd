import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { InferenceClient } from '../src/core/inference/inferenceClient';
import { parseCsv } from '../src/core/inference/io/tabular';
import { onnxFixtures } from '../test/helpers/onnxFixtures';
import { median, type Figure } from './figures';
import type { RawRequest } from './rawOrtProcess';

const DEMO_MODEL = path.join(__dirname, '..', 'demo', 'models', 'penguins.onnx');
const DEMO_DATA = path.join(__dirname, '..', 'demo', 'data', 'penguins.csv');
/** Calls before timing, on both sides: the first hundreds run while V8 and onnxruntime warm up. */
const WARMUP = 300;

/** The raw onnxruntime-node baseline, in a process of its own (bench/rawOrtProcess.ts). */
class RawOrt {
  private readonly child: ChildProcess = fork(path.join(__dirname, 'rawOrtProcess.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  call(request: RawRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: { value?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.value!)));
      this.child.send(request);
    });
  }

  dispose(): void {
    this.child.kill();
  }
}

/** Raw session.run in the bench's own process, for comparison with the forked baseline. Median ms. */
async function inProcessCallMs(session: ort.InferenceSession, input: string, width: number, batch: number, iterations: number): Promise<number> {
  let seed = 12345;
  const data = Float32Array.from({ length: batch * width }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff));
  const feeds = { [input]: new ort.Tensor('float32', data, [batch, width]) };
  for (let i = 0; i < WARMUP; i++) await session.run(feeds);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** 100,000 penguin rows (the demo's 342 measured ones, repeated with small noise) as a CSV. */
function bigPenguinCsv(rows: number): string {
  const table = parseCsv(fs.readFileSync(DEMO_DATA, 'utf8'));
  const cols = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
  const kept = Array.from({ length: table.rows }, (_, r) => r).filter((r) => cols.every((c) => table.values.get(c)![r] !== ''));
  const lines = [[...cols, 'species'].join(',')];
  for (let i = 0; i < rows; i++) {
    const r = kept[i % kept.length];
    const jitter = 1 + (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.02;
    lines.push([...cols.map((c) => (Number(table.values.get(c)![r]) * jitter).toFixed(2)), table.values.get('species')![r]].join(','));
  }
  return lines.join('\n') + '\n';
}

/** 100,000 rows of 64 features in [0, 1) and a class 0–9, for the MLP. */
function mlpCsv(rows: number): string {
  const lines = [[...Array.from({ length: 64 }, (_, c) => `x${c}`), 'label'].join(',')];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 1000) / 1000;
  for (let i = 0; i < rows; i++) lines.push([...Array.from({ length: 64 }, () => next().toFixed(3)), String(i % 10)].join(','));
  return lines.join('\n') + '\n';
}

/**
 * Inference figures: mlwb's per-call latency (what `model bench` times in the inference process)
 * against raw onnxruntime-node's session.run on the same input values in a process of its own,
 * for the demo model and a 2×1024 MLP at batch 1 and 64; the round trip of one `model run` call
 * through IPC; evaluation of 100,000 CSV rows end to end (read, infer, metrics, as timed by the
 * caller) against raw inference alone over the same rows, same batches, already in memory.
 */
export async function benchInference(): Promise<Figure[]> {
  const { mlp } = await onnxFixtures();
  const client = new InferenceClient();
  const raw = new RawOrt();
  const figures: Figure[] = [];
  try {
    // On a shared machine the load drifts by the second: alternate the two sides in rounds and
    // keep each side's best round, so neither is measured only in a busy stretch.
    for (const [label, model, input, width] of [['demo', DEMO_MODEL, 'features', 4], ['mlp 2x1024', mlp, 'x', 64]] as const) {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
      for (const batch of [1, 64]) {
        const iterations = label === 'demo' ? 600 : batch === 1 ? 200 : 60;
        const rounds = label === 'demo' ? 12 : 8;
        let rawMs = Infinity;
        let inProcessMs = Infinity;
        let p50 = Infinity;
        for (let round = 0; round < rounds; round++) {
          inProcessMs = Math.min(inProcessMs, await inProcessCallMs(session, input, width, batch, iterations));
          rawMs = Math.min(rawMs, await raw.call({ kind: 'calls', model, input, width, batch, iterations, warmup: WARMUP }));
          const ours = await client.call('bench', { model, device: 'cpu', batches: [batch], iterations, warmup: WARMUP });
          p50 = Math.min(p50, ours.results[0].p50Ms);
        }
        figures.push({
          name: `${label} batch ${batch}: p50 per call`, value: round(p50 * 1000), unit: 'µs',
          baseline: { name: 'raw onnxruntime-node', value: round(rawMs * 1000) }, target: `<= ${round(rawMs * 1000 * 1.05)}`,
        });
        figures.push({ name: `${label} batch ${batch}: throughput`, value: Math.round((batch * 1000) / p50), unit: 'rows/s', baseline: { name: 'raw onnxruntime-node', value: Math.round((batch * 1000) / rawMs) } });
        figures.push({ name: `${label} batch ${batch}: raw in the bench's own process (p50)`, value: round(inProcessMs * 1000), unit: 'µs' });
      }
      await session.release();
    }
    // One `model run` as the CLI and extension make it: host → inference process → host.
    const feeds = { features: { type: 'float32', dims: [1, 4], data: Float32Array.from([39.1, 18.7, 181, 3750]) } };
    await client.call('run', { model: DEMO_MODEL, device: 'cpu', feeds });
    const roundTrips: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      await client.call('run', { model: DEMO_MODEL, device: 'cpu', feeds });
      roundTrips.push(performance.now() - t0);
    }
    figures.push({ name: 'demo batch 1: run call incl. IPC (p50)', value: round(median(roundTrips) * 1000), unit: 'µs' });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-inference-'));
    await client.call('eval', { model: DEMO_MODEL, device: 'cpu', data: DEMO_DATA, label: 'species' });
    const cases = [
      { name: 'demo', model: DEMO_MODEL, csv: bigPenguinCsv(100_000), label: 'species', input: 'features', features: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] },
      { name: 'mlp 2x1024', model: mlp, csv: mlpCsv(100_000), label: 'label', input: 'x', features: Array.from({ length: 64 }, (_, c) => `x${c}`) },
    ];
    for (const c of cases) {
      const data = path.join(dir, `${c.name.replace(/\W/g, '')}.csv`);
      fs.writeFileSync(data, c.csv);
      await raw.call({ kind: 'load', model: c.model, csv: data, input: c.input, features: c.features });
      let evalMs = Infinity;
      let rawMs = Infinity;
      for (let round = 0; round < (c.name === 'demo' ? 8 : 3); round++) {
        const t0 = performance.now();
        const result = await client.call('eval', { model: c.model, device: 'cpu', data, label: c.label });
        evalMs = Math.min(evalMs, performance.now() - t0);
        if (result.rows !== 100_000) throw new Error(`evaluated ${result.rows} rows`);
        rawMs = Math.min(rawMs, await raw.call({ kind: 'pass', batch: 4096 }));
      }
      figures.push({ name: `${c.name}: eval 100,000 CSV rows end to end`, value: Math.round(evalMs), unit: 'ms', baseline: { name: 'raw inference alone', value: Math.round(rawMs) }, target: `<= ${Math.round(rawMs * 1.5)}` });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    client.dispose();
    raw.dispose();
  }
  return figures;
}

const round = (v: number) => Math.round(v * 10) / 10;
