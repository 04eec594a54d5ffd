import type * as http from 'node:http';
import { HttpError } from './httpError';

export const DEFAULT_JSON_LIMIT = 16 * 1024 * 1024;
export const DEFAULT_ARTIFACT_LIMIT = 4 * 1024 * 1024 * 1024;
/** The most of a refused body the endpoint reads and discards so that its client gets the answer. */
export const DISCARD_LIMIT = 256 * 1024 * 1024;

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes; split it into smaller requests.`);
}

/**
 * Reads and drops what is left of a refused request's body. Clients such as Python's
 * http.client send the whole body before reading the answer: closing the connection on them
 * unread makes them see a reset instead of the error. False when more than `cap` bytes remain
 * (the connection is then closed after the answer).
 */
export function discardBody(req: http.IncomingMessage, cap = DISCARD_LIMIT): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (req.destroyed || Number(req.headers['content-length'] ?? 0) > cap) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    const finish = (whole: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      if (!whole) req.pause();
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onError);
    req.resume();
  });
}

/** Refuses up front when Content-Length already says the body is too big. */
export function checkDeclaredLength(req: http.IncomingMessage, limit: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
}

/**
 * Reads the whole body, refusing it as soon as it passes `limit` bytes. The rest is left
 * unread, not destroyed, so that the endpoint can discard it and answer (`discardBody`).
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.pause();
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    const onClose = () => onError(new Error('the client closed the connection before sending the whole body'));
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
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
