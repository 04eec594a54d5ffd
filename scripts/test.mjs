// `npm test`: builds the bundles, then runs every test file with Node's test runner.
// Usage: node scripts/test.mjs [substring…]  — only test files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // test/extension/suite runs inside an extension host (mocha), not under Node's test runner.
    if (statSync(p).isDirectory()) return name === 'fixtures' || p === join('test', 'extension', 'suite') ? [] : findTests(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

// On a fresh clone `npm test` installs what it needs first.
bootstrap();

const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const testRun = (testFiles, concurrency, env = {}) => spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...testFiles],
  { stdio: 'inherit', env: { ...process.env, MLWB_REPO: process.cwd(), ...env } },
).status ?? 1;

// The e2e files each start code-server: one at a time, after the unit tests, so their timings
// are not taken on a machine busy with other tests; they share one packaged VSIX.
const e2e = files.filter((f) => f.endsWith('.e2e.test.ts'));
const unit = files.filter((f) => !e2e.includes(f));
let status = unit.length ? testRun(unit, 2) : 0;
if (e2e.length) {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const pack = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package.ts'], { stdio: 'inherit' });
  if (pack.status !== 0) process.exit(pack.status ?? 1);
  status = testRun(e2e, 1, { MLWB_VSIX: join(process.cwd(), `${name}-linux-x64-${version}.vsix`) }) || status;
}
process.exit(status);
