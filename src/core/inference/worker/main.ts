// The inference process: onnxruntime's native code runs here, never in the CLI's or the
// extension host's process, so a crash or an out-of-memory costs one request, not the editor.
import { promises as fs } from 'node:fs';
import { MlwbError } from '../../errors';
import { checkFeeds, loadInputFile } from '../feeds';
import { inspectModel, type ModelInfo } from '../modelInfo';
import { benchmark } from './benchmark';
import { probeDevices } from './devices';
import { evaluate } from './evaluate';
import type { RunResult, WorkerMessage, WorkerRequest } from './protocol';
import { fromOrt, openRunner, runSession, toOrtFeeds } from './sessions';

const send = (message: WorkerMessage) => process.send!(message);

const infos = new Map<string, { mtimeMs: number; size: number; info: ModelInfo }>();

/** The model's inspection, redone only when the file changes: a big model's protobuf takes a while to decode. */
async function modelInfo(model: string): Promise<ModelInfo> {
  let stat;
  try {
    stat = await fs.stat(model);
  } catch {
    throw new MlwbError(`Model file not found: ${model}.`);
  }
  const known = infos.get(model);
  if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.info;
  const info = inspectModel(await fs.readFile(model), model);
  infos.set(model, { mtimeMs: stat.mtimeMs, size: stat.size, info });
  return info;
}

async function run(request: Extract<WorkerRequest, { op: 'run' }>): Promise<RunResult> {
  const info = await modelInfo(request.model);
  const feeds = request.inputFile ? await loadInputFile(request.inputFile, info.inputs, request.inputOptions) : request.feeds;
  if (!feeds) throw new MlwbError('No input given: feeds or an input file.');
  checkFeeds(feeds, info.inputs);
  const runner = await openRunner(request.model, request.device, request.fallbackToCpu);
  const start = performance.now();
  const outputs = fromOrt(await runSession(runner, toOrtFeeds(feeds)));
  return { device: runner.device, outputs, fellBack: runner.fellBack, sessionMs: runner.createMs, runMs: performance.now() - start };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  const progress = (done: number, total: number, message?: string) => send({ id: request.id, type: 'progress', done, total, message });
  switch (request.op) {
    case 'devices':
      return probeDevices();
    case 'info':
      return modelInfo(request.model);
    case 'run':
      return run(request);
    case 'bench':
      return benchmark(request, (await modelInfo(request.model)).inputs, progress);
    case 'eval':
      return evaluate(request, await modelInfo(request.model), progress);
  }
}

// Requests run one at a time, in order: onnxruntime already uses every core for one session.
let queue = Promise.resolve();
process.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      send({ id: request.id, type: 'result', result: await handle(request) });
    } catch (err) {
      if (err instanceof MlwbError) send({ id: request.id, type: 'error', message: err.message, hint: err.hint });
      else send({ id: request.id, type: 'error', message: `internal error in the inference process: ${(err as Error).stack ?? String(err)}` });
    }
  });
});
process.on('disconnect', () => process.exit(0));
