// Running tools from the build scripts: output streamed, failure as one clear error.
import { spawn, type SpawnOptions } from 'node:child_process';

export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Logs a step and how long it took: the scripts run for minutes on a fresh machine. */
export async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  console.log(`» ${what}`);
  const result = await work();
  console.log(`  ${what}: ${((Date.now() - start) / 1000).toFixed(1)}s`);
  return result;
}
