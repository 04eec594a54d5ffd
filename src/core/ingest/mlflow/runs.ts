import type { RouteRequest } from '../route';
import { runInfoJson, runJson } from './convert';
import { experimentOrThrow } from './experiments';
import { mlflowData, type MlflowData, type RunRow } from './mlflowDb';
import { Args, fromMlflowStatus, invalid, keyValues, missing } from './wire';

/** runs/create|get|update|delete|restore, log-parameter, set-tag, delete-tag. */

export const MAX_PARAM_VALUE = 6000;
export const MAX_TAG_VALUE = 8000;
const RUN_NAME_TAG = 'mlflow.runName';

export function runOrThrow(data: MlflowData, id: string): RunRow {
  const run = data.run(id.toLowerCase());
  if (!run) throw missing(`Run with id=${id} not found`);
  return run;
}

/** Logging into a deleted run is refused, as MLflow does. */
export function activeRunOrThrow(data: MlflowData, id: string): RunRow {
  const run = runOrThrow(data, id);
  if (run.lifecycle_stage !== 'active') throw invalid(`The run ${id} must be in the 'active' state. Current state is ${run.lifecycle_stage}.`);
  return run;
}

function runIdOf(args: Args): string {
  const id = args.str('run_id') || args.str('run_uuid');
  if (!id) throw invalid("Missing value for required parameter 'run_id'.");
  return id;
}

export async function createRun(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const store = r.ctx.store;
  const experiment = experimentOrThrow(data, args.str('experiment_id') || '0');
  const tags = keyValues(args.objList('tags'), 'tag');
  for (const t of tags) checkTag(t.key, t.value);
  const name = args.str('run_name') || tags.find((t) => t.key === RUN_NAME_TAG)?.value || undefined;
  const id = store.transaction(() => {
    const runId = store.createRun({ experiment: experiment.name, source: 'mlflow', name, startTime: args.int('start_time') });
    const user = args.str('user_id');
    if (user) data.setUser(runId, user);
    const run = data.run(runId)!;
    store.setTags(runId, { ...Object.fromEntries(tags.map((t) => [t.key, t.value])), [RUN_NAME_TAG]: run.name });
    return runId;
  });
  return { run: runJson(data, data.run(id)!) };
}

export async function getRun(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  return { run: runJson(data, runOrThrow(data, runIdOf(args))) };
}

export async function updateRun(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const store = r.ctx.store;
  const run = activeRunOrThrow(data, runIdOf(args));
  const status = args.str('status');
  const name = args.str('run_name');
  store.transaction(() => {
    data.updateStatus(run.id, status ? fromMlflowStatus(status) : undefined, args.int('end_time'));
    if (name) {
      store.renameRun(run.id, name);
      store.setTags(run.id, { [RUN_NAME_TAG]: name });
    }
  });
  return { run_info: runInfoJson(data.run(run.id)!) };
}

export async function deleteRun(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  data.setLifecycle(runOrThrow(data, runIdOf(args)).id, 'deleted');
  return {};
}

export async function restoreRun(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  data.setLifecycle(runOrThrow(data, runIdOf(args)).id, 'active');
  return {};
}

export async function logParameter(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const run = activeRunOrThrow(data, runIdOf(args));
  const key = args.reqStr('key');
  const value = args.str('value') ?? '';
  r.ctx.store.transaction(() => logParams(data, run.id, [{ key, value }]));
  return {};
}

/** Params are write-once: the same value again is fine, a different one is refused. */
export function logParams(data: MlflowData, runId: string, params: { key: string; value: string }[]): void {
  const fresh: Record<string, string> = {};
  for (const { key, value } of params) {
    checkKey(key, 'param');
    if (value.length > MAX_PARAM_VALUE) throw invalid(`Param value for '${key}' had length ${value.length}, which exceeded length limit of ${MAX_PARAM_VALUE}.`);
    const old = fresh[key] ?? data.param(runId, key);
    if (old !== undefined && old !== value) {
      throw invalid(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`);
    }
    fresh[key] = value;
  }
  if (Object.keys(fresh).length) data.store.logParams(runId, fresh);
}

export async function setTag(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const run = activeRunOrThrow(data, runIdOf(args));
  const key = args.reqStr('key');
  setTags(data, run.id, [{ key, value: args.str('value') ?? '' }]);
  return {};
}

/** Tags, with `mlflow.runName` also renaming the run (MLflow keeps the two in step). */
export function setTags(data: MlflowData, runId: string, tags: { key: string; value: string }[]): void {
  if (tags.length === 0) return;
  for (const t of tags) checkTag(t.key, t.value);
  data.store.transaction(() => {
    data.store.setTags(runId, Object.fromEntries(tags.map((t) => [t.key, t.value])));
    const name = tags.filter((t) => t.key === RUN_NAME_TAG).at(-1)?.value;
    if (name) data.store.renameRun(runId, name);
  });
}

export async function deleteTag(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const run = activeRunOrThrow(data, runIdOf(args));
  const key = args.reqStr('key');
  if (data.tag(run.id, key) === undefined) throw missing(`No tag with name: ${key} in run with id ${run.id}`);
  r.ctx.store.deleteTag(run.id, key);
  return {};
}

export function checkKey(key: string, what: string): void {
  if (key.length === 0 || key.length > 250) throw invalid(`Invalid ${what} name: '${key.slice(0, 60)}'. Names must be 1 to 250 characters.`);
}

function checkTag(key: string, value: string): void {
  checkKey(key, 'tag');
  if (value.length > MAX_TAG_VALUE) throw invalid(`Tag value for '${key}' had length ${value.length}, which exceeded length limit of ${MAX_TAG_VALUE}.`);
}
