import type { LogChunk } from '../store/logChunks';
import { DEFAULT_HEAD_BYTES, DEFAULT_TAIL_BYTES } from './logCapture';

export interface LogWrite {
  chunks: LogChunk[];
  /** [from, to): stored tail chunks that fell out of the kept tail. */
  drop?: [number, number];
}

/**
 * What of one output stream still has to be written, as byte-offset chunks, keeping the same
 * bound as `LogCapture`: the first `headBytes` and (about) the last `tailBytes`. Between writes
 * it holds at most that much, whatever the process prints.
 */
export class LogAppender {
  private total = 0;
  private pending: LogChunk[] = [];
  /** Offsets and ends of tail chunks already written, oldest first. */
  private readonly storedTail: { offset: number; end: number }[] = [];
  private readonly headBytes: number;
  private readonly tailBytes: number;

  constructor(options: { headBytes?: number; tailBytes?: number } = {}) {
    this.headBytes = options.headBytes ?? DEFAULT_HEAD_BYTES;
    this.tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  }

  push(chunk: Buffer): void {
    let offset = this.total;
    let data = chunk;
    this.total += data.length;
    if (offset < this.headBytes) {
      const toHead = Math.min(data.length, this.headBytes - offset);
      this.pending.push({ offset, content: Buffer.from(data.subarray(0, toHead)) });
      offset += toHead;
      data = data.subarray(toHead);
    }
    if (data.length === 0 || this.tailBytes === 0) return;
    const skip = Math.max(0, data.length - this.tailBytes);
    this.pending.push({ offset: offset + skip, content: Buffer.from(data.subarray(skip)) });
    // Pending tail chunks that fell out of the tail before being written are never written.
    const tailStart = this.tailStart();
    this.pending = this.pending.filter((c) => c.offset < this.headBytes || c.offset + c.content.length > tailStart);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The chunks to store now (neighbours merged) and the stored tail range to delete. */
  take(): LogWrite {
    const chunks: LogChunk[] = [];
    for (const c of this.pending) {
      const last = chunks.at(-1);
      const sameRegion = last && (last.offset < this.headBytes) === (c.offset < this.headBytes);
      if (last && sameRegion && last.offset + last.content.length === c.offset) last.content = Buffer.concat([last.content, c.content]);
      else chunks.push({ ...c });
    }
    this.pending = [];
    for (const c of chunks) if (c.offset >= this.headBytes) this.storedTail.push({ offset: c.offset, end: c.offset + c.content.length });
    const tailStart = this.tailStart();
    let dropTo = -1;
    while (this.storedTail.length && this.storedTail[0].end <= tailStart) dropTo = this.storedTail.shift()!.end;
    return dropTo > 0 ? { chunks, drop: [this.headBytes, dropTo] } : { chunks };
  }

  /** Where the kept tail begins: bytes before it (after the head) are dropped. */
  private tailStart(): number {
    return Math.max(this.headBytes, this.total - this.tailBytes);
  }
}
