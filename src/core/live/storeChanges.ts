// Change notifications for the run store, without re-reading tables on a timer.
//
// Writes made in this process (the extension's endpoint, its terminal recorder) go through one
// Store object: wrapping it tells exactly which run changed, the moment it changes. Writes from
// other processes (`mlwb run` in a terminal, a second window) cannot be seen that way; SQLite's
// `PRAGMA data_version` changes exactly when another connection has committed, and costs no table
// read, so it is checked when the WAL file changes (fs.watch) and, as a fallback for file
// systems without change events, on a slow tick.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../store/store';

export type StoreChange =
  | { kind: 'run'; runId: string }
  | { kind: 'deleted'; runIds: readonly string[] }
  /** Another process wrote: which runs is unknown. */
  | { kind: 'external' };

/** Store methods that write one run; their first argument is the run id. */
const RUN_WRITES = new Set(['finishRun', 'touchRun', 'updateRun', 'renameRun', 'setNotes', 'logParams', 'setTags', 'deleteTag', 'logMetrics',
  'setGit', 'setEnv', 'addDataset', 'addArtifact', 'setLog', 'appendLog']);
/** MetricStore methods that write one run's series (the endpoint's batch path calls them directly). */
const METRIC_WRITES = new Set(['append', 'appendSeries']);

/**
 * Wraps `target` so that calling one of `writes` reports the run named by its first argument.
 * The call runs on `target` itself: a write made of other writes (logMetrics → append →
 * appendSeries) is reported once.
 */
function reportingRunWrites<T extends object>(target: T, writes: ReadonlySet<string>, onChange: (change: StoreChange) => void): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof prop !== 'string' || typeof value !== 'function' || !writes.has(prop)) return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(t, args);
        if (typeof args[0] === 'string') onChange({ kind: 'run', runId: args[0] });
        return result;
      };
    },
  });
}

/** A Store that reports its own writes; give it to everything in this process that writes. */
export function observeStore(store: Store, onChange: (change: StoreChange) => void): Store {
  const metrics = reportingRunWrites(store.metrics, METRIC_WRITES, onChange);
  return new Proxy(reportingRunWrites(store, RUN_WRITES, onChange), {
    get(target, prop) {
      if (prop === 'metrics') return metrics;
      if (prop === 'createRun') {
        return (...args: Parameters<Store['createRun']>) => {
          const id = store.createRun(...args);
          onChange({ kind: 'run', runId: id });
          return id;
        };
      }
      if (prop === 'sweepCrashedRuns') {
        return (...args: Parameters<Store['sweepCrashedRuns']>) => {
          const ids = store.sweepCrashedRuns(...args);
          for (const runId of ids) onChange({ kind: 'run', runId });
          return ids;
        };
      }
      if (prop === 'deleteRuns') {
        return (ids: readonly string[]) => {
          store.deleteRuns(ids);
          onChange({ kind: 'deleted', runIds: [...ids] });
        };
      }
      return Reflect.get(target, prop) as unknown;
    },
  });
}

export interface ExternalWriteWatcher {
  /** Checks now (cheap): true when another connection committed since the last check. */
  check(): boolean;
  close(): void;
}

const EXTERNAL_COALESCE_MS = 250;

/**
 * Calls `onExternalWrite` when another connection has committed to the store. Writes on `store`'s
 * own connection do not change data_version, so this never echoes this process's writes.
 */
export function watchExternalWrites(store: Store, onExternalWrite: () => void, fallbackMs = 2000): ExternalWriteWatcher {
  const dataVersion = store.db.prepare('PRAGMA data_version').pluck();
  let last = dataVersion.get() as number;
  let closed = false;
  const check = () => {
    if (closed) return false;
    let now: number;
    try {
      now = dataVersion.get() as number;
    } catch {
      return false; // closed underneath us or busy: the next event or tick checks again
    }
    if (now === last) return false;
    last = now;
    onExternalWrite();
    return true;
  };
  let pending: NodeJS.Timeout | undefined;
  const soon = () => {
    // Another process's writes cost a full re-read of the runs (which runs changed is unknown), so
    // its commits — one per logged burst, up to dozens a second — are taken at most this often.
    pending ??= setTimeout(() => {
      pending = undefined;
      check();
    }, EXTERNAL_COALESCE_MS);
  };
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(store.dir, { persistent: false }, (_event, file) => {
      if (file === null || String(file).startsWith(path.basename(store.db.name))) soon();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined; // the tick below still notices
  }
  const tick = setInterval(check, fallbackMs);
  tick.unref();
  return {
    check,
    close() {
      closed = true;
      clearInterval(tick);
      if (pending) clearTimeout(pending);
      watcher?.close();
    },
  };
}
