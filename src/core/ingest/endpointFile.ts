import * as fs from 'node:fs';
import * as path from 'node:path';

/** `.mlwb/endpoint.json`: how local clients find the long-lived endpoint (mode 0600: it holds the token). */
export interface EndpointInfo {
  url: string;
  port: number;
  token: string;
  pid: number;
  startedAt: string;
}

export type EndpointFileState =
  | { state: 'missing'; file: string }
  | { state: 'live'; file: string; endpoint: EndpointInfo }
  | { state: 'stale'; file: string; endpoint?: EndpointInfo; reason: string };

export const ENDPOINT_FILE = 'endpoint.json';

export function endpointFilePath(storeDir: string): string {
  return path.join(storeDir, ENDPOINT_FILE);
}

/** Writes the file atomically (temp file + rename), readable by the user only. */
export function writeEndpointFile(storeDir: string, info: EndpointInfo): string {
  const file = endpointFilePath(storeDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}

/** Removes the file if it still describes the endpoint with `token` (another may have taken over). */
export function removeEndpointFile(storeDir: string, token: string): void {
  const file = endpointFilePath(storeDir);
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EndpointInfo>;
    if (info.token === token) fs.rmSync(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

/**
 * Reads the endpoint file and says whether it can be used: `stale` when its process is gone,
 * its endpoint does not answer `/health` with its token, or the file is damaged.
 */
export async function readEndpointFile(storeDir: string, timeoutMs = 1000): Promise<EndpointFileState> {
  const file = endpointFilePath(storeDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { state: 'missing', file };
  }
  let endpoint: EndpointInfo;
  try {
    endpoint = JSON.parse(text) as EndpointInfo;
    if (typeof endpoint.url !== 'string' || typeof endpoint.token !== 'string' || typeof endpoint.pid !== 'number') throw new Error('fields missing');
  } catch (err) {
    return { state: 'stale', file, reason: `the file is damaged (${(err as Error).message})` };
  }
  if (!processExists(endpoint.pid)) return { state: 'stale', file, endpoint, reason: `process ${endpoint.pid} is gone` };
  try {
    const res = await fetch(`${endpoint.url}/api/mlwb/v1/health`, {
      headers: { authorization: `Bearer ${endpoint.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { state: 'stale', file, endpoint, reason: `${endpoint.url} answered ${res.status}` };
  } catch (err) {
    return { state: 'stale', file, endpoint, reason: `${endpoint.url} does not answer (${(err as Error).message})` };
  }
  return { state: 'live', file, endpoint };
}

/** Whether a process with this id exists (on this machine; EPERM: it belongs to another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
