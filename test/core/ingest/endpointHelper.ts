import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { startEndpoint, type Endpoint, type EndpointOptions } from '../../../src/core/ingest/endpoint';
import { Store } from '../../../src/core/store/store';

const started: { endpoint: Endpoint; store: Store; root: string }[] = [];

// Registered at load, on the file's root: hooks registered inside a suite's `before` would run too early.
after(async () => {
  for (const s of started) {
    await s.endpoint.close();
    s.store.close();
    fs.rmSync(s.root, { recursive: true, force: true });
  }
});

/** A real endpoint on 127.0.0.1 over a fresh store, closed when the test file ends. */
export async function startTestEndpoint(options: EndpointOptions = {}): Promise<{ store: Store; endpoint: Endpoint; root: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-endpoint-'));
  const store = Store.open({ cwd: root, create: true });
  const endpoint = await startEndpoint(store, options);
  started.push({ endpoint, store, root });
  return { store, endpoint, root };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

/**
 * An HTTP request sent exactly as written: unlike fetch, node:http does not normalise `..`
 * or `%2e%2e` in the path, and lets a test send any Host header.
 */
export function rawRequest(endpoint: Endpoint, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; auth?: boolean } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { host: `127.0.0.1:${endpoint.port}`, ...options.headers };
  if (options.auth !== false && !('authorization' in headers)) headers.authorization = `Bearer ${endpoint.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: endpoint.port, method, path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** fetch with the token and JSON; returns status and parsed body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON answers field by field
export async function api(endpoint: Endpoint, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(endpoint.url + path, {
    method,
    headers: { authorization: `Bearer ${endpoint.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
