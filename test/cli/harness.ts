// Runs the built CLI (dist/cli.js, built by scripts/test.mjs) as a user would, in real git repositories.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/tmp';

export const REPO = process.env.MLWB_REPO ?? process.cwd();
const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'capture');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test process's environment without what would point mlwb elsewhere. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const key of ['MLWB_STORE', 'MLWB_METRIC_PATTERNS', 'MLWB_RUN_ID', 'MLWB_ENDPOINT', 'MLWB_TOKEN']) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

export interface RunningCli {
  child: ChildProcess;
  /** Output so far. */
  stdout: () => string;
  done: Promise<CliResult>;
}

export function startMlwb(args: string[], cwd: string, env?: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, done };
}

export function mlwb(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startMlwb(args, cwd, env).done;
}

/** `mlwb … --json`, parsed; fails loudly with mlwb's stderr when the command fails. */
export async function mlwbJson<T>(args: string[], cwd: string): Promise<T> {
  const r = await mlwb([...args, '--json'], cwd);
  if (r.code !== 0) throw new Error(`mlwb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A fresh repository with `files` committed (names relative to it; fixture files by their fixture name). */
export function gitRepo(files: Record<string, string>): string {
  const dir = tempDir('mlwb-e2e-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** A small regression data set: y ≈ 3x + 1 with a deterministic wobble. */
export function linearCsv(rows: number): string {
  const lines = ['x,y'];
  for (let i = 0; i < rows; i++) lines.push(`${i / 10},${3 * (i / 10) + 1 + (((i * 7) % 5) - 2) / 10}`);
  return lines.join('\n') + '\n';
}
