// Text drift on 100,000 rows × 100 text columns per side (two generated CSVs, ~300 MB each, 3–8
// words a cell from a 3,000-word Zipf vocabulary; the current side reorders a tenth of it): mlwb
// end to end (read, type, word/bigram/trigram shares and distances, lengths) next to Python's
// Counter n-grams + scipy's jensenshannon on the same strings in the same run (parsing not timed).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonBaselineMs, timeCliDrift } from './driftRun';
import { seeded } from '../test/helpers/seeded';
import type { Figure } from './figures';

const ROWS = 100_000;
const COLUMNS = 100;
const VOCABULARY = 3000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'dor', 'fen', 'gal', 'hum'];

/** A seeded CSV of word sequences; `shuffled` is the share of the vocabulary whose ranks are reordered. */
function writeTextCsv(file: string, seed: number, shuffled: number): void {
  const uniform = seeded(seed);
  const words = Array.from({ length: VOCABULARY }, (_, i) => {
    let w = '';
    for (let x = i; ; x = Math.floor(x / SYLLABLES.length)) {
      w += SYLLABLES[x % SYLLABLES.length];
      if (x < SYLLABLES.length) return w;
    }
  });
  const cdf = new Float64Array(VOCABULARY);
  for (let r = 0, acc = 0; r < VOCABULARY; r++) cdf[r] = acc += 1 / (r + 1);
  const pick = () => {
    const u = uniform() * cdf[VOCABULARY - 1];
    let [lo, hi] = [0, VOCABULARY - 1];
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (cdf[m] < u) lo = m + 1;
      else hi = m;
    }
    return words[lo];
  };
  for (let i = Math.floor(VOCABULARY * shuffled) - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [words[i], words[j]] = [words[j], words[i]];
  }
  const fd = fs.openSync(file, 'w');
  const lines = [Array.from({ length: COLUMNS }, (_, j) => `t${j}`).join(',')];
  for (let r = 0; r < ROWS; r++) {
    const cells = new Array<string>(COLUMNS);
    for (let j = 0; j < COLUMNS; j++) cells[j] = Array.from({ length: 3 + Math.floor(uniform() * 6) }, pick).join(' ');
    lines.push(cells.join(','));
    if (lines.length === 2000) {
      fs.writeSync(fd, lines.join('\n') + '\n');
      lines.length = 0;
    }
  }
  fs.writeSync(fd, lines.join('\n') + '\n');
  fs.closeSync(fd);
}

const PYTHON_BASELINE = `
import sys, time, re
from collections import Counter
import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
ref = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
cur = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
sides = [(ref[c].tolist(), cur[c].tolist()) for c in ref.columns]
word = re.compile(r"[\\w']+")
t = time.perf_counter()
for pair in sides:
    counts = []
    for texts in pair:
        c1, c2, c3 = Counter(), Counter(), Counter()
        for text in texts:
            w = word.findall(text.lower())
            c1.update(w); c2.update(zip(w, w[1:])); c3.update(zip(w, w[1:], w[2:]))
        counts.append((c1, c2, c3))
    for n in range(3):
        keys = list(counts[0][n].keys() | counts[1][n].keys())
        p = np.array([counts[0][n][k] for k in keys], float)
        q = np.array([counts[1][n][k] for k in keys], float)
        jensenshannon(p / p.sum(), q / q.sum())
print((time.perf_counter() - t) * 1000)
`;

export async function benchDriftText(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-bench-drift-text-'));
  try {
    const ref = path.join(dir, 'reference.csv');
    const cur = path.join(dir, 'current.csv');
    writeTextCsv(ref, 11, 0);
    writeTextCsv(cur, 12, 0.1);

    const pythonMs = pythonBaselineMs(PYTHON_BASELINE, ref, cur);
    // The built CLI (bench/drift.ts has just built it).
    const cli = timeCliDrift<{ columns: Array<{ type: string; text?: unknown }> }>(ref, cur);
    if (cli.report.columns.length !== COLUMNS || !cli.report.columns.every((c) => c.type === 'text' && c.text)) throw new Error('mlwb drift did not treat every column as text');

    return [{
      name: `drift 100k×100 text columns end to end (read, type, word/bigram/trigram shares and distances; ${cli.cpu.toFixed(1)} s CPU user+sys; load ${cli.load.toFixed(1)})`,
      value: Math.round(cli.ms), unit: 'ms',
      baseline: { name: 'Python Counter n-grams + scipy jensenshannon, parsing excluded', value: Math.round(pythonMs) },
    }];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
