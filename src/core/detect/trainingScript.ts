// Which Python scripts are training scripts: the one rule that terminal tracking (and the
// CodeLens on training scripts) use, so both agree on what gets tracked.

/** `if __name__ == "__main__":`, with either quote style. */
const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/m;

/** Signs of training: fitting, a training loop, an optimizer, epochs. */
const TRAINING_SIGNS = [
  /\b(fit|train|train_step|training_step|train_one_epoch|fit_transform)\s*\(/,
  /\boptimi[sz]er\b/i,
  /\bepochs?\b/i,
  /\bbackward\s*\(/,
  /\blearning_rate\b|\blr\b/,
];

export interface TrainingScriptVerdict {
  training: boolean;
  /** Why: shown in the log when a command is or is not tracked. */
  reason: string;
}

/** A script is a training script when it can be run as a program and shows at least two training signs. */
export function classifyScript(source: string): TrainingScriptVerdict {
  if (!MAIN_GUARD.test(source)) return { training: false, reason: 'no `if __name__ == "__main__":` guard' };
  const signs = TRAINING_SIGNS.filter((re) => re.test(source)).length;
  if (signs < 2) return { training: false, reason: `only ${signs} training sign(s) (fit/train calls, optimizer, epochs, backward, learning rate)` };
  return { training: true, reason: `a __main__ guard and ${signs} training signs` };
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
