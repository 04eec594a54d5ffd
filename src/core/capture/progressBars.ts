// Output shapes of popular training libraries that are not `key=value` lines: tqdm / PyTorch
// Lightning progress bars with metrics in their postfix, and Hugging Face Trainer's Python-dict
// log lines. Free of I/O and state; OutputMetricParser decides which step a point belongs to.

export interface ProgressBar {
  /** The bar's position: `938` in `938/938`, or the epoch-wide position when the bar names its epoch. */
  step: number;
  /** `key=value` pairs of the postfix, as text (values parsed by the caller). */
  pairs: [string, string][];
}

/**
 * `Epoch 0: 100%|██████| 938/938 [00:15<00:00, 61.2it/s, v_num=0, train_loss=0.123]`,
 * `train:  40%|####      | 4/10 [00:01<00:01,  3.9it/s, loss=0.23]`, `57it [00:02, 28.1it/s, loss=1.2]`.
 */
const BAR = /(?:\|\s*(\d+)\/(\d+|\?)|(?:^|\s)(\d+)(?:it|\/\?))\s*\[(\d[\d:]*(?:<[\d:?]+)?(?:,[^\]]*)?)\]\s*$/;
const EPOCH_DESC = /^\s*epoch\s+(\d+)\b/i;
/** Lightning's logger version and tqdm's own fields are not metrics. */
const NOT_METRICS = new Set(['v_num']);
const POSTFIX_PAIR = /^\s*([A-Za-z_][\w./-]*)\s*=\s*(\S+)\s*$/;

export function parseProgressBar(line: string): ProgressBar | null {
  const m = BAR.exec(line);
  if (!m) return null;
  const n = Number(m[1] ?? m[3]);
  const total = m[2] && m[2] !== '?' ? Number(m[2]) : null;
  const epoch = EPOCH_DESC.exec(line.slice(0, m.index));
  // Bars restart each epoch: an epoch-wide step keeps one series increasing.
  const step = epoch && total !== null ? Number(epoch[1]) * total + n : n;
  const pairs: [string, string][] = [];
  for (const part of m[4].split(',').slice(1)) {
    const pair = POSTFIX_PAIR.exec(part);
    if (pair && !NOT_METRICS.has(pair[1])) pairs.push([pair[1], pair[2]]);
  }
  return { step, pairs };
}

/**
 * A Python dict literal as printed by `print(logs)` (Hugging Face Trainer):
 * `{'loss': 0.6931, 'learning_rate': 5e-05, 'epoch': 0.5}` → a plain object, or null when it is
 * not a flat dict of numbers, strings and constants.
 */
export function parsePythonDict(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{') || !line.endsWith('}') || !line.includes("'")) return null;
  let json = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== c; j++) {
        if (line[j] === '\\') j++;
        text += line[j] ?? '';
      }
      if (j >= line.length) return null;
      json += JSON.stringify(text);
      i = j;
      continue;
    }
    const number = /^\d[\d.]*(?:[eE][+-]?\d+)?/.exec(line.slice(i, i + 64));
    if (number) {
      json += number[0];
      i += number[0].length - 1;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(line.slice(i, i + 16));
    if (word) {
      const w = word[0];
      const constant = w === 'True' ? 'true' : w === 'False' ? 'false' : w === 'None' ? 'null' : w === 'nan' ? '"NaN"' : w === 'inf' ? '"Infinity"' : null;
      if (constant === null) return null; // tensor(…), array(…): not a flat record
      if (constant === '"Infinity"' && json.endsWith('-')) json = `${json.slice(0, -1)}"-Infinity"`;
      else json += constant;
      i += w.length - 1;
      continue;
    }
    json += c;
  }
  try {
    const obj: unknown = JSON.parse(json);
    return obj && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
