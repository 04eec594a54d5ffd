// JSON lines: one object per line; the columns are the union of the keys, in order of appearance.
import { MlwbError } from '../../errors';
import { ColumnBuilder, pushValue, type Table } from './table';

export function parseJsonLines(text: string, source: string): Table {
  const builders = new Map<string, ColumnBuilder>();
  let rows = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      throw new MlwbError(`${source}:${index + 1}: not valid JSON (${(err as Error).message}).`, 'Each line must hold one JSON object.');
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      throw new MlwbError(`${source}:${index + 1}: expected a JSON object, one per line.`, 'Each line must hold one JSON object.');
    }
    for (const [key, value] of Object.entries(record)) {
      let b = builders.get(key);
      if (!b) {
        b = new ColumnBuilder(key);
        for (let i = 0; i < rows; i++) b.pushNumber(NaN);
        builders.set(key, b);
      }
      pushValue(b, value);
    }
    rows++;
    for (const b of builders.values()) if (b.length < rows) pushValue(b, null);
  });
  if (rows === 0) throw new MlwbError(`${source} is empty.`, 'A JSON lines file needs at least one object.');
  return { source, rows, columns: [...builders.values()].map((b) => b.build()) };
}
