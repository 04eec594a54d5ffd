import * as readline from 'node:readline/promises';
import { MlwbError } from '../core/errors';
import { damagedStoreError, isCorruption } from '../core/store/storeDamage';
import type { CliContext, Command } from './context';
import { doctorCommand } from './commands/doctor';
import { devicesCommand } from './commands/devices';
import { driftCommand } from './commands/drift';
import { compareCommand } from './commands/compare';
import { exportCommand } from './commands/export';
import { modelCommand } from './commands/model';
import { runCommand } from './commands/run';
import { reproduceCommand } from './commands/reproduce';
import { registerRunsSubcommand, runsCommand } from './commands/runs';
import { serveCommand } from './commands/serve';
import { syncCommand } from './commands/sync';
import { closableOutput } from './output';
import { visible } from './terminalText';
import { testCommand } from './commands/test';
import { USAGE } from './usage';

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  runs: runsCommand,
  export: exportCommand,
  serve: serveCommand,
  sync: syncCommand,
  doctor: doctorCommand,
  devices: devicesCommand,
  model: modelCommand,
  drift: driftCommand,
  test: testCommand,
};
registerRunsSubcommand('reproduce', reproduceCommand);
registerRunsSubcommand('compare', compareCommand);

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
  const stdout = partial.out ? undefined : closableOutput(process.stdout);
  const stderr = partial.err ? undefined : closableOutput(process.stderr);
  const ctx: CliContext = {
    cwd: process.cwd(),
    env,
    out: (t) => stdout?.write(t),
    err: (t) => stderr?.write(t),
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
  } catch (caught) {
    // A damaged page met outside withStore (a command holding the store itself) is the same state.
    const err = isCorruption(caught) ? damagedStoreError(undefined, caught) : caught;
    if (err instanceof MlwbError) {
      ctx.err(`mlwb: ${visible(err.oneLine)}\n`);
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
