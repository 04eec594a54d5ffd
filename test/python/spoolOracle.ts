import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What the spool holds, read straight from its files (not through mlwb): the metric points of
 * every complete batch line, and how many files end with a line cut off mid-write.
 */
export interface SpoolContents {
  points: number;
  torn: number;
  files: string[];
}

export function readSpool(storeDir: string): SpoolContents {
  const dir = path.join(storeDir, 'spool');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /\.jsonl(\.tmp)?$/.test(n)).sort() : [];
  let points = 0;
  let torn = 0;
  for (const name of files) {
    const lines = fs.readFileSync(path.join(dir, name), 'utf8').split('\n');
    const last = lines.pop()!;
    if (last !== '') torn++;
    for (const line of lines) {
      const rec = JSON.parse(line) as { op: string; body: { series?: { values: string | number[] }[]; metrics?: unknown[] } };
      if (rec.op !== 'batch') continue;
      points += rec.body.metrics?.length ?? 0;
      // The Python client sends each column as base64 of float64s: 8 bytes a point.
      for (const s of rec.body.series ?? []) points += typeof s.values === 'string' ? Buffer.from(s.values, 'base64').length / 8 : s.values.length;
    }
  }
  return { points, torn, files };
}

/** Cuts the file's last line in half, as a kill in the middle of its write would. */
export function tearLastLine(file: string): void {
  const text = fs.readFileSync(file);
  if (text.length === 0 || text[text.length - 1] !== 0x0a) return; // already torn
  const start = text.lastIndexOf(0x0a, text.length - 2) + 1;
  fs.truncateSync(file, start + Math.floor((text.length - start) / 2));
}
