import { badRequest, HttpError } from './httpError';

function invalidPath(message: string): HttpError {
  return new HttpError(400, 'INVALID_PARAMETER_VALUE', `Invalid artifact path: ${message}`);
}

/**
 * Turns the still-encoded path of a URL into a relative artifact path inside the run, or
 * refuses it. Decodes exactly once: anything that still looks encoded afterwards (`%252e`
 * → `%2e`) would be decoded again by someone downstream, so it is refused rather than trusted.
 */
export function decodeArtifactPath(encoded: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    throw invalidPath('bad percent-encoding.');
  }
  if (/%[0-9a-f]{2}/i.test(decoded)) throw invalidPath('it is encoded twice.');
  return checkArtifactPath(decoded);
}

/** Validates a decoded relative path: no `..`/`.` segments, no absolute path, no backslash or NUL. */
export function checkArtifactPath(p: string): string {
  if (p.length === 0) throw invalidPath('it is empty.');
  if (p.length > 1024) throw invalidPath('longer than 1024 characters.');
  if (/[\u0000-\u001f\u007f]/.test(p)) throw invalidPath('control characters (NUL…) are not allowed.');
  if (p.includes('\\')) throw invalidPath('backslashes are not allowed; use "/".');
  if (p.startsWith('/') || /^[a-z]:/i.test(p)) throw invalidPath('it must be relative to the run.');
  const segments = p.split('/');
  for (const s of segments) {
    if (s === '..' || s === '.') throw invalidPath('"." and ".." segments are not allowed.');
    if (s === '') throw invalidPath('empty segments ("//" or a trailing "/") are not allowed.');
  }
  return p;
}

/** An optional directory prefix for listings: "" is the run's root. */
export function checkArtifactDir(p: string | undefined): string {
  if (p === undefined || p === '') return '';
  const trimmed = p.endsWith('/') ? p.slice(0, -1) : p;
  if (trimmed === '') throw badRequest('Invalid artifact path: "/".');
  return checkArtifactPath(trimmed);
}
