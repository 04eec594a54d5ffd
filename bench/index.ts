// `npm run bench [-- GROUP…]`: every figure the issues ask for, each next to a baseline measured
// in the same run. Each group runs in a process of its own, so no figure pays for the garbage
// another group left behind (the store group allocates a million points before it ends).
import { spawnSync } from 'node:child_process';
import { benchDrift } from './drift';
import { benchCompare } from './compare';
import { benchEndpoint } from './endpoint';
import { type Figure, meetsTarget } from './figures';
import { benchInference } from './inference';
import { benchPythonClient } from './pythonClient';
import { benchStore } from './store';

const GROUPS: Record<string, () => Promise<Figure[]>> = {
  store: benchStore,
  endpoint: benchEndpoint,
  python: benchPythonClient,
  inference: benchInference,
  drift: benchDrift,
  compare: benchCompare,
};
const GROUP_ENV = 'MLWB_BENCH_GROUP';

/** Runs one group in a child process and returns its figures. */
function runGroup(name: string): Figure[] {
  process.stderr.write(`bench: ${name}…\n`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, [GROUP_ENV]: name },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`bench group ${name} failed (exit ${child.status})`);
  return JSON.parse(child.stdout) as Figure[];
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [f.name, `${f.value.toLocaleString('en-US')} ${f.unit}`,
    f.baseline ? `${f.baseline.value.toLocaleString('en-US')} ${f.unit} (${f.baseline.name})` : '',
    f.target ?? '', meetsTarget(f.value, f.target)]);
  const header = ['figure', 'mlwb', 'baseline (same run)', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

async function main(): Promise<void> {
  const group = process.env[GROUP_ENV];
  if (group) {
    process.stdout.write(JSON.stringify(await GROUPS[group]()));
    return;
  }
  const only = process.argv.slice(2);
  const unknown = only.filter((o) => !(o in GROUPS));
  if (unknown.length) throw new Error(`unknown bench group ${unknown.join(', ')}: one of ${Object.keys(GROUPS).join(', ')}`);
  printTable((only.length ? only : Object.keys(GROUPS)).flatMap(runGroup));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
