// `npm start`: builds and packages the extension, installs code-server (once, into .cache/),
// installs the VSIX into it and opens demo/ — then prints the address to open in a browser.
// Usage: npm start [-- --port 8080] [-- --folder path]
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, freePort, installExtension, startCodeServer, writeUserSettings } from './lib/codeServer';
import { step } from './lib/exec';
import { CACHE, REPO } from './lib/paths';
import { packageExtension } from './package';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function portOrFree(wanted: number): Promise<number> {
  const net = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer().once('error', () => resolve(false)).listen(wanted, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

async function main(): Promise<void> {
  const folder = path.resolve(REPO, option('folder') ?? 'demo');
  if (!existsSync(folder)) throw new Error(`no folder ${folder}`);
  const vsix = await packageExtension();
  await ensureCodeServer();
  const dirs = { userDataDir: path.join(CACHE, 'code-server-data', 'user'), extensionsDir: path.join(CACHE, 'code-server-data', 'extensions') };
  writeUserSettings(dirs.userDataDir);
  await step('installing the VSIX into code-server', () => installExtension(vsix, dirs));
  const port = await portOrFree(Number(option('port') ?? process.env.PORT ?? 8080));
  const server = await startCodeServer({ ...dirs, folder, port });
  console.log(`\nML Workbench is running in VS Code (code-server ${path.basename(folder)}/):\n\n    ${server.folderUrl}\n\nOpen it in a browser; Ctrl-C stops code-server.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (code) => {
    console.log(`code-server exited (${code})`);
    process.exit(code ?? 1);
  });
}

main().catch((err: unknown) => {
  console.error(`start: ${(err as Error).message}`);
  process.exit(1);
});
