// The runs a view shows, kept in memory and updated run by run as the store reports changes,
// so a view never re-reads the whole store for one logged metric.
import type { Store } from '../store/store';
import type { RunRecord } from '../store/types';
import { MERGED_INTO_TAG } from './mergeRuns';
import type { StoreChange } from './storeChanges';

export interface ExperimentGroup {
  name: string;
  /** Newest first. */
  runs: RunRecord[];
}

export interface ModelUpdate {
  /** Runs whose content changed in place (same experiment, already shown). */
  changed: RunRecord[];
  /** Runs appeared, disappeared or moved: the structure must be re-read. */
  structure: boolean;
}

export class RunsModel {
  private runs = new Map<string, RunRecord>();
  private dirty = new Set<string>();
  private deleted = new Set<string>();
  private full = true;

  constructor(private readonly store: Store) {}

  /** Notes a change; `apply` reads what it needs. Cheap: changes arrive per logged batch. */
  note(change: StoreChange): void {
    if (change.kind === 'run') this.dirty.add(change.runId);
    else if (change.kind === 'deleted') for (const id of change.runIds) this.deleted.add(id);
    else this.full = true;
  }

  get pending(): boolean {
    return this.full || this.dirty.size > 0 || this.deleted.size > 0;
  }

  /** Reads the noted changes from the store. */
  apply(): ModelUpdate {
    if (this.full) {
      this.full = false;
      this.dirty.clear();
      this.deleted.clear();
      this.runs = new Map(this.store.listRuns().map((r) => [r.id, r]));
      return { changed: [], structure: true };
    }
    let structure = false;
    const changed: RunRecord[] = [];
    for (const id of this.deleted) structure = this.runs.delete(id) || structure;
    this.deleted.clear();
    for (const id of this.dirty) {
      const before = this.runs.get(id);
      const after = this.store.getRun(id);
      if (!after) {
        structure = this.runs.delete(id) || structure;
        continue;
      }
      this.runs.set(id, after);
      const moved = !before || before.experiment !== after.experiment || before.startTime !== after.startTime
        || (MERGED_INTO_TAG in before.tags) !== (MERGED_INTO_TAG in after.tags);
      if (moved) structure = true;
      else changed.push(after);
    }
    this.dirty.clear();
    return { changed, structure };
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  get size(): number {
    return this.runs.size;
  }

  /** Experiments ordered by their newest run, runs newest first. */
  experiments(): ExperimentGroup[] {
    const groups = new Map<string, RunRecord[]>();
    // A terminal run merged into a client run of the same process is shown as that one run.
    const sorted = [...this.runs.values()].filter((r) => !(MERGED_INTO_TAG in r.tags)).sort((a, b) => b.startTime.localeCompare(a.startTime) || b.id.localeCompare(a.id));
    for (const run of sorted) {
      const list = groups.get(run.experiment);
      if (list) list.push(run);
      else groups.set(run.experiment, [run]);
    }
    return [...groups].map(([name, runs]) => ({ name, runs }));
  }
}
