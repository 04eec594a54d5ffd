// A drift report for two data files: both files are read in parallel worker threads, then the
// columns are shared out among the workers. Progress is reported per file and per column; an
// AbortSignal stops the workers at once.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlwbError } from '../errors';
import { analyseColumn, type ColumnRequest } from './analyseColumn';
import { readTable } from './read/readTable';
import type { Table } from './read/table';
import { inferType, isDateColumn } from './sample';
import { addPredictionColumns } from './predictionColumns';
import { compareSchemas } from './schema';
import { DEFAULT_DRIFT_SHARE, type ColumnDrift, type DriftOptions, type DriftReport } from './types';
import { planWindows, type WindowPlan } from './windows';
import { columnTransferList, type WorkerRequest, type WorkerResponse } from './workerProtocol';

export interface DriftRun {
  /** Worker threads; 0 computes on the calling thread (small files, tests). Default: the CPU count, at most 4. */
  workers?: number;
  onProgress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
  /** How the files are named in messages and in the report (default: as given). */
  names?: { reference: string; current: string };
}

type Job = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** A few worker threads answering requests in turn; terminate() ends them. */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: Array<{ job: Job; transfer: ArrayBuffer[]; resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }> = [];
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 1;
  private failed: Error | undefined;

  constructor(size: number) {
    const ts = __filename.endsWith('.ts');
    const file = path.join(__dirname, ts ? 'driftWorker.ts' : 'driftWorker.js');
    this.workers = Array.from({ length: size }, () => new Worker(file, ts ? { execArgv: ['--import', 'tsx'] } : {}));
    this.idle = [...this.workers];
    for (const w of this.workers) {
      w.on('message', (r: WorkerResponse) => this.settle(w, r));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => code !== 0 && this.fail(new Error(`a drift worker stopped (exit code ${code})`)));
    }
  }

  run(job: Job, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, transfer, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const { job, transfer, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ ...job, id } as WorkerRequest, transfer);
    }
  }

  private settle(worker: Worker, response: WorkerResponse): void {
    const p = this.pending.get(response.id);
    if (!p) return;
    this.pending.delete(response.id);
    this.idle.push(worker);
    p.resolve(response);
    this.dispatch();
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    for (const p of this.pending.values()) p.reject(err);
    for (const q of this.queue) q.reject(err);
    this.pending.clear();
    this.queue.length = 0;
  }

  async terminate(): Promise<void> {
    this.fail(new MlwbError('Drift report cancelled.'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function unwrap<T>(r: WorkerResponse, pick: (r: WorkerResponse) => T | undefined): T {
  if ('error' in r) {
    if (r.error.user) throw new MlwbError(r.error.message, r.error.hint);
    const err = new Error(r.error.message);
    err.stack = r.error.stack;
    throw err;
  }
  return pick(r)!;
}

export interface ColumnPlan {
  compare: Array<{ name: string; request: ColumnRequest }>;
  skipped: Array<{ name: string; reason: string }>;
}

/** Which columns to compare and how: the named ones, else every column both files have. */
export function planColumns(reference: Table, current: Table, options: DriftOptions): ColumnPlan {
  const refNames = reference.columns.map((c) => c.name);
  const curNames = new Set(current.columns.map((c) => c.name));
  const byName = (t: Table, n: string) => t.columns.find((c) => c.name === n)!;
  let names: string[];
  if (options.columns?.length) {
    const missing = options.columns.filter((n) => !refNames.includes(n) || !curNames.has(n));
    if (missing.length) {
      const where = (n: string) => (!refNames.includes(n) ? reference.source : current.source);
      throw new MlwbError(`Column "${missing[0]}" is not in ${where(missing[0])}.`, `Columns there: ${(refNames.includes(missing[0]) ? [...curNames] : refNames).join(', ')}.`);
    }
    // Once each: a column's arrays are given up to the worker that analyses it.
    names = [...new Set(options.columns)];
  } else {
    // Columns on one side only are schema changes (reported); the shared ones are compared.
    names = refNames.filter((n) => curNames.has(n));
    if (!names.length) {
      throw new MlwbError(`The two files have no column in common (${reference.source}: ${refNames.join(', ')}; ${current.source}: ${[...curNames].join(', ')}).`, 'Compare two versions of the same data.');
    }
  }
  const skipped: ColumnPlan['skipped'] = [];
  if (!options.columns?.length) {
    names = names.filter((n) => {
      const dates = isDateColumn(byName(reference, n)) && isDateColumn(byName(current, n));
      if (dates) skipped.push({ name: n, reason: 'dates: an order column, not compared (name it with --column to compare it)' });
      return !dates;
    });
  }
  if (options.over && !names.includes(options.over.by) && !reference.columns.some((c) => c.name === options.over!.by)) {
    throw new MlwbError(`--by column "${options.over.by}" is not in ${reference.source}.`, `Columns: ${refNames.join(', ')}.`, 2);
  }
  for (const n of [...Object.keys(options.tests ?? {}), ...Object.keys(options.thresholds ?? {})]) {
    if (!names.includes(n)) throw new MlwbError(`--test/--threshold name column "${n}", which is not compared.`, `Compared columns: ${names.join(', ')}.`);
  }
  const compare = names.map((name) => ({
    name,
    request: { type: inferType(byName(reference, name), byName(current, name)), test: options.tests?.[name], threshold: options.thresholds?.[name] },
  }));
  return { compare, skipped };
}

export async function computeDrift(referenceFile: string, currentFile: string, options: DriftOptions = {}, run: DriftRun = {}): Promise<DriftReport> {
  const names = run.names ?? { reference: referenceFile, current: currentFile };
  const size = run.workers ?? Math.min(4, Math.max(1, os.availableParallelism()));
  const pool = size > 0 ? new WorkerPool(size) : undefined;
  const abort = () => void pool?.terminate();
  if (run.signal?.aborted) throw new MlwbError('Drift report cancelled.');
  run.signal?.addEventListener('abort', abort);
  const checkAborted = () => {
    if (run.signal?.aborted) throw new MlwbError('Drift report cancelled.');
  };
  try {
    let done = 0;
    let total = 2;
    const progress = (message: string) => run.onProgress?.(++done, total, message);
    const read = async (file: string, shownAs: string): Promise<Table> => {
      const table = pool
        ? unwrap(await pool.run({ op: 'read', file, shownAs }), (r) => ('table' in r ? r.table : undefined))
        : await readTable(file, shownAs);
      progress(`read ${shownAs}`);
      return table;
    };
    const [reference, current] = await Promise.all([read(referenceFile, names.reference), read(currentFile, names.current)]);
    checkAborted();
    const fileColumns = { reference: reference.columns.length, current: current.columns.length };
    if (options.model) {
      total += 2;
      const added = await addPredictionColumns(options.model, [{ table: reference, file: referenceFile }, { table: current, file: currentFile }], run.signal, (shownAs) => progress(`model predictions on ${shownAs}`));
      if (options.columns?.length) options = { ...options, columns: [...options.columns, ...added] };
    }
    const plan = planColumns(reference, current, options);
    let windows: WindowPlan | undefined;
    if (options.over) {
      windows = planWindows(current, options.over);
      // The order column orders; it is not compared.
      plan.compare = plan.compare.filter((c) => c.name !== options.over!.by);
      for (const c of plan.compare) c.request.windows = { windowOf: windows.windowOf, count: windows.windows.length };
    }
    total += plan.compare.length;
    const column = (t: Table, n: string) => t.columns.find((c) => c.name === n)!;
    const columns = await Promise.all(plan.compare.map(async ({ name, request }): Promise<ColumnDrift> => {
      const [r, c] = [column(reference, name), column(current, name)];
      const result = pool
        ? unwrap(await pool.run({ op: 'column', name, reference: r, current: c, request }, columnTransferList(r, c)), (x) => ('column' in x ? x.column : undefined))
        : analyseColumn(name, r, c, request);
      checkAborted();
      progress(`column ${name}`);
      return result;
    }));
    const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
    const driftedColumns = columns.filter((c) => c.drifted).length;
    const share = columns.length ? driftedColumns / columns.length : 0;
    return {
      dataset: { drifted: share >= driftShare, share, driftedColumns, columns: columns.length, driftShare },
      columns,
      skipped: plan.skipped,
      schema: compareSchemas(reference, current),
      reference: { path: names.reference, rows: reference.rows, columns: fileColumns.reference },
      current: { path: names.current, rows: current.rows, columns: fileColumns.current },
      createdAt: new Date().toISOString(),
      ...(windows && options.over ? { windows: { ...options.over, list: windows.windows } } : {}),
    };
  } catch (err) {
    checkAborted();
    throw err;
  } finally {
    run.signal?.removeEventListener('abort', abort);
    await pool?.terminate();
  }
}
