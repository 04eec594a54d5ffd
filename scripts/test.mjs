// `npm test`: builds the bundles, then runs every test file with Node's test runner.
// Usage: node scripts/test.mjs [substring…]  — only test files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : findTests(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

// On a fresh clone `npm test` installs what it needs first: Debian packages, then npm packages.
function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run('bash', ['scripts/install-system-deps.sh']);
if (!existsSync('node_modules/.package-lock.json')) run('npm', ['ci', '--no-fund', '--no-audit']);

const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', env: { ...process.env, MLWB_REPO: process.cwd() } },
);
process.exit(result.status ?? 1);
