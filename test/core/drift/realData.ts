// Real data the drift tests run on: vega-datasets' seattle-weather and scikit-learn's bundled CSVs.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SEATTLE = path.join(__dirname, '..', '..', '..', 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
export const SKLEARN_DATA = '/usr/lib/python3/dist-packages/sklearn/datasets/data';

/** seattle-weather's numeric columns per year (the file has no quoted fields). */
export function seattleByYear(): Record<string, Record<string, number[]>> {
  const [header, ...lines] = fs.readFileSync(SEATTLE, 'utf8').trim().split('\n');
  const names = header.split(',');
  const out: Record<string, Record<string, number[]>> = {};
  for (const line of lines) {
    const fields = line.split(',');
    const year = fields[0].slice(0, 4);
    out[year] ??= {};
    names.forEach((name, i) => {
      if (name === 'date' || name === 'weather') return;
      (out[year][name] ??= []).push(Number(fields[i]));
    });
  }
  return out;
}
