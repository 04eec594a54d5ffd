import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MetricSeries } from '../../store/types';
import { historyItemsJson } from './historyJson';

/** Below this, a history is formatted in place: a worker round trip would cost more than it saves. */
const PARALLEL_MIN_POINTS = 20_000;

// The worker runs historyItemsJson from its source text, so it works the same from TypeScript
// sources (tests), the CLI bundle and the extension bundle. `__name` is the helper some builds
// wrap named inner functions with.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
var __name = (fn) => fn;
const historyItemsJson = ${historyItemsJson.toString()};
parentPort.on('message', ({ id, key, steps, timestamps, values, leadingComma }) => {
  try {
    const bytes = historyItemsJson(key, steps, timestamps, values, leadingComma);
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
    parentPort.postMessage({ id, bytes: owned }, [owned.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.stack || err) });
  }
});
`;

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
}

/**
 * Formats long metric histories in worker threads, a slice per core: a 100,000-point history is
 * ~8 MB of JSON whose number formatting would otherwise hold the endpoint's thread — the
 * extension host's, in VS Code — for tens of milliseconds.
 */
export class HistoryFormatter {
  private workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** The `metrics` array items of a history page, in order, as byte chunks. */
  async format(key: string, page: MetricSeries): Promise<Uint8Array[]> {
    const n = page.values.length;
    if (n < PARALLEL_MIN_POINTS) return [historyItemsJson(key, page.steps, page.timestamps, page.values, false)];
    const slices = Math.max(1, Math.min(availableParallelism(), 4));
    const size = Math.ceil(n / slices);
    const jobs: Promise<Uint8Array>[] = [];
    for (let s = 0, from = 0; from < n; s++, from += size) {
      const to = Math.min(n, from + size);
      jobs.push(this.run(s, key, page, from, to));
    }
    return Promise.all(jobs);
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    for (const p of this.pending.values()) p.reject(new Error('the endpoint is closing'));
    this.pending.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private run(slot: number, key: string, page: MetricSeries, from: number, to: number): Promise<Uint8Array> {
    const id = this.nextId++;
    // Copies, so the slices can be handed over without touching the page.
    const steps = page.steps.slice(from, to);
    const timestamps = page.timestamps.slice(from, to);
    const values = page.values.slice(from, to);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker(slot).postMessage({ id, key, steps, timestamps, values, leadingComma: from > 0 },
        [steps.buffer, timestamps.buffer, values.buffer]);
    });
  }

  private worker(slot: number): Worker {
    let worker = this.workers[slot];
    if (worker) return worker;
    worker = new Worker(WORKER_SOURCE, { eval: true });
    // An idle formatter never keeps the process (the CLI, a test) alive.
    worker.unref();
    worker.on('message', (msg: { id: number; bytes?: Uint8Array; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.bytes) p.resolve(msg.bytes);
      else p.reject(new Error(`history formatting failed: ${msg.error}`));
    });
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.workers = this.workers.filter((w) => w !== worker);
    });
    this.workers[slot] = worker;
    return worker;
  }
}
