// Tests run in a child process (`mlwb test --events`), never on the extension host's thread:
// training and evaluation take minutes, and cancelling one is a SIGTERM that the CLI forwards to
// the training process it started.
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import type { TestResult } from '../../core/regress/types';

export type CliEvent =
  | { event: 'start'; file: string; name: string }
  | { event: 'output'; file: string; name: string; line: string }
  | { event: 'result'; result: TestResult };

export interface CliTestRun {
  /** The CLI's exit code (0 passed, 1 failed, 2 config problem, 143 cancelled). */
  done: Promise<number>;
  cancel(): void;
}

export interface CliTestOptions {
  /** dist/cli.js of this extension. */
  cli: string;
  cwd: string;
  storeDir: string;
  config: string;
  names: readonly string[];
  /** The inference device for model-quality, golden-outputs and latency tests. */
  device: string;
  updateBaseline?: boolean;
  onEvent: (event: CliEvent) => void;
  onStderr: (line: string) => void;
}

export function runCliTests(options: CliTestOptions): CliTestRun {
  const args = [options.cli, '--store', options.storeDir, 'test', '--events', '--config', options.config, '--device', options.device,
    ...options.names.flatMap((n) => ['--only', n]), ...(options.updateBaseline ? ['--update-baseline'] : [])];
  // The extension host's own runtime, as plain Node (VS Code's Electron needs ELECTRON_RUN_AS_NODE).
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let parsed: CliEvent;
    try {
      parsed = JSON.parse(line) as CliEvent;
    } catch {
      options.onStderr(line);
      return;
    }
    options.onEvent(parsed);
  });
  readline.createInterface({ input: child.stderr }).on('line', options.onStderr);
  const done = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      options.onStderr(`could not start the test process: ${err.message}`);
      resolve(70);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
  return { done, cancel: () => child.kill('SIGTERM') };
}
