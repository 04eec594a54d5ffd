import { LogCapture } from '../capture/logCapture';
import { OutputMetricParser } from '../capture/outputMetrics';
import { storableStep } from '../store/metricStore';
import type { Store } from '../store/store';
import { badRequest } from './httpError';
import { optString } from './fields';
import { requireRun } from './operations';

type Stream = 'stdout' | 'stderr';

interface OpenStream {
  log: LogCapture;
  parser: OutputMetricParser;
}

/**
 * Output sent by clients (notebook cells) arrives in pieces over many requests: this keeps,
 * per run and stream, the bounded log and the metric parser between pieces, with the same
 * rules as `mlwb run`. State is dropped when the run ends.
 */
export class OutputIngest {
  private readonly open = new Map<string, OpenStream>();

  constructor(private readonly patterns: string[] = []) {}

  push(store: Store, runId: string, stream: Stream, text: string, now = Date.now()): number {
    const s = this.streamOf(store, runId, stream);
    s.log.push(text);
    // A printed step past 2^53 cannot be stored exactly: that point is left out, not the whole output.
    const points = s.parser.push(text, now).filter((p) => storableStep(p.step));
    store.transaction(() => {
      if (points.length) store.logMetrics(runId, points);
      store.setLog(runId, s.log.toRunLog());
    });
    return points.length;
  }

  /** Reads what the parsers still hold (a last line without newline) and forgets the run. */
  finish(store: Store, runId: string): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = `${runId}:${stream}`;
      const s = this.open.get(key);
      if (!s) continue;
      this.open.delete(key);
      const points = s.parser.end().filter((p) => storableStep(p.step));
      if (points.length && store.hasRun(runId)) store.logMetrics(runId, points);
    }
  }

  finishAll(store: Store): void {
    for (const key of [...this.open.keys()]) this.finish(store, key.slice(0, key.indexOf(':')));
  }

  private streamOf(store: Store, runId: string, stream: Stream): OpenStream {
    const key = `${runId}:${stream}`;
    let s = this.open.get(key);
    if (!s) {
      s = { log: new LogCapture(stream), parser: new OutputMetricParser({ patterns: this.patterns }) };
      // Continue a log stored before this endpoint started (its byte count restarts from the kept text).
      const stored = store.getLog(runId, stream);
      if (stored) s.log.push(stored.content);
      this.open.set(key, s);
    }
    return s;
  }
}

export function outputOp(store: Store, output: OutputIngest, runId: string, body: Record<string, unknown>): void {
  const stream = optString(body, 'stream');
  if (stream !== 'stdout' && stream !== 'stderr') throw badRequest('"stream" must be "stdout" or "stderr".');
  const text = optString(body, 'text');
  if (text === undefined) throw badRequest('"text" is required.');
  requireRun(store, runId);
  output.push(store, runId, stream, text);
}
