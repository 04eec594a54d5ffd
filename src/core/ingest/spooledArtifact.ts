import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tighten } from '../store/privateFiles';
import type { Store } from '../store/store';
import { ArtifactFiles } from './artifactStore';
import { checkArtifactPath } from './artifactPath';
import { optNumber, reqString } from './fields';
import { badRequest } from './httpError';
import { requireRun } from './operations';

/** Where a client that could not reach the endpoint keeps copies of the artifacts it logged. */
export function spooledArtifactsDir(spool: string): string {
  return path.join(spool, 'artifacts');
}

/**
 * Replays `{"op": "artifact", "body": {"path", "file", "sha256", "bytes"}}`: the client copied
 * the file into `spool/artifacts/<file>` and hashed it. The copy is checked against its hash and
 * moved into the content-addressed store; when its content is already stored (an earlier replay
 * moved it), only the run's record is written.
 */
export function spooledArtifactOp(store: Store, spool: string, runId: string, body: Record<string, unknown>): void {
  const artifactPath = checkArtifactPath(reqString(body, 'path'));
  const sha256 = reqString(body, 'sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw badRequest('"sha256" must be 64 hexadecimal characters.');
  const bytes = optNumber(body, 'bytes');
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 0) throw badRequest('"bytes" must be a non-negative integer.');
  const name = reqString(body, 'file');
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) throw badRequest('"file" must be a plain file name inside the spool.');
  requireRun(store, runId);

  const copy = path.join(spooledArtifactsDir(spool), name);
  const dest = new ArtifactFiles(store.dir).blobPath(sha256);
  if (!fs.existsSync(dest)) {
    if (!fs.existsSync(copy)) throw badRequest(`the spooled copy ${name} of artifact ${artifactPath} is missing.`);
    const actual = sha256OfFile(copy);
    if (actual !== sha256) throw badRequest(`the spooled copy of artifact ${artifactPath} does not match its sha256 (damaged spool).`);
    ensurePrivateDir(path.dirname(dest));
    fs.renameSync(copy, dest);
    // The client made the copy; the store's files are owner-only whoever wrote them.
    tighten(dest, PRIVATE_FILE_MODE);
  } else {
    fs.rmSync(copy, { force: true });
  }
  store.addArtifact(runId, { path: artifactPath, sha256, bytes });
}

function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
