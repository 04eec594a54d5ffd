import { promises as fs } from 'node:fs';
import type { EvalRows } from '../evalRows';
import type { Scored } from '../scoring';

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * One CSV line per scored row: its row in the data, the label, the prediction and (for a
 * classifier) every class's probability. Written in pieces, so a big evaluation never holds
 * the whole text at once.
 */
export async function writePredictions(file: string, data: EvalRows, scored: Scored): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    const classes = scored.classes;
    const probabilities = scored.probabilities;
    const header = classes ? ['row', 'label', 'predicted', ...classes.map((l) => `p_${l}`)] : ['row', 'label', 'predicted'];
    const rows = data.rows.view();
    const outputs = data.outputs.view();
    const width = data.width;
    let lines = [header.map(quote).join(',')];
    for (let j = 0; j < rows.length; j++) {
      const label = quote(data.labelText(j, classes !== null));
      if (classes && probabilities) {
        const probs = Array.from(probabilities.subarray(j * width, (j + 1) * width));
        const best = probs.indexOf(Math.max(...probs));
        lines.push(`${rows[j]},${label},${quote(classes[best])},${probs.join(',')}`);
      } else lines.push(`${rows[j]},${label},${Number(outputs[j])}`);
      if (lines.length === 8192) {
        await handle.write(lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length) await handle.write(lines.join('\n') + '\n');
  } finally {
    await handle.close();
  }
}
