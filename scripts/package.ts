// `npm run package`: a platform-specific VSIX for linux-x64.
//
// One VSIX serves every extension host — VS Code desktop (Electron), VS Code Server and
// code-server — since better-sqlite3 13 and onnxruntime-node are Node-API modules: their
// prebuilt binaries load in any Node ≥ 22. Runtime modules are staged under dist/node_modules,
// where Node's resolution from dist/extension.js finds them; only this target's binaries travel.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { run, step } from './lib/exec';
import { REPO, vsixPath, vsixStage } from './lib/paths';

const TARGET = 'linux-x64';
const RUNTIME_MODULES = ['better-sqlite3', 'onnxruntime-common', 'onnxruntime-node'];

export async function packageExtension(): Promise<string> {
  await step('building the bundles (production)', () => run(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO }));
  await step('staging the extension', async () => stage());
  const out = vsixPath(TARGET);
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const flags = ['package', '--target', TARGET, '--out', out, '--no-dependencies', '--allow-missing-repository',
    '--no-rewrite-relative-links', '--no-update-package-json', '--no-git-tag-version'];
  if (!existsSync(path.join(vsixStage, 'LICENSE'))) flags.push('--skip-license');
  await step(`vsce package --target ${TARGET}`, () => run(process.execPath, [vsce, ...flags], { cwd: vsixStage }));
  console.log(`VSIX: ${path.relative(process.cwd(), out)} (${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`);
  return out;
}

/** Copies what the VSIX may contain into the stage; .vscodeignore (from `**`) picks the files. */
function stage(): void {
  rmSync(vsixStage, { recursive: true, force: true });
  mkdirSync(vsixStage, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'dist', 'media', 'python', 'schemas']) {
    const from = path.join(REPO, entry);
    if (existsSync(from)) cpSync(from, path.join(vsixStage, entry), { recursive: true, filter: (p) => !p.includes('__pycache__') });
  }
  const modules = path.join(vsixStage, 'dist', 'node_modules');
  // dist/cli.js stays: the Test Explorer runs `mlwb test` in a child process with it.
  const copy = (name: string, ...parts: string[]) =>
    cpSync(path.join(REPO, 'node_modules', name, ...parts), path.join(modules, name, ...parts), { recursive: true });
  for (const part of ['package.json', 'lib']) copy('better-sqlite3', part);
  copy('better-sqlite3', 'prebuilds', `${TARGET}.node`);
  copy('onnxruntime-common');
  for (const part of ['package.json', 'dist', path.join('bin', 'napi-v6', 'linux', 'x64')]) copy('onnxruntime-node', part);
  const stray = readdirSync(modules).filter((m) => !RUNTIME_MODULES.includes(m));
  if (stray.length) throw new Error(`unexpected modules staged: ${stray.join(', ')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(REPO, 'scripts', 'package.ts')) {
  packageExtension().catch((err: unknown) => {
    console.error(`package: ${(err as Error).message}`);
    process.exit(1);
  });
}
