// The bench's baseline: raw onnxruntime-node, nothing of mlwb's, in a Node process of its own
// (forked by bench/inference.ts), so that it runs as mlwb's inference process runs: a process
// of its own. On the shared 2-core machine the same raw loop measured 4–7 % slower in a forked
// process than in the bench's own in one loaded run, and up to 7 % faster in others: where a
// process lands on a busy machine, which a comparison across processes would count for or
// against mlwb.
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { parseCsv } from '../src/core/inference/io/tabular';
import { median } from './figures';

export type RawRequest =
  | { kind: 'calls'; model: string; input: string; width: number; batch: number; iterations: number; warmup: number }
  | { kind: 'load'; model: string; csv: string; input: string; features: string[] }
  | { kind: 'pass'; batch: number };

const sessions = new Map<string, ort.InferenceSession>();
const session = async (model: string) => {
  let s = sessions.get(model);
  if (!s) sessions.set(model, (s = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' })));
  return s;
};

/** What mlwb's benchmark feeds: the same pseudo-random values in [0, 1) (feeds.ts, syntheticFeeds). */
function syntheticRows(count: number): Float32Array {
  let seed = 12345;
  return Float32Array.from({ length: count }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff));
}

let loaded: { session: ort.InferenceSession; input: string; rows: number; width: number; all: Float32Array } | undefined;

async function handle(request: RawRequest): Promise<number> {
  switch (request.kind) {
    case 'calls': {
      // session.run on tensors made once; the median ms of `iterations` calls.
      const s = await session(request.model);
      const feeds = { [request.input]: new ort.Tensor('float32', syntheticRows(request.batch * request.width), [request.batch, request.width]) };
      for (let i = 0; i < request.warmup; i++) await s.run(feeds);
      const samples: number[] = [];
      for (let i = 0; i < request.iterations; i++) {
        const t0 = performance.now();
        await s.run(feeds);
        samples.push(performance.now() - t0);
      }
      return median(samples);
    }
    case 'load': {
      // The rows made into one float32 matrix beforehand, untimed: inference alone is what a pass times.
      const table = parseCsv(fs.readFileSync(request.csv, 'utf8'));
      const width = request.features.length;
      const cols = request.features.map((c) => table.values.get(c)!.map(Number));
      const all = new Float32Array(table.rows * width);
      for (let r = 0; r < table.rows; r++) for (let c = 0; c < width; c++) all[r * width + c] = cols[c][r];
      loaded = { session: await session(request.model), input: request.input, rows: table.rows, width, all };
      return table.rows;
    }
    case 'pass': {
      const { session: s, input, rows, width, all } = loaded!;
      const t0 = performance.now();
      for (let from = 0; from < rows; from += request.batch) {
        const to = Math.min(rows, from + request.batch);
        await s.run({ [input]: new ort.Tensor('float32', all.subarray(from * width, to * width), [to - from, width]) });
      }
      return performance.now() - t0;
    }
  }
}

process.on('message', (request: RawRequest) => {
  void handle(request).then((value) => process.send!({ value }), (err: Error) => process.send!({ error: err.stack ?? String(err) }));
});
process.on('disconnect', () => process.exit(0));
