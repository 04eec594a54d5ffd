// `npm run bench`: every figure the issues ask for, each next to a baseline measured in this run.
import { benchStore } from './store';
import { type Figure, meetsTarget } from './figures';

type Bench = () => Promise<Figure[]>;

/** Benches of areas that may not exist in every checkout load lazily by file name. */
async function optional(file: string, exportName: string): Promise<Bench | undefined> {
  try {
    const mod = (await import(file)) as Record<string, Bench>;
    return mod[exportName];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const benches: [string, Bench | undefined][] = [
    ['store', benchStore],
    ['endpoint', await optional('./endpoint', 'benchEndpoint')],
    ['python client', await optional('./pythonClient', 'benchPythonClient')],
  ];
  const rows: string[][] = [];
  for (const [name, bench] of benches) {
    if (!bench || (only.length && !only.some((o) => name.includes(o)))) continue;
    process.stderr.write(`bench: ${name}…\n`);
    for (const f of await bench()) {
      rows.push([f.name, `${f.value.toLocaleString('en-US')} ${f.unit}`,
        f.baseline ? `${f.baseline.value.toLocaleString('en-US')} ${f.unit} (${f.baseline.name})` : '',
        f.target ?? '', meetsTarget(f.value, f.target)]);
    }
  }
  const header = ['figure', 'mlwb', 'baseline (same run)', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
