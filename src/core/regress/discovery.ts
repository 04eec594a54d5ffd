// Finding every mlwb.tests.yaml under a folder, as `mlwb test` without --config does.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from './config';

/** Folders never searched: version control, dependencies, virtual environments, caches, the store. */
const SKIPPED = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', 'env', '.env', '.tox', '.nox', '__pycache__',
  '.mypy_cache', '.pytest_cache', '.mlwb', 'site-packages', '.ipynb_checkpoints']);

export async function findTestConfigs(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are not ours to test
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        // A folder with pyvenv.cfg is a virtual environment whatever its name.
        if (!SKIPPED.has(e.name) && !(await exists(path.join(p, 'pyvenv.cfg')))) await walk(p);
      } else if (e.isFile() && e.name === CONFIG_FILE_NAME) found.push(p);
    }
  };
  await walk(path.resolve(root));
  return found.sort();
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}
