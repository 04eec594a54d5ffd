import type * as http from 'node:http';
import { HttpError } from './httpError';

export const DEFAULT_JSON_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_ARTIFACT_LIMIT = 4 * 1024 * 1024 * 1024;

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes; split it into smaller requests.`);
}

/** Refuses up front when Content-Length already says the body is too big. */
export function checkDeclaredLength(req: http.IncomingMessage, limit: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
}

/** Reads the whole body, refusing it as soon as it passes `limit` bytes. */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/** Reads and parses a JSON object body. */
export async function readJsonObject(req: http.IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'MALFORMED_REQUEST', `Malformed JSON body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'MALFORMED_REQUEST', 'The JSON body must be an object.');
  }
  return value as Record<string, unknown>;
}
