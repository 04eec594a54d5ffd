import { damagedStoreError, isCorruption } from '../core/store/storeDamage';
import { Store } from '../core/store/store';

/** What every command gets: where it runs, where to print, and how to reach the store. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** `--store DIR` or `MLWB_STORE`: the store folder, overriding the search from `cwd`. */
  storeDir?: string;
  /** Asks a yes/no question on the terminal; false when there is no terminal to ask on. */
  confirm: (question: string) => Promise<boolean>;
}

export type Command = (args: string[], ctx: CliContext) => Promise<number>;

export function openStore(ctx: CliContext, create: boolean): Store {
  return Store.open({ storeDir: ctx.storeDir, cwd: ctx.cwd, create });
}

/** Runs `fn` with the store open, closing it whatever happens; a damaged page read on the way is one clear error. */
export async function withStore<T>(ctx: CliContext, create: boolean, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = openStore(ctx, create);
  try {
    return await fn(store);
  } catch (err) {
    throw isCorruption(err) ? damagedStoreError(store.db.name, err) : err;
  } finally {
    store.close();
  }
}
