// code-server (VS Code in the browser, from the npm registry) installed into the repo cache,
// started on 127.0.0.1 with its own user-data and extensions folders, and stopped with all the
// processes it started (extension host, pty host, watchers).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { run, step } from './exec';
import { ensureNode24, node24Env } from './node24';
import { codeServerEntry, codeServerPrefix, CODE_SERVER_VERSION, node24Bin } from './paths';

export async function ensureCodeServer(): Promise<void> {
  await ensureNode24();
  if (existsSync(codeServerEntry)) return;
  // Its install compiles native modules (kerberos needs Debian's libkrb5-dev) against Node 24.
  await step(`installing code-server ${CODE_SERVER_VERSION} (about 2-3 minutes, once)`, () =>
    run('npm', ['install', '--no-save', '--no-package-lock', '--no-fund', '--no-audit', '--loglevel=error',
      '--prefix', codeServerPrefix, `code-server@${CODE_SERVER_VERSION}`], { env: node24Env() }));
  if (!existsSync(codeServerEntry)) throw new Error(`code-server installed no ${codeServerEntry}`);
}

export interface CodeServerDirs {
  userDataDir: string;
  extensionsDir: string;
}

export async function installExtension(vsix: string, dirs: CodeServerDirs): Promise<void> {
  await run(node24Bin, [codeServerEntry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir,
    '--install-extension', vsix, '--force'], { env: node24Env(), stdio: ['ignore', 'ignore', 'inherit'] });
}

/** User settings for a quiet, reproducible workbench: no welcome page, no update or AI prompts. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'terminal.integrated.shellIntegration.enabled': true,
    ...extra,
  };
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

export interface CodeServer {
  url: string;
  /** The address that opens `folder`. */
  folderUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartOptions extends CodeServerDirs {
  folder: string;
  port?: number;
  /** Where code-server's own output goes (default: this process's stdout/stderr). */
  logFile?: number;
  env?: NodeJS.ProcessEnv;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const port = options.port ?? (await freePort());
  const configFile = path.join(options.userDataDir, 'code-server.yaml');
  mkdirSync(options.userDataDir, { recursive: true });
  // An explicit config keeps code-server from writing ~/.config/code-server/config.yaml.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [codeServerEntry, '--config', configFile, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', options.userDataDir, '--extensions-dir', options.extensionsDir, options.folder];
  const out = options.logFile ?? 'inherit';
  const child = spawn(node24Bin, args, {
    // Its own process group, so stop() ends the extension host and pty host with it.
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...node24Env(), SHELL: '/bin/bash', ...options.env },
  });
  const url = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    url,
    folderUrl: `${url}/?folder=${encodeURIComponent(options.folder)}`,
    process: child,
    stop: () => stopGroup(child),
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before it answered`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000}s`);
}

/** SIGTERM to the whole process group, SIGKILL to whatever is left after 5 s. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const pid = child.pid;
  const signal = (s: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, s);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
