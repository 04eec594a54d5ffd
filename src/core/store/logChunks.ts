import type Database from 'better-sqlite3';
import { omissionMarker, utf8Boundary } from '../capture/logCapture';
import type { RunLog } from './types';

type Stream = RunLog['stream'];

export interface LogChunk {
  /** Byte offset of the chunk's first byte in the whole stream. */
  offset: number;
  content: Buffer;
}

/**
 * A running run's log, stored as it comes: chunks keyed by their byte offset. The writer keeps
 * the head and the tail of a huge log and deletes tail chunks that fell out of it, so the stored
 * chunks are the bounded log with gaps; reading turns each gap into an omission marker.
 */
export class LogChunks {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert: db.prepare('INSERT OR REPLACE INTO run_log_chunks (run_id, stream, offset, content) VALUES (?, ?, ?, ?)'),
      dropRange: db.prepare('DELETE FROM run_log_chunks WHERE run_id = ? AND stream = ? AND offset >= ? AND offset < ?'),
      dropAll: db.prepare('DELETE FROM run_log_chunks WHERE run_id = ? AND stream = ?'),
      read: db.prepare<[string, string], { offset: number; content: Buffer }>(
        'SELECT offset, content FROM run_log_chunks WHERE run_id = ? AND stream = ? ORDER BY offset'),
    };
  }

  /** Stores `chunks` and deletes those starting in `drop` = [from, to) (tail chunks no longer kept). */
  append(runId: string, stream: Stream, chunks: readonly LogChunk[], drop?: [number, number]): void {
    if (drop && drop[1] > drop[0]) this.stmts.dropRange.run(runId, stream, drop[0], drop[1]);
    for (const c of chunks) this.stmts.insert.run(runId, stream, c.offset, c.content);
  }

  clear(runId: string, stream: Stream): void {
    this.stmts.dropAll.run(runId, stream);
  }

  /** The stored chunks as one log, or undefined when there are none. */
  read(runId: string, stream: Stream): RunLog | undefined {
    const rows = this.stmts.read.all(runId, stream);
    if (rows.length === 0) return undefined;
    // Contiguous runs of chunks; a gap between runs is text that was dropped.
    const runs: { offset: number; parts: Buffer[]; end: number }[] = [];
    for (const row of rows) {
      const last = runs.at(-1);
      if (last && row.offset <= last.end) {
        const overlap = last.end - row.offset;
        last.parts.push(row.content.subarray(overlap));
        last.end = Math.max(last.end, row.offset + row.content.length);
      } else runs.push({ offset: row.offset, parts: [row.content], end: row.offset + row.content.length });
    }
    let content = '';
    let shownEnd = 0;
    runs.forEach((run, i) => {
      let buf = Buffer.concat(run.parts);
      let start = run.offset;
      if (start > shownEnd) {
        const cut = utf8Boundary(buf, 0);
        buf = buf.subarray(cut);
        start += cut;
        content += omissionMarker(content, start - shownEnd);
      }
      // Cut before a gap so the edge does not decode as a replacement character.
      const keep = i < runs.length - 1 ? utf8Boundary(buf, buf.length) : buf.length;
      content += buf.subarray(0, keep).toString('utf8');
      shownEnd = start + keep;
    });
    const totalBytes = runs.at(-1)!.end;
    return { stream, content, totalBytes, truncated: runs.length > 1 || runs[0].offset > 0 };
  }
}
