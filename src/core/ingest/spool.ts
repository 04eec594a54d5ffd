import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { Store } from '../store/store';
import { parseBatch, writeBatch } from './batch';
import { processExists } from './endpointFile';
import { HttpError } from './httpError';
import { createRunOp, datasetOp, endRunOp, requireRun } from './operations';
import { OutputIngest, outputOp } from './output';
import { claimSpool } from './spoolClaim';
import { spooledArtifactOp } from './spooledArtifact';

/**
 * Spool replay: `.mlwb/spool/*.jsonl`, one `{"op", "runId", "body"}` per line, written by
 * clients that could not reach the endpoint. Replay is idempotent: createRun with an existing
 * id is a no-op, batches are deduplicated by batch id in the transaction that writes them,
 * lines without a batch id get one from their file and line number, and a run's first end wins.
 *
 * Clients write `.<name>.jsonl.tmp` and rename it to `<name>.jsonl` when they seal it; `<name>`
 * carries the writer's pid. A temporary file whose writer is gone (killed before sealing) is
 * adopted: renamed to its final name and replayed like the rest, its cut-off last line skipped
 * and counted. One process replays at a time (`spoolClaim.ts`).
 */

export interface ReplayResult {
  files: number;
  applied: number;
  duplicates: number;
  /** Last lines cut off by a writer killed mid-write: skipped. */
  torn: number;
  /** Another process (this pid, when known) was replaying the spool: this call replayed nothing. */
  busy?: { pid?: number };
  /** One line per line or file that could not be replayed (kept as `<file>.failed`). */
  problems: string[];
}

/** A file still being appended to is left for next time if its last line is incomplete and this recent. */
const ACTIVE_WRITER_MS = 2000;

export function spoolDir(storeDir: string): string {
  return path.join(storeDir, 'spool');
}

export function replaySpool(store: Store, output = new OutputIngest()): ReplayResult {
  const dir = spoolDir(store.dir);
  const result: ReplayResult = { files: 0, applied: 0, duplicates: 0, torn: 0, problems: [] };
  if (!fs.existsSync(dir)) return result;
  const claim = claimSpool(dir);
  if (!claim.held) {
    result.busy = { pid: claim.holder };
    return result;
  }
  try {
    const adopted = adoptOrphans(dir);
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
    for (const name of names) replayFile(store, output, path.join(dir, name), adopted.has(name), result);
  } finally {
    claim.release();
  }
  return result;
}

const TEMP_FILE = /^\.(\d+-(\d+)-.*\.jsonl)\.tmp$/;

/** Renames the temporary files of writers that are gone to their final names; returns those names. */
function adoptOrphans(dir: string): Set<string> {
  const adopted = new Set<string>();
  for (const name of fs.readdirSync(dir)) {
    const m = TEMP_FILE.exec(name);
    if (!m || processExists(Number(m[2]))) continue;
    try {
      fs.renameSync(path.join(dir, name), path.join(dir, m[1]));
      adopted.add(m[1]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return adopted;
}

function replayFile(store: Store, output: OutputIngest, file: string, writerGone: boolean, result: ReplayResult): void {
  const name = path.basename(file);
  let before: fs.Stats;
  let text: string;
  try {
    before = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // removed by hand meanwhile
    throw err;
  }
  const lines = text.split('\n');
  // After the last newline: "" for a complete file, or a line whose writer stopped mid-way.
  const partial = lines.pop()!;
  if (partial !== '') {
    if (parseLine(partial)) lines.push(partial);
    else if (!writerGone && Date.now() - before.mtimeMs < ACTIVE_WRITER_MS) return;
    else result.torn++;
  }
  result.files++;
  let failed = false;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const op = parseLine(line);
    const where = `${name}:${index + 1}`;
    if (!op) {
      result.problems.push(`${where}: not a spool record ({"op", "runId", "body"}), skipped`);
      failed = true;
      return;
    }
    try {
      if (applyOp(store, output, op, `spool:${name}:${index}`)) result.applied++;
      else result.duplicates++;
    } catch (err) {
      if (!(err instanceof HttpError || err instanceof MlwbError)) throw err;
      result.problems.push(`${where}: ${op.op} for run ${op.runId}: ${err.message}`);
      failed = true;
    }
  });
  // Grown while we read: keep it, the next replay skips what is already stored.
  if (fs.statSync(file, { throwIfNoEntry: false })?.size !== before.size) return;
  if (failed) fs.renameSync(file, `${file}.failed`);
  else fs.rmSync(file, { force: true });
}

interface SpoolRecord {
  op: string;
  runId: string;
  body: Record<string, unknown>;
}

function parseLine(line: string): SpoolRecord | undefined {
  try {
    const v = JSON.parse(line) as Partial<SpoolRecord>;
    if (typeof v !== 'object' || v === null || typeof v.op !== 'string' || typeof v.runId !== 'string') return undefined;
    if (typeof v.body !== 'object' || v.body === null || Array.isArray(v.body)) return undefined;
    return v as SpoolRecord;
  } catch {
    return undefined;
  }
}

/** Applies one record; false when it was already stored. */
function applyOp(store: Store, output: OutputIngest, rec: SpoolRecord, lineId: string): boolean {
  const runId = rec.runId.toLowerCase();
  switch (rec.op) {
    case 'createRun': {
      const existed = store.hasRun(runId);
      createRunOp(store, { ...rec.body, id: rec.body.id ?? runId });
      return !existed;
    }
    case 'batch': {
      const batch = parseBatch(rec.body);
      batch.batchId ??= lineId;
      requireRun(store, runId);
      return !writeBatch(store, runId, batch).duplicate;
    }
    case 'output':
      return once(store, runId, lineId, () => outputOp(store, output, runId, rec.body));
    case 'dataset':
      return once(store, runId, lineId, () => datasetOp(store, runId, rec.body));
    case 'artifact':
      return once(store, runId, lineId, () => spooledArtifactOp(store, spoolDir(store.dir), runId, rec.body));
    case 'end': {
      const applied = endRunOp(store, runId, rec.body).applied;
      output.finish(store, runId);
      return applied;
    }
    default:
      throw new HttpError(400, 'INVALID_PARAMETER_VALUE', `unknown op "${rec.op}"`);
  }
}

/** Applies a record that has no batch id of its own at most once, keyed by its file and line. */
function once(store: Store, runId: string, lineId: string, apply: () => void): boolean {
  requireRun(store, runId);
  return store.transaction(() => {
    if (!store.markBatchIngested(runId, lineId)) return false;
    apply();
    return true;
  });
}
