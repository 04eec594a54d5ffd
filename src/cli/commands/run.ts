import { StringDecoder } from 'node:string_decoder';
import { patternsFromEnv } from '../../core/capture/outputMetrics';
import { withUserPath } from '../../core/capture/npmPath';
import { RunRecorder } from '../../core/capture/runRecorder';
import { runScript, type ScriptResult, STOP_SIGNALS } from '../../core/capture/scriptRunner';
import { MlwbError } from '../../core/errors';
import { startEndpoint } from '../../core/ingest/endpoint';
import type { Store } from '../../core/store/store';
import { type CliContext, type Command, withStore } from '../context';
import { formatDuration } from '../../core/live/runSummary';
import { visible } from '../terminalText';

export interface TrackOptions {
  command: string[];
  cwd: string;
  name?: string;
  experiment?: string;
  tags: Record<string, string>;
  data: string[];
  metricPatterns: string[];
}

/** Custom metric patterns a run was parsed with, kept so `runs reproduce` parses its output the same way. */
export const METRIC_PATTERNS_TAG = 'mlwb.metric_patterns';

const USAGE_HINT = 'Usage: mlwb run [--name N] [--experiment E] [--tag k=v]… [--data PATH]… [--metric-pattern RE]… -- CMD [ARGS…]';

export const runCommand: Command = async (args, ctx) => {
  const options = parseRunArgs(args, ctx.cwd);
  options.metricPatterns.unshift(...patternsFromEnv(ctx.env));
  return withStore(ctx, true, async (store) => (await trackCommand(store, ctx, options)).processExitCode);
};

/**
 * The environment a tracked command runs with: the caller's, plus what lets a client inside it
 * attach to this run — the mlwb client's variables and MLflow's (MLFLOW_RUN_ID makes
 * `mlflow.start_run()` resume this run instead of creating a second one). Python output is
 * unbuffered so the terminal and the live metrics keep up.
 */
export function childEnv(base: NodeJS.ProcessEnv, run: { id: string; storeDir: string }, endpoint: { url: string; token: string }): NodeJS.ProcessEnv {
  return {
    ...base,
    PYTHONUNBUFFERED: base.PYTHONUNBUFFERED ?? '1',
    MLWB_RUN_ID: run.id,
    MLWB_STORE: run.storeDir,
    MLWB_ENDPOINT: endpoint.url,
    MLWB_TOKEN: endpoint.token,
    MLFLOW_TRACKING_URI: endpoint.url,
    MLFLOW_TRACKING_TOKEN: endpoint.token,
    MLFLOW_RUN_ID: run.id,
  };
}

/** Runs a command as a tracked run: output tee'd to the terminal and recorded, status from its exit. */
export async function trackCommand(store: Store, ctx: CliContext, options: TrackOptions): Promise<ScriptResult & { runId: string }> {
  // Under `npx mlwb`, the command is found (and runs) with the PATH the user's shell had.
  const env = withUserPath(ctx.env);
  const tags = options.metricPatterns.length
    ? { ...options.tags, [METRIC_PATTERNS_TAG]: JSON.stringify(options.metricPatterns) }
    : options.tags;
  const recorder = await RunRecorder.start(store, {
    ...options,
    tags,
    source: 'script',
    env,
    onNote: (message) => ctx.err(`mlwb: warning: ${visible(message)}\n`),
    onProgress: (message) => ctx.err(`mlwb: ${visible(message)} (Ctrl-C skips)\n`),
  });
  const short = recorder.id.slice(0, 8);
  ctx.err(`mlwb: run ${short} "${visible(recorder.name)}" (experiment ${visible(recorder.experiment)})\n`);
  // An endpoint on this store for the child's lifetime: clients and MLflow code inside it log here.
  const endpoint = await startEndpoint(store, { log: (message) => ctx.err(`mlwb: ${message}\n`) });
  const started = Date.now();
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const result = await runScript({
    command: options.command,
    cwd: options.cwd,
    env: childEnv(env, { id: recorder.id, storeDir: store.dir }, endpoint),
    onOutput: (stream, chunk) => {
      const text = decoders[stream].write(chunk);
      if (text) (stream === 'stdout' ? ctx.out : ctx.err)(text);
      recorder.output(stream, chunk);
    },
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const rest = decoders[stream].end();
    if (rest) (stream === 'stdout' ? ctx.out : ctx.err)(rest);
  }
  if (result.startError) recorder.output('stderr', `mlwb: ${result.startError}\n`);
  // The child is gone; another Ctrl-C now would only leave the run half-saved, so it waits —
  // except for hashing big data files, which it cuts short (the data record says so).
  const skipHashing = new AbortController();
  const ignore = () => {
    skipHashing.abort();
    ctx.err('mlwb: saving the run…\n');
  };
  for (const s of STOP_SIGNALS) process.on(s, ignore);
  try {
    await endpoint.close();
    await recorder.finish(result.status, result.exitCode, { stop: skipHashing.signal });
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, ignore);
  }
  const took = formatDuration(Date.now() - started);
  const how = result.startError ?? (result.stoppedBy ? `stopped by ${result.stoppedBy}` : `exit ${result.exitCode}`);
  ctx.err(`mlwb: run ${short} ${result.status} (${visible(how)}) after ${took}; details: mlwb runs show ${short}\n`);
  return { ...result, runId: recorder.id };
}

/** Options up to `--` or the first argument that is not an option; the rest is the command. */
export function parseRunArgs(args: string[], cwd: string): TrackOptions {
  const options: TrackOptions = { command: [], cwd, tags: {}, data: [], metricPatterns: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const flag = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    const value = () => {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new MlwbError(`${flag} needs a value.`, USAGE_HINT, 2);
      return v;
    };
    if (flag === '--name') options.name = value();
    else if (flag === '--experiment') options.experiment = value();
    else if (flag === '--data') options.data.push(value());
    else if (flag === '--metric-pattern') options.metricPatterns.push(value());
    else if (flag === '--tag') {
      const tag = value();
      const sep = tag.indexOf('=');
      if (sep <= 0) throw new MlwbError(`--tag takes key=value, not "${tag}".`, undefined, 2);
      options.tags[tag.slice(0, sep)] = tag.slice(sep + 1);
    } else throw new MlwbError(`Unknown option ${flag} for mlwb run.`, `Put the command after --. ${USAGE_HINT}`, 2);
  }
  options.command = args.slice(i);
  if (options.command.length === 0) throw new MlwbError('mlwb run needs a command to run.', USAGE_HINT, 2);
  return options;
}
