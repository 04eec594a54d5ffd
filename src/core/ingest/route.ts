import type * as http from 'node:http';
import type { Store } from '../store/store';
import { badRequest } from './httpError';
import type { ArtifactFiles } from './artifactStore';
import type { HistoryFormatter } from './mlflow/historyFormatter';
import type { OutputIngest } from './output';

/** What the endpoint shares with every handler. */
export interface EndpointContext {
  store: Store;
  artifacts: ArtifactFiles;
  output: OutputIngest;
  /** Formats long metric histories off the endpoint's thread. */
  history: HistoryFormatter;
  limits: { jsonBytes: number; artifactBytes: number };
  /** A client wrote to this run: it is alive (throttled heartbeat, see liveness.ts). */
  seen: (runId: string) => void;
  log: (msg: string) => void;
}

export interface RouteRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The pattern's capture groups, still percent-encoded (artifact paths are decoded by their own rules). */
  params: string[];
  query: URLSearchParams;
  /** Reads the JSON object body (within the JSON size limit). */
  body: () => Promise<Record<string, unknown>>;
  ctx: EndpointContext;
}

/** Returned by a handler that wrote its own response (a streamed download). */
export const RESPONDED = Symbol('responded');

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  /** Takes raw bytes rather than JSON (artifact uploads). */
  raw?: boolean;
  handle: (r: RouteRequest) => Promise<unknown> | unknown;
}

export function matchRoute(routes: readonly Route[], method: string, pathname: string): { route: Route; params: string[] } | 'wrong-method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1) };
    pathMatched = true;
  }
  return pathMatched ? 'wrong-method' : undefined;
}

/** A path segment decoded once; bad percent-encoding (`%ZZ`) is the client's error, a 400. */
export function decodePathParam(encoded: string, what: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw badRequest(`Bad percent-encoding in the ${what}: ${JSON.stringify(encoded.slice(0, 80))}.`);
  }
}
