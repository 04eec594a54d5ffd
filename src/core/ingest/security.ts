import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { HttpError } from './httpError';

/** A fresh per-start token: 256 random bits, hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Refuses requests whose Host is not this endpoint's loopback address: a web page that
 * rebinds its DNS name to 127.0.0.1 still sends its own name as Host.
 */
export function checkHost(req: http.IncomingMessage, port: number): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    throw new HttpError(403, 'PERMISSION_DENIED', `Host ${JSON.stringify(req.headers.host ?? '')} is not this endpoint (127.0.0.1:${port}).`);
  }
}

/** Every request carries `Authorization: Bearer <token>`; compared in constant time. */
export function checkToken(req: http.IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'UNAUTHENTICATED', 'Missing "Authorization: Bearer <token>" header (the token is in .mlwb/endpoint.json).');
  // Hashing both sides gives equal lengths, which timingSafeEqual needs, without leaking the length.
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  if (!timingSafeEqual(given, expected)) throw new HttpError(401, 'UNAUTHENTICATED', 'Wrong token for this endpoint.');
}

/** POST/PATCH bodies are JSON, except on routes that take raw bytes (artifact uploads use PUT). */
export function checkJsonContentType(req: http.IncomingMessage): void {
  if (req.method !== 'POST' && req.method !== 'PATCH') return;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `${req.method} bodies must be application/json, not ${JSON.stringify(type || 'none')}.`);
  }
}
