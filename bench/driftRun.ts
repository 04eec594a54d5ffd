// What both drift cases do with their two generated CSVs: the Python baseline's own timing (it
// prints milliseconds, parsing excluded), and `mlwb drift` end to end as a user runs it.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { childrenCpuSeconds } from './figures';

export function pythonBaselineMs(script: string, reference: string, current: string): number {
  const python = spawnSync('/usr/bin/python3', ['-c', script, reference, current], { encoding: 'utf8' });
  if (python.status !== 0) throw new Error(`Python baseline failed: ${python.stderr}`);
  return Number(python.stdout.trim());
}

export interface CliDrift<R> {
  ms: number;
  /** User + system seconds of the CLI, its worker threads included. */
  cpu: number;
  /** The 1-minute load average when it started: on a shared machine, what the wall time means. */
  load: number;
  report: R;
}

/** `mlwb drift REF CUR --json` with the built CLI (dist/cli.js; its worker threads load the bundled worker). */
export function timeCliDrift<R>(reference: string, current: string): CliDrift<R> {
  const load = os.loadavg()[0];
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const cli = spawnSync(process.execPath, ['dist/cli.js', 'drift', reference, current, '--json', '--no-save'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const cpu = childrenCpuSeconds() - cpu0;
  if (cli.status !== 0) throw new Error(`mlwb drift failed: ${cli.stderr}`);
  return { ms, cpu, load, report: JSON.parse(cli.stdout) as R };
}
