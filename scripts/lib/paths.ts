// Where the tooling that `npm start`, `npm run package` and the e2e tests need lives: a cache
// inside the repository (like @vscode/test-electron's .vscode-test/), gitignored, so a second
// run is fast and nothing is installed into the user's home.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.join(REPO, '.cache');

/** code-server 4.139.1 is VS Code 1.139.1; it runs on Node 24 only. */
export const CODE_SERVER_VERSION = '4.139.1';
export { node24Bin, node24Dir, NODE24_VERSION } from './node24.mjs';
export const codeServerPrefix = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = path.join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const vsixStage = path.join(CACHE, 'vsix-stage');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; publisher: string };
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
/** vsce's own naming for a platform-specific package, at the repository root (gitignored). */
export const vsixPath = (target = 'linux-x64') => path.join(REPO, `${pkg.name}-${target}-${pkg.version}.vsix`);
