import { jsonNumber } from '../fields';
import type { ExperimentRow, MlflowData, RunRow } from './mlflowDb';
import { toMlflowStatus } from './wire';

/** Our rows in MLflow's JSON shapes (Experiment, RunInfo, Run), as the `mlflow` client parses them. */

export function experimentJson(data: MlflowData, e: ExperimentRow) {
  return {
    experiment_id: String(e.id),
    name: e.name,
    artifact_location: e.artifact_location ?? `mlflow-artifacts:/${e.id}`,
    lifecycle_stage: e.lifecycle_stage,
    last_update_time: e.last_update_time ?? e.created_at,
    creation_time: e.created_at,
    tags: data.experimentTags(e.id),
  };
}

/** Runs' artifacts go through the artifact proxy of this endpoint. */
export function artifactUri(r: RunRow): string {
  return `mlflow-artifacts:/${r.experiment_id}/${r.id}/artifacts`;
}

export function runInfoJson(r: RunRow) {
  return {
    run_id: r.id,
    run_uuid: r.id,
    run_name: r.name,
    experiment_id: String(r.experiment_id),
    user_id: r.user_id ?? '',
    status: toMlflowStatus(r.status),
    start_time: r.start_time,
    ...(r.end_time !== null ? { end_time: r.end_time } : {}),
    artifact_uri: artifactUri(r),
    lifecycle_stage: r.lifecycle_stage,
  };
}

export function runJson(data: MlflowData, r: RunRow) {
  const store = data.store;
  const metrics = Object.entries(store.metrics.summariesOf(r.id)).map(([key, m]) => {
    // The summary keeps the latest value and its step; its timestamp is the last logged point's.
    const last = store.readMetric(r.id, key, m.count - 1, 1);
    return { key, value: jsonNumber(m.last), timestamp: last?.timestamps[0] ?? 0, step: m.lastStep };
  });
  const tags = data.tags(r.id);
  // MLflow clients read the run name from this tag too; runs not created through MLflow lack it.
  if (!tags.some((t) => t.key === 'mlflow.runName')) tags.push({ key: 'mlflow.runName', value: r.name });
  return {
    info: runInfoJson(r),
    data: { metrics, params: data.params(r.id), tags },
    inputs: {},
  };
}
