import type { Store } from '../store/store';
import { RUN_STATUSES, type ParamValue, type RunOwner, type RunSource, type RunStatus } from '../store/types';
import { badRequest, notFound } from './httpError';
import { optNumber, optObject, optString, optStringArray, reqString } from './fields';
import { mlflowData } from './mlflow/mlflowDb';

/**
 * The native operations shared by the HTTP routes and spool replay: the same body means the
 * same effect whichever way it arrives, and replaying one twice changes nothing.
 */

export const DEFAULT_EXPERIMENT = 'Default';
const SOURCES: readonly RunSource[] = ['script', 'notebook', 'client', 'mlflow', 'terminal', 'cli'];
const RUN_ID = /^[0-9a-f]{32}$/;

export interface CreatedRun {
  id: string;
  name: string;
  experiment: string;
}

export function createRunOp(store: Store, body: Record<string, unknown>): CreatedRun {
  const id = optString(body, 'id')?.toLowerCase();
  if (id !== undefined && !RUN_ID.test(id)) throw badRequest('"id" must be 32 hexadecimal characters.');
  const source = (optString(body, 'source') ?? 'client') as RunSource;
  if (!SOURCES.includes(source)) throw badRequest(`"source" must be one of ${SOURCES.join(', ')}.`);
  const command = optStringArray(body, 'command');
  const params = optObject(body, 'params') ?? {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw badRequest(`Param "${k}" must be a string, number or boolean.`);
  }
  const tags = optObject(body, 'tags') ?? {};
  for (const [k, v] of Object.entries(tags)) if (typeof v !== 'string') throw badRequest(`Tag "${k}" must have a string value.`);
  const fields = {
    owner: runOwner(optObject(body, 'owner')),
    name: optString(body, 'name'),
    experiment: optString(body, 'experiment') || DEFAULT_EXPERIMENT,
    cwd: optString(body, 'cwd'),
    startTime: optNumber(body, 'startTime'),
  };
  return store.transaction(() => {
    // Checked inside the write lock: a replay racing a live request still creates one run.
    const existing = id !== undefined ? store.getRun(id) : undefined;
    if (existing) return { id: existing.id, name: existing.name, experiment: existing.experiment };
    // The Default experiment keeps MLflow's id 0 whichever client creates it first.
    if (fields.experiment === DEFAULT_EXPERIMENT) mlflowData(store).defaultExperiment();
    const runId = store.createRun({ id, source, command, ...fields });
    if (Object.keys(params).length) store.logParams(runId, params as Record<string, ParamValue>);
    if (Object.keys(tags).length) store.setTags(runId, tags as Record<string, string>);
    const run = store.getRun(runId)!;
    return { id: run.id, name: run.name, experiment: run.experiment };
  });
}

/** `"owner": {"pid", "host", "start"?}`: the client process, so that a run it never ends shows as crashed once it is gone. */
function runOwner(raw: Record<string, unknown> | undefined): RunOwner | undefined {
  if (raw === undefined) return undefined;
  const pid = optNumber(raw, 'pid');
  const host = optString(raw, 'host');
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0 || !host) throw badRequest('"owner" needs a positive integer "pid" and a "host".');
  return { pid, host, start: optString(raw, 'start') ?? null };
}

export function requireRun(store: Store, runId: string): void {
  if (!store.hasRun(runId)) throw notFound(`No run with id ${runId}.`);
}

export function datasetOp(store: Store, runId: string, body: Record<string, unknown>): void {
  const path = reqString(body, 'path');
  const sha256 = reqString(body, 'sha256');
  if (!/^[0-9a-f]{64}$/i.test(sha256)) throw badRequest('"sha256" must be 64 hexadecimal characters.');
  const bytes = optNumber(body, 'bytes');
  if (bytes === undefined || bytes < 0 || !Number.isInteger(bytes)) throw badRequest('"bytes" must be a non-negative integer.');
  const rows = optNumber(body, 'rows') ?? null;
  if (rows !== null && (rows < 0 || !Number.isInteger(rows))) throw badRequest('"rows" must be a non-negative integer or null.');
  requireRun(store, runId);
  store.addDataset(runId, { path, sha256: sha256.toLowerCase(), bytes, rows });
}

/**
 * Ends a run that is still running. The first end wins: a replayed or repeated end (or one
 * that arrives after `mlwb run` recorded the exit) leaves the recorded outcome alone.
 */
export function endRunOp(store: Store, runId: string, body: Record<string, unknown>): { applied: boolean } {
  const status = reqString(body, 'status') as RunStatus;
  if (status === 'running' || status === 'crashed' || !RUN_STATUSES.includes(status)) throw badRequest('"status" must be finished, failed or killed.');
  const exitCode = optNumber(body, 'exitCode') ?? null;
  if (exitCode !== null && !Number.isInteger(exitCode)) throw badRequest('"exitCode" must be an integer.');
  const endTime = optNumber(body, 'endTime') ?? Date.now();
  return store.transaction(() => {
    const run = store.getRun(runId);
    if (!run) throw notFound(`No run with id ${runId}.`);
    // "crashed" was mlwb's guess (its owner looked gone); the client's own word replaces it.
    if (run.status !== 'running' && run.status !== 'crashed') return { applied: false };
    store.finishRun(runId, status, exitCode, endTime);
    return { applied: true };
  });
}
