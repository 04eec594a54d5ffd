import * as http from 'node:http';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The baseline for get-history: the straightforward implementation — one row per point in
 * SQLite, the page selected by step, answered with JSON.stringify — behind the same kind of
 * HTTP server, on the same machine, in the same run.
 */
export async function startRowPerPointHistory(dir: string, points: { steps: Float64Array; timestamps: Float64Array; values: Float64Array }) {
  const db = new Database(path.join(dir, 'history-baseline.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE metrics (run_uuid TEXT, key TEXT, value REAL, timestamp INTEGER, step INTEGER, PRIMARY KEY (run_uuid, key, timestamp, step, value))');
  const insert = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < points.values.length; i++) insert.run('run', 'acc', points.values[i], points.timestamps[i], points.steps[i]);
  })();
  const select = db.prepare('SELECT key, value, timestamp, step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp');
  const server = http.createServer((_req, res) => {
    const body = JSON.stringify({ metrics: select.all('run', 'acc') });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/history`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}

/** GETs a URL and returns the raw body: what a client has once the response has arrived. */
export function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}
