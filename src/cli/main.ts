import * as readline from 'node:readline/promises';
import { MlwbError } from '../core/errors';
import type { CliContext, Command } from './context';
import { exportCommand } from './commands/export';
import { runCommand } from './commands/run';
import { reproduceCommand } from './commands/reproduce';
import { registerRunsSubcommand, runsCommand } from './commands/runs';
import { serveCommand } from './commands/serve';
import { syncCommand } from './commands/sync';
import { testCommand } from './commands/test';
import { USAGE } from './usage';

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  runs: runsCommand,
  export: exportCommand,
  serve: serveCommand,
  sync: syncCommand,
  test: testCommand,
};
registerRunsSubcommand('reproduce', reproduceCommand);

/** Splits off the options every command takes (`--store DIR`), wherever they stand before `--`. */
function takeGlobalOptions(argv: string[], env: NodeJS.ProcessEnv): { args: string[]; storeDir?: string } {
  const args: string[] = [];
  let storeDir = env.MLWB_STORE || undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (a === '--store') {
      storeDir = argv[++i];
      if (!storeDir) throw new MlwbError('--store needs a folder.');
    } else if (a.startsWith('--store=')) storeDir = a.slice('--store='.length);
    else args.push(a);
  }
  return { args, storeDir };
}

async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const env = partial.env ?? process.env;
  const ctx: CliContext = {
    cwd: process.cwd(),
    env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    confirm: confirmOnTerminal,
    ...partial,
  };
  try {
    const { args, storeDir } = takeGlobalOptions(argv, env);
    ctx.storeDir = storeDir;
    const [name, ...rest] = args;
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      ctx.out(USAGE);
      return name ? 0 : 2;
    }
    if (name === '--version') {
      ctx.out(`${__MLWB_VERSION__}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new MlwbError(`Unknown command "${name}".`, 'Run `mlwb help` for the list.', 2);
    return await command(rest, ctx);
  } catch (err) {
    if (err instanceof MlwbError) {
      ctx.err(`mlwb: ${err.oneLine}\n`);
      return err.exitCode;
    }
    ctx.err(`mlwb: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}

declare const __MLWB_VERSION__: string;

// `node dist/cli.js …` runs directly; bin/mlwb.js calls main() itself.
if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
