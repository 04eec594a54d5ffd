import * as path from 'node:path';

/**
 * The user's PATH as it was before npm changed it. `npx mlwb …` and `npm run …` put their own
 * folders first: the Node binary's folder (often `/usr/bin`, which holds the system `python3`),
 * `node_modules/.bin` of every folder up to the root, and npm's `node-gyp-bin`. A tracked
 * command must find the `python3` the user's shell finds (a venv's, pyenv's), so the folders npm
 * added are removed again — only when npm's own variables say npm started us.
 */
export function userPath(env: NodeJS.ProcessEnv): string | undefined {
  const current = env.PATH;
  if (current === undefined || !startedByNpm(env)) return current;
  const dirs = current.split(path.delimiter);
  // npm's prefix always ends with its node-gyp-bin folder; nested npm calls add one prefix each.
  const lastGypBin = dirs.map(isNodeGypBin).lastIndexOf(true);
  if (lastGypBin >= 0) return dirs.slice(lastGypBin + 1).join(path.delimiter);
  // Other npm versions: drop the leading run of folders that only npm puts there.
  const nodeDir = env.npm_node_execpath ? path.dirname(env.npm_node_execpath) : undefined;
  let start = 0;
  while (start < dirs.length && (isNodeModulesBin(dirs[start]) || dirs[start] === nodeDir)) start++;
  // The Node folder may also be the user's own first entry; only a prefix with .bin folders is npm's.
  return dirs.slice(0, start).some(isNodeModulesBin) ? dirs.slice(start).join(path.delimiter) : current;
}

/** `env` with PATH restored to the user's (see `userPath`). */
export function withUserPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const PATH = userPath(env);
  return PATH === env.PATH ? env : { ...env, PATH };
}

function startedByNpm(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.npm_execpath || env.npm_lifecycle_event || env.npm_command);
}

function isNodeGypBin(dir: string): boolean {
  return path.basename(dir) === 'node-gyp-bin' && dir.includes(`${path.sep}node_modules${path.sep}`);
}

function isNodeModulesBin(dir: string): boolean {
  return dir.endsWith(`${path.sep}node_modules${path.sep}.bin`);
}
