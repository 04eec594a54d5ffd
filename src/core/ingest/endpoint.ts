import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlwbError } from '../errors';
import { HEARTBEAT_MS } from '../store/liveness';
import type { Store } from '../store/store';
import { ArtifactFiles } from './artifactStore';
import { DEFAULT_ARTIFACT_LIMIT, DEFAULT_JSON_LIMIT, discardBody, readJsonObject } from './body';
import { removeEndpointFile, writeEndpointFile } from './endpointFile';
import { familyOf, HttpError, sendError, sendJson } from './httpError';
import { MLFLOW_ROUTES } from './mlflow/routes';
import { NATIVE_ROUTES } from './native';
import { HistoryFormatter } from './mlflow/historyFormatter';
import { OutputIngest } from './output';
import { matchRoute, RESPONDED, type EndpointContext } from './route';
import { checkHost, checkJsonContentType, checkToken, newToken } from './security';
import { replaySpool } from './spool';

/** Records that a run was heard from, at most once per run every few seconds (a write each time would cost every batch). */
function heartbeats(store: Store): (runId: string) => void {
  const last = new Map<string, number>();
  return (runId) => {
    const now = Date.now();
    if (now - (last.get(runId) ?? 0) < HEARTBEAT_MS / 6) return;
    last.set(runId, now);
    try {
      store.touchRun(runId, now);
    } catch {
      // Busy: the next request tries again; liveness is judged over minutes.
    }
  };
}

export interface EndpointOptions {
  port?: number;
  /** Tried first when `port` is not given (the port of this store's previous endpoint); any free port if taken. */
  preferredPort?: number;
  token?: string;
  writeEndpointFile?: boolean;
  log?: (msg: string) => void;
  /** Body size limits in bytes (defaults: 16 MiB of JSON, 4 GiB per artifact). */
  limits?: { jsonBytes?: number; artifactBytes?: number };
  /** Output metric patterns for the `output` route (as MLWB_METRIC_PATTERNS). */
  metricPatterns?: string[];
}

export interface Endpoint {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const ROUTES = [...NATIVE_ROUTES, ...MLFLOW_ROUTES];

/**
 * Starts the local tracking endpoint on 127.0.0.1: the native API and the MLflow tracking REST
 * API over one store. The spool left by clients while no endpoint was up is replayed first.
 */
export async function startEndpoint(store: Store, options: EndpointOptions = {}): Promise<Endpoint> {
  const log = options.log ?? (() => undefined);
  const token = options.token ?? newToken();
  const ctx: EndpointContext = {
    store,
    artifacts: new ArtifactFiles(store.dir),
    output: new OutputIngest(options.metricPatterns),
    history: new HistoryFormatter(),
    limits: { jsonBytes: options.limits?.jsonBytes ?? DEFAULT_JSON_LIMIT, artifactBytes: options.limits?.artifactBytes ?? DEFAULT_ARTIFACT_LIMIT },
    log,
    seen: heartbeats(store),
  };
  const replay = replaySpool(store);
  if (replay.busy) log(`spool: ${replay.busy.pid ? `process ${replay.busy.pid}` : 'another process'} is replaying it; not replayed here`);
  if (replay.files > 0) log(`spool: replayed ${replay.applied} operation(s) from ${replay.files} file(s), ${replay.duplicates} already stored`);
  if (replay.torn > 0) log(`spool: skipped ${replay.torn} last line(s) cut off when their writer was killed mid-write`);
  for (const problem of replay.problems) log(`spool: ${problem}`);
  // After the replay (a replayed run whose client died is judged with all its data in), and then
  // regularly: a long-lived endpoint (the extension, `mlwb serve`) keeps the Runs view truthful.
  const sweep = () => {
    const crashed = store.sweepCrashedRuns();
    if (crashed.length) log(`marked ${crashed.length} run(s) crashed, their process gone: ${crashed.map((id) => id.slice(0, 8)).join(', ')}`);
  };
  sweep();
  const sweeper = setInterval(sweep, HEARTBEAT_MS);
  sweeper.unref();

  let port = 0;
  const server = http.createServer((req, res) => void handle(req, res));
  server.headersTimeout = 30_000;
  // Artifact uploads can be large and slow: no overall request timeout, only the header one.
  server.requestTimeout = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    // The path stays percent-encoded: URL parsing would resolve `..` and `%2e%2e` before we could refuse them.
    const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const family = familyOf(pathname);
    try {
      checkHost(req, port);
      checkToken(req, token);
      const match = matchRoute(ROUTES, req.method ?? '', pathname);
      if (match === 'wrong-method') throw new HttpError(405, 'ENDPOINT_NOT_FOUND', `${req.method} is not supported on ${pathname}.`);
      if (!match) throw new HttpError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${req.method} ${pathname}.`);
      if (!match.route.raw) checkJsonContentType(req);
      const result = await match.route.handle({
        req, res, ctx, params: match.params,
        query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
        body: () => readJsonObject(req, ctx.limits.jsonBytes),
      });
      if (result !== RESPONDED) sendJson(res, 200, result);
    } catch (err) {
      // Answer an authenticated client once it has sent its whole body (it reads nothing before
      // that); a request refused by Host or token is not worth reading.
      const unauthenticated = err instanceof HttpError && (err.status === 401 || err.status === 403);
      if (unauthenticated || !(await discardBody(req))) res.setHeader('Connection', 'close');
      if (err instanceof HttpError) {
        sendError(res, family, err);
      } else if (err instanceof MlwbError) {
        sendError(res, family, new HttpError(400, 'INVALID_PARAMETER_VALUE', err.message));
      } else if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        // The run was deleted between the request's check and its write (`runs rm --force`).
        sendError(res, family, new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', 'The run no longer exists: it was deleted from the store.'));
      } else {
        log(`internal error on ${req.method} ${pathname}: ${(err as Error).stack ?? String(err)}`);
        sendError(res, family, new HttpError(500, 'INTERNAL_ERROR', `Internal error: ${(err as Error).message}`));
      }
    }
  }

  const listen = (p: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.port === undefined && options.preferredPort) {
    // Terminals opened before a restart still name the old port: keep it when it is free.
    await listen(options.preferredPort).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
      log(`port ${options.preferredPort} is taken; listening on another one`);
      await listen(0);
    });
  } else {
    await listen(options.port ?? 0);
  }
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  if (options.writeEndpointFile) writeEndpointFile(store.dir, { url, port, token, pid: process.pid, startedAt: new Date().toISOString() });

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    close: () => (closed ??= new Promise<void>((resolve) => {
      clearInterval(sweeper);
      if (options.writeEndpointFile) removeEndpointFile(store.dir, token);
      ctx.output.finishAll(store);
      // Requests in flight get a moment to finish (their data was acknowledged or not yet); then go.
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      server.close(() => {
        clearTimeout(force);
        void ctx.history.close().then(resolve);
      });
      server.closeIdleConnections();
    })),
  };
}
