// A script run in a terminal that also uses the Python client (or MLflow) would be two runs:
// the terminal's, with the command line, output and exit code, and the client's, with the
// metrics it logged. They become one: the client's run, completed with what only the terminal saw.
import type { Store } from '../store/store';
import type { MetricPoint, RunStatus } from '../store/types';

/** Tag set on a terminal run once a client run of the same process is known; views hide such runs. */
export const MERGED_INTO_TAG = 'mlwb.mergedInto';

/** Does a run created by a client belong to this terminal command (same folder, same script)? */
export function sameProcessCommand(terminal: readonly string[], client: readonly string[]): boolean {
  const norm = (argv: readonly string[]) => argv.slice(1).join('\u0000');
  return terminal.length > 0 && client.length > 0 && norm(terminal) === norm(client);
}

/**
 * Moves into `into` what it lacks from `from` (params, tags, git, environment, logs, metric series
 * the client did not log), applies the terminal's exit code, and deletes `from`. One transaction.
 */
export function mergeRunInto(store: Store, from: string, into: string, terminalStatus: RunStatus, exitCode: number | null): void {
  const source = store.getRun(from);
  const target = store.getRun(into);
  if (!source || !target) return;
  store.transaction(() => {
    const params = Object.fromEntries(Object.entries(source.params).filter(([k]) => !Object.hasOwn(target.params, k)));
    if (Object.keys(params).length) store.logParams(into, params);
    const tags = Object.fromEntries(Object.entries(source.tags).filter(([k]) => !Object.hasOwn(target.tags, k) && k !== MERGED_INTO_TAG));
    if (Object.keys(tags).length) store.setTags(into, tags);
    const git = store.getGit(from);
    if (git && !target.git && !target.gitNote) store.setGit(into, git.git, git.note);
    if (source.env && !target.env) store.setEnv(into, source.env);
    for (const stream of ['stdout', 'stderr'] as const) {
      const log = store.getLog(from, stream);
      if (log && !store.getLog(into, stream)) store.setLog(into, log);
    }
    for (const key of Object.keys(source.metrics)) {
      if (Object.hasOwn(target.metrics, key)) continue;
      const series = store.readMetric(from, key);
      if (!series) continue;
      const points: MetricPoint[] = [];
      for (let i = 0; i < series.values.length; i++) {
        points.push({ key, value: series.values[i], step: series.steps[i], timestamp: series.timestamps[i] });
      }
      store.logMetrics(into, points);
    }
    // The client ends its run itself; the terminal knows the exit code, and a crash the client never reported.
    const after = store.getRun(into)!;
    if (after.status === 'running') store.finishRun(into, terminalStatus, exitCode);
    else store.finishRun(into, after.status, exitCode, after.endTime ? Date.parse(after.endTime) : Date.now());
    store.deleteRuns([from]);
  });
}
