// better-sqlite3 compiled for the extension host that will load it. node_modules keeps the
// system Node's build (unit tests, CLI); this builds a staging copy, cached per runtime/version.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { run, step } from './exec';
import { ensureNode24, node24Env } from './node24';
import { CACHE, node24Bin, node24Dir, NODE24_VERSION, REPO } from './paths';

export type HostRuntime = { kind: 'node'; version: string } | { kind: 'electron'; version: string };

/** code-server's extension host here: Node 24. */
export const CODE_SERVER_HOST: HostRuntime = { kind: 'node', version: NODE24_VERSION };

/** Builds (once per runtime) and returns the folder of a better-sqlite3 package built for `host`. */
export async function betterSqliteFor(host: HostRuntime): Promise<string> {
  const src = path.join(REPO, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(path.join(src, 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(CACHE, 'native', `better-sqlite3-${version}-${host.kind}-${host.version}`);
  const binary = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binary)) return dir;
  if (host.kind === 'node') await ensureNode24();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(path.join(src, part), path.join(dir, part), { recursive: true });
  const args = [nodeGypScript(), 'rebuild', '--release', '--jobs=max'];
  if (host.kind === 'node') {
    // Node 24's npm package carries include/node: no header download.
    args.push(`--target=${host.version}`, `--nodedir=${node24Dir}`);
  } else {
    // Electron's headers come from electronjs.org: this needs internet access.
    args.push(`--target=${host.version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers');
  }
  await step(`compiling better-sqlite3 ${version} for ${host.kind} ${host.version} (about 2 minutes, once)`, () =>
    run(host.kind === 'node' ? node24Bin : process.execPath, args, {
      cwd: dir, env: { ...node24Env(), npm_config_nodedir: host.kind === 'node' ? node24Dir : '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }));
  if (!existsSync(binary)) throw new Error(`node-gyp produced no ${binary}`);
  return dir;
}

/** npm's own node-gyp: present wherever npm is, so nothing is fetched. */
function nodeGypScript(): string {
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const script = path.join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(script)) throw new Error(`npm's node-gyp not found at ${script}`);
  return script;
}
