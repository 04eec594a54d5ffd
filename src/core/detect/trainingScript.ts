// Which Python scripts are training scripts: the one rule that terminal tracking (and the
// CodeLens on training scripts) use, so both agree on what gets tracked.

/** `if __name__ == "__main__":`, with either quote style. */
const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/m;

/** Signs of training: fitting, a training loop, an optimizer, epochs, a loss. */
const TRAINING_SIGNS = [
  /\b(fit|train|train_step|training_step|train_one_epoch|fit_transform)\s*\(/,
  /\boptimi[sz]er\b/i,
  /\bepochs?\b/i,
  /\bbackward\s*\(/,
  /\blearning_rate\b|\blr\b/,
  /\b(?:train_|val_|valid_|test_)?loss\b/,
];

/** Top-level code that does something when run: a loop, a `with`, a call statement (`main()`, `model.fit(…)`). */
const TOP_LEVEL_WORK = /^(?:for|while|with|async\s+for)\b|^[A-Za-z_][\w.]*\s*\(/m;

export interface TrainingScriptVerdict {
  training: boolean;
  /** Why: shown in the log when a command is or is not tracked. */
  reason: string;
  /** 0-based line of the `__main__` guard, where the CodeLens goes; null without one. */
  guardLine: number | null;
}

/**
 * A script is a training script when it shows at least two training signs. The `__main__` guard
 * does not decide: most Keras, scikit-learn and tutorial scripts are flat and run all the same.
 */
export function classifyScript(source: string): TrainingScriptVerdict {
  const guard = MAIN_GUARD.exec(source);
  const guardLine = guard ? source.slice(0, guard.index).split('\n').length - 1 : null;
  const signs = TRAINING_SIGNS.filter((re) => re.test(source)).length;
  if (!guard && !TOP_LEVEL_WORK.test(source)) return { training: false, guardLine, reason: 'no __main__ guard and no top-level code that runs (a module)' };
  const shape = guard ? 'a __main__ guard' : 'no __main__ guard (a flat script)';
  if (signs < 2) return { training: false, guardLine, reason: `${shape} and only ${signs} training sign(s) (fit/train calls, optimizer, epochs, backward, learning rate, loss)` };
  return { training: true, guardLine, reason: `${shape} and ${signs} training signs` };
}

/** Converts a glob (`**`, `*`, `?`) over `/`-separated relative paths to a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchesAnyGlob(relativePath: string, globs: readonly string[]): boolean {
  const p = relativePath.split('\\').join('/');
  return globs.some((g) => globToRegExp(g).test(p));
}
