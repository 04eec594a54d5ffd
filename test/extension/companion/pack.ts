// Packages the companion extension (see extension.ts) from the bundles esbuild.mjs wrote under
// dist/test/: its manifest, its entry and the suite's test files, in a VSIX that code-server
// installs like any other (a folder copied into the extensions dir is not registered there).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../../../scripts/lib/exec';
import { CACHE, REPO } from '../../../scripts/lib/paths';

export async function packCompanion(): Promise<string> {
  const built = path.join(REPO, 'dist', 'test');
  const entry = path.join(built, 'companion', 'extension.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run node esbuild.mjs first`);
  const stage = path.join(CACHE, 'inhost-companion');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(path.join(stage, 'dist', 'suite'), { recursive: true });
  cpSync(path.join(REPO, 'test', 'extension', 'companion', 'package.json'), path.join(stage, 'package.json'));
  cpSync(entry, path.join(stage, 'dist', 'extension.js'));
  for (const f of readdirSync(path.join(built, 'suite')).filter((n) => n.endsWith('.test.js'))) {
    cpSync(path.join(built, 'suite', f), path.join(stage, 'dist', 'suite', f));
  }
  const out = path.join(CACHE, 'mlwb-inhost-tests.vsix');
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [vsce, 'package', '--out', out, '--no-dependencies', '--allow-missing-repository', '--skip-license',
    '--no-rewrite-relative-links', '--no-update-package-json', '--no-git-tag-version'], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}
