import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { HttpError } from './httpError';
import { tooLarge } from './body';
import { ensurePrivateDir } from '../store/privateFiles';

/**
 * Content-addressed artifact files: `<store>/artifacts/sha256/ab/cdef…`. Uploads stream into
 * a temporary file while hashing, then are renamed into place, so a file is either whole
 * under its hash or absent; identical files are stored once.
 */
export class ArtifactFiles {
  private readonly root: string;
  private readonly tmpDir: string;

  constructor(storeDir: string) {
    this.root = path.join(storeDir, 'artifacts', 'sha256');
    this.tmpDir = path.join(storeDir, 'artifacts', 'tmp');
  }

  blobPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  /** Streams `source` into the store, refusing it past `limit` bytes. */
  async put(source: Readable, limit: number): Promise<{ sha256: string; bytes: number }> {
    ensurePrivateDir(this.tmpDir);
    const tmp = path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limit) throw tooLarge(limit);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const sha256 = hash.digest('hex');
      const dest = this.blobPath(sha256);
      ensurePrivateDir(path.dirname(dest));
      if (fs.existsSync(dest)) fs.rmSync(tmp);
      else fs.renameSync(tmp, dest);
      return { sha256, bytes };
    } catch (err) {
      out.destroy();
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /**
   * The file holding `sha256`, after checking that it is a regular file inside the store:
   * a symlink planted in the store (or a linked folder) never lets a download read elsewhere.
   */
  openable(sha256: string): string {
    const file = this.blobPath(sha256);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(file);
    } catch {
      throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `Artifact content ${sha256} is missing from the store.`);
    }
    if (!stat.isFile()) throw new HttpError(400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path: the stored file is a symlink or not a regular file.');
    const realRoot = fs.realpathSync(this.root);
    if (path.relative(realRoot, fs.realpathSync(file)).startsWith('..')) {
      throw new HttpError(400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path: it resolves outside the artifact store.');
    }
    return file;
  }
}
