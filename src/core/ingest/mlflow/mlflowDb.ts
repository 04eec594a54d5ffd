import type Database from 'better-sqlite3';
import type { Store } from '../../store/store';
import type { ArtifactRef, RunStatus } from '../../store/types';

/**
 * The MLflow-only view of the store: experiment fields (artifact location, lifecycle, tags),
 * run user and lifecycle (migration 2), and run rows for search. Everything else about a run
 * goes through `Store` like any other client.
 */

export interface ExperimentRow {
  id: number;
  name: string;
  created_at: number;
  artifact_location: string | null;
  lifecycle_stage: 'active' | 'deleted';
  last_update_time: number | null;
}

export interface RunRow {
  id: string;
  name: string;
  experiment_id: number;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  user_id: string | null;
  lifecycle_stage: 'active' | 'deleted';
}

const EXPERIMENT = 'SELECT id, name, created_at, artifact_location, lifecycle_stage, last_update_time FROM experiments';
const RUN = 'SELECT id, name, experiment_id, status, start_time, end_time, user_id, lifecycle_stage FROM runs';

export class MlflowData {
  private readonly s;

  constructor(readonly store: Store) {
    const db: Database.Database = store.db;
    this.s = {
      expById: db.prepare<[number], ExperimentRow>(`${EXPERIMENT} WHERE id = ?`),
      expByName: db.prepare<[string], ExperimentRow>(`${EXPERIMENT} WHERE name = ?`),
      experiments: db.prepare<[], ExperimentRow>(`${EXPERIMENT} ORDER BY id`),
      insertExp: db.prepare('INSERT INTO experiments (id, name, created_at, artifact_location, last_update_time) VALUES (?, ?, ?, ?, ?)'),
      expTags: db.prepare<[number], { key: string; value: string }>('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key'),
      setExpTag: db.prepare('INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)'),
      run: db.prepare<[string], RunRow>(`${RUN} WHERE id = ?`),
      runsOf: db.prepare<[number], RunRow>(`${RUN} WHERE experiment_id = ?`),
      params: db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM params WHERE run_id = ? ORDER BY key'),
      param: db.prepare<[string, string], { value: string }>('SELECT value FROM params WHERE run_id = ? AND key = ?'),
      tags: db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key'),
      tag: db.prepare<[string, string], { value: string }>('SELECT value FROM tags WHERE run_id = ? AND key = ?'),
      artifact: db.prepare<[string, string], ArtifactRef>('SELECT path, sha256, bytes FROM artifacts WHERE run_id = ? AND path = ?'),
      artifactsUnder: db.prepare<[string, string, string, string], ArtifactRef>(
        "SELECT path, sha256, bytes FROM artifacts WHERE run_id = ? AND (? = '' OR substr(path, 1, length(?) + 1) = ? || '/') ORDER BY path"),
    };
  }

  experiment(id: number): ExperimentRow | undefined {
    return this.s.expById.get(id);
  }

  experimentByName(name: string): ExperimentRow | undefined {
    return this.s.expByName.get(name);
  }

  experiments(): ExperimentRow[] {
    return this.s.experiments.all();
  }

  /**
   * MLflow's "Default" experiment has id 0. It is created on first use with that id; a store
   * that already has an experiment named Default (from `mlwb run`) keeps its id for it.
   */
  defaultExperiment(): ExperimentRow {
    const found = this.s.expByName.get('Default');
    if (found) return found;
    this.createExperiment('Default', undefined, {}, this.s.expById.get(0) ? undefined : 0);
    return this.s.expByName.get('Default')!;
  }

  createExperiment(name: string, artifactLocation: string | undefined, tags: Record<string, string>, id?: number): number {
    return this.store.transaction(() => {
      const now = Date.now();
      const newId = Number(this.s.insertExp.run(id ?? null, name, now, artifactLocation ?? null, now).lastInsertRowid);
      for (const [k, v] of Object.entries(tags)) this.s.setExpTag.run(newId, k, v);
      return newId;
    });
  }

  experimentTags(id: number): { key: string; value: string }[] {
    return this.s.expTags.all(id);
  }

  run(id: string): RunRow | undefined {
    return this.s.run.get(id);
  }

  runsOf(experimentId: number): RunRow[] {
    return this.s.runsOf.all(experimentId);
  }

  // Run writes go through the Store, so whoever observes the store hears of them.
  setUser(runId: string, user: string): void {
    this.store.updateRun(runId, { userId: user });
  }

  setLifecycle(runId: string, stage: 'active' | 'deleted'): void {
    this.store.updateRun(runId, { lifecycleStage: stage });
  }

  /** MLflow's UpdateRun: status and end time as given, leaving the exit code `mlwb run` may record alone. */
  updateStatus(runId: string, status: RunStatus | undefined, endTime: number | undefined): void {
    this.store.updateRun(runId, { status, endTime });
  }

  params(runId: string): { key: string; value: string }[] {
    return this.s.params.all(runId);
  }

  param(runId: string, key: string): string | undefined {
    return this.s.param.get(runId, key)?.value;
  }

  tags(runId: string): { key: string; value: string }[] {
    return this.s.tags.all(runId);
  }

  tag(runId: string, key: string): string | undefined {
    return this.s.tag.get(runId, key)?.value;
  }

  artifact(runId: string, path: string): ArtifactRef | undefined {
    return this.s.artifact.get(runId, path);
  }

  /** Artifacts at or below `dir` ("" for all of the run's). */
  artifactsUnder(runId: string, dir: string): ArtifactRef[] {
    return this.s.artifactsUnder.all(runId, dir, dir, dir);
  }
}

const cache = new WeakMap<Store, MlflowData>();

/** One MlflowData (its prepared statements) per open store. */
export function mlflowData(store: Store): MlflowData {
  let data = cache.get(store);
  if (!data) cache.set(store, (data = new MlflowData(store)));
  return data;
}
