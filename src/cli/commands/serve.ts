import { parseArgs } from 'node:util';
import { patternsFromEnv } from '../../core/capture/outputMetrics';
import { MlwbError } from '../../core/errors';
import { startEndpoint } from '../../core/ingest/endpoint';
import { endpointFilePath, readEndpointFile } from '../../core/ingest/endpointFile';
import { type Command, openStore } from '../context';

/**
 * `mlwb serve [--port P]`: the tracking endpoint in the foreground. The first stdout line is
 * the URL (scripts read it); the endpoint file is written before it is printed.
 */
export const serveCommand: Command = async (args, ctx) => {
  let values: { port?: string };
  try {
    ({ values } = parseArgs({ args, options: { port: { type: 'string', short: 'p' } }, strict: true }));
  } catch (err) {
    throw new MlwbError((err as Error).message, 'Usage: mlwb serve [--port P]', 2);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new MlwbError(`--port must be 0 to 65535, not ${values.port}.`, undefined, 2);

  const store = openStore(ctx, true);
  try {
    const existing = await readEndpointFile(store.dir);
    if (existing.state === 'live') {
      throw new MlwbError(`An endpoint already serves this store at ${existing.endpoint.url} (pid ${existing.endpoint.pid}).`, 'Use it, or stop it first.');
    }
    if (existing.state === 'stale') ctx.err(`mlwb serve: replacing a stale endpoint file (${existing.reason}).\n`);
    const endpoint = await startEndpoint(store, {
      port,
      writeEndpointFile: true,
      log: (msg) => ctx.err(`mlwb serve: ${msg}\n`),
      metricPatterns: patternsFromEnv(ctx.env),
    });
    ctx.out(`${endpoint.url}\n`);
    ctx.out(`Serving ${store.dir}; endpoint file (with the token): ${endpointFilePath(store.dir)}\n`);
    ctx.out(`MLflow clients: MLFLOW_TRACKING_URI=${endpoint.url} MLFLOW_TRACKING_TOKEN=<token from the file>. Ctrl-C stops.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await endpoint.close();
    ctx.err('mlwb serve: stopped.\n');
    return 0;
  } finally {
    store.close();
  }
};
