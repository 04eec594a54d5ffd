// Paths a test names, resolved against its config file's folder and checked before use.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KindContext } from '../types';

/** The absolute path of `field`'s file; a located error when it does not exist. */
export function existingFile(ctx: KindContext, field: string, relative: string, what: string): string {
  const file = path.resolve(ctx.baseDir, relative);
  if (!fs.existsSync(file)) throw ctx.problem(field, `${what} not found: ${relative} (looked for ${file})`);
  return file;
}

/** The port a kind needs, or a located error saying which core is missing. */
export function required<T>(ctx: KindContext, port: T | undefined, field: string, core: string): T {
  if (!port) throw ctx.problem(field, `this test needs the ${core}, which this build of ML Workbench does not include yet`);
  return port;
}
