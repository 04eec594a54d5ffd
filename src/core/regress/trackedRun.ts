// Runs a training command as a tracked run, as `mlwb run` does, for tests that re-train: output
// goes to the test's log instead of a terminal, and the run stops when the test is cancelled.
import { StringDecoder } from 'node:string_decoder';
import { RunRecorder } from '../capture/runRecorder';
import { runScript, type ScriptResult } from '../capture/scriptRunner';
import { startEndpoint } from '../ingest/endpoint';
import type { Store } from '../store/store';

export interface TrackedRunOptions {
  command: string[];
  cwd: string;
  name?: string;
  experiment?: string;
  tags: Record<string, string>;
  env: NodeJS.ProcessEnv;
  metricPatterns?: string[];
  signal: AbortSignal;
  /** Whole output lines, as they come. */
  onLine: (line: string) => void;
}

export async function runTracked(store: Store, options: TrackedRunOptions): Promise<ScriptResult & { runId: string }> {
  const recorder = await RunRecorder.start(store, {
    command: options.command,
    cwd: options.cwd,
    name: options.name,
    experiment: options.experiment,
    tags: options.tags,
    source: 'script',
    env: options.env,
    metricPatterns: options.metricPatterns,
    onNote: (message) => options.onLine(`warning: ${message}`),
  });
  const endpoint = await startEndpoint(store, { log: (message) => options.onLine(message) });
  const decoder = new StringDecoder('utf8');
  let partial = '';
  try {
    const result = await runScript({
      command: options.command,
      cwd: options.cwd,
      // What `mlwb run` gives its child (src/cli/commands/run.ts childEnv): clients inside log to this run.
      env: {
        ...options.env,
        PYTHONUNBUFFERED: options.env.PYTHONUNBUFFERED ?? '1',
        MLWB_RUN_ID: recorder.id,
        MLWB_STORE: store.dir,
        MLWB_ENDPOINT: endpoint.url,
        MLWB_TOKEN: endpoint.token,
        MLFLOW_TRACKING_URI: endpoint.url,
        MLFLOW_TRACKING_TOKEN: endpoint.token,
        MLFLOW_RUN_ID: recorder.id,
      },
      signal: options.signal,
      onOutput: (stream, chunk) => {
        recorder.output(stream, chunk);
        const lines = (partial + decoder.write(chunk)).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine(line);
      },
    });
    if (partial) options.onLine(partial);
    if (result.startError) recorder.output('stderr', `mlwb: ${result.startError}\n`);
    await endpoint.close();
    await recorder.finish(result.status, result.exitCode);
    return { ...result, runId: recorder.id };
  } catch (err) {
    await endpoint.close().catch(() => undefined);
    await recorder.finish('failed', null);
    throw err;
  }
}
