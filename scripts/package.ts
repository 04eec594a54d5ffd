// `npm run package [-- --electron <version>]`: a platform-specific VSIX for linux-x64.
//
// The VSIX carries a better-sqlite3 compiled for the extension host that loads it: code-server's
// Node 24 by default; with --electron, the Electron of a VS Code desktop (Help → About shows its
// version; compiling for it downloads Electron's headers from electronjs.org, so it needs
// internet access). Runtime modules are staged under dist/node_modules, where Node's resolution
// from dist/extension.js finds them, so the repository's node_modules keeps the system Node's
// build for the unit tests and the CLI.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { run, step } from './lib/exec';
import { betterSqliteFor, CODE_SERVER_HOST, type HostRuntime } from './lib/nativeBuild';
import { REPO, vsixPath, vsixStage } from './lib/paths';

const TARGET = 'linux-x64';

export async function packageExtension(host: HostRuntime = CODE_SERVER_HOST): Promise<string> {
  await step('building the bundles (production)', () => run(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO }));
  const sqlite = await betterSqliteFor(host);
  await step('staging the extension', async () => stage(sqlite));
  const out = vsixPath(TARGET);
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const flags = ['package', '--target', TARGET, '--out', out, '--no-dependencies', '--allow-missing-repository',
    '--no-rewrite-relative-links', '--no-update-package-json', '--no-git-tag-version'];
  if (!existsSync(path.join(vsixStage, 'LICENSE'))) flags.push('--skip-license');
  await step(`vsce package --target ${TARGET}`, () => run(process.execPath, [vsce, ...flags], { cwd: vsixStage }));
  console.log(`VSIX: ${path.relative(process.cwd(), out)} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB, ${host.kind} ${host.version})`);
  return out;
}

/** Copies what the VSIX may contain into the stage; .vscodeignore (from `**`) picks the files. */
function stage(sqliteDir: string): void {
  rmSync(vsixStage, { recursive: true, force: true });
  mkdirSync(vsixStage, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'dist', 'media', 'python']) {
    const from = path.join(REPO, entry);
    if (existsSync(from)) cpSync(from, path.join(vsixStage, entry), { recursive: true, filter: (p) => !p.includes('__pycache__') });
  }
  const modules = path.join(vsixStage, 'dist', 'node_modules');
  rmSync(path.join(vsixStage, 'dist', 'cli.js'), { force: true });
  const copyModule = (name: string, from = path.join(REPO, 'node_modules', name)) =>
    cpSync(from, path.join(modules, name), { recursive: true });
  copyModule('better-sqlite3', sqliteDir);
  for (const name of ['bindings', 'file-uri-to-path', 'onnxruntime-common']) copyModule(name);
  // onnxruntime-node holds every platform's binaries (~290 MB): only this target's travel.
  const ort = path.join(REPO, 'node_modules', 'onnxruntime-node');
  for (const part of ['package.json', 'dist']) cpSync(path.join(ort, part), path.join(modules, 'onnxruntime-node', part), { recursive: true });
  cpSync(path.join(ort, 'bin', 'napi-v6', 'linux', 'x64'), path.join(modules, 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64'), { recursive: true });
  const stray = readdirSync(modules).filter((m) => !['better-sqlite3', 'bindings', 'file-uri-to-path', 'onnxruntime-common', 'onnxruntime-node'].includes(m));
  if (stray.length) throw new Error(`unexpected modules staged: ${stray.join(', ')}`);
}

function parseHost(argv: string[]): HostRuntime {
  const i = argv.indexOf('--electron');
  if (i < 0) return CODE_SERVER_HOST;
  const version = argv[i + 1];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error('--electron needs the Electron version of your VS Code (Help → About), e.g. --electron 37.3.1');
  }
  return { kind: 'electron', version };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO, 'scripts', 'package.ts')) {
  packageExtension(parseHost(process.argv.slice(2))).catch((err: unknown) => {
    console.error(`package: ${(err as Error).message}`);
    process.exit(1);
  });
}
