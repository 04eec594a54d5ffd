import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { after } from 'node:test';
import type { RunRecord } from '../../src/core/store/types';

/** Shared by the Python tests: the real CLI from the repo, real interpreters, real processes. */

export const REPO = process.env.MLWB_REPO ?? process.cwd();
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'python');
/** The interpreter on PATH (the one users train with); the notebook tests use Debian's for ipykernel. */
export const PYTHON = process.env.MLWB_TEST_PYTHON ?? 'python3';

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a client process: the package from the repo, no endpoint inherited from whoever runs the tests. */
export function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: path.join(REPO, 'python'), PYTHONDONTWRITEBYTECODE: '1' };
  for (const name of ['MLWB_ENDPOINT', 'MLWB_TOKEN', 'MLWB_STORE', 'MLWB_RUN_ID', 'MLFLOW_RUN_ID', 'MLWB_TERMINAL_MARKS', 'MLWB_TERMINAL_PROGRAM']) delete env[name];
  return { ...env, ...extra };
}

export function spawnProcess(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? clientEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const done = new Promise<Done>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Done> {
  return spawnProcess(command, args, options).done;
}

/** Runs the CLI and fails with its stderr when it exits non-zero. */
export async function cli(args: string[], cwd: string): Promise<string> {
  const r = await run(process.execPath, [CLI, ...args], { cwd, env: clientEnv() });
  if (r.code !== 0) throw new Error(`mlwb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export async function listRuns(storeDir: string): Promise<RunRecord[]> {
  return JSON.parse(await cli(['runs', 'ls', '--json', '--store', storeDir], path.dirname(storeDir))) as RunRecord[];
}

export async function showRun(storeDir: string, id: string): Promise<RunRecord> {
  return JSON.parse(await cli(['runs', 'show', id, '--json', '--store', storeDir], path.dirname(storeDir))) as RunRecord;
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** Resolves when the server has exited. */
  exited: Promise<Done>;
  stop(signal?: NodeJS.Signals): Promise<Done>;
}

/** `mlwb serve --store DIR`; resolves once its first stdout line (the URL) is printed. */
export async function startServer(storeDir: string): Promise<Server> {
  const { child, done } = spawnProcess(process.execPath, [CLI, 'serve', '--store', storeDir], { cwd: path.dirname(storeDir), env: clientEnv() });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (t: string) => {
      text += t;
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        child.stdout!.off('data', onData);
        resolve(text.slice(0, nl).trim());
      }
    };
    child.stdout!.on('data', onData);
    done.then((d) => reject(new Error(`mlwb serve exited ${d.code} before printing its URL: ${d.stderr}`)), reject);
  });
  const server: Server = {
    url,
    child,
    exited: done,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return done;
    },
  };
  after(() => server.stop('SIGKILL'));
  return server;
}

/** The last stdout line of a fixture, which prints its results as one JSON object. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
