// What a fresh clone needs before anything else runs: Debian packages (scripts/install-system-deps.sh),
// then npm packages. Plain Node with no dependencies, since node_modules may not exist yet.
// Usage: node scripts/bootstrap.mjs [--link]   (--link also puts the `mlwb` command on PATH)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function bootstrap({ link = false } = {}) {
  run('bash', ['scripts/install-system-deps.sh']);
  if (!existsSync('node_modules/.package-lock.json')) run('npm', ['ci', '--no-fund', '--no-audit']);
  if (link) {
    run(process.execPath, ['esbuild.mjs']);
    run('npm', ['link', '--no-fund', '--no-audit']);
  }
}

function run(command, args) {
  // onnxruntime-node's install script would fetch CUDA libraries from outside the npm registry.
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0) {
    console.error(`bootstrap: ${command} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) bootstrap({ link: process.argv.includes('--link') });
