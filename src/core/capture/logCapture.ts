import type { RunLog } from '../store/types';

export const DEFAULT_HEAD_BYTES = 1024 * 1024;
export const DEFAULT_TAIL_BYTES = 1024 * 1024;

/**
 * One output stream of a run, bounded: the first `headBytes` and the last `tailBytes` are kept
 * (where a crash's traceback and the final results are), the middle of a huge log is dropped
 * and replaced by a marker line saying how much is missing.
 */
export class LogCapture {
  private readonly head: Buffer;
  private headLength = 0;
  private tail: Buffer[] = [];
  private tailLength = 0;
  private total = 0;
  private readonly headBytes: number;
  private readonly tailBytes: number;

  constructor(readonly stream: 'stdout' | 'stderr', options: { headBytes?: number; tailBytes?: number } = {}) {
    this.headBytes = options.headBytes ?? DEFAULT_HEAD_BYTES;
    this.tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
    this.head = Buffer.alloc(this.headBytes);
  }

  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += data.length;
    const toHead = Math.min(data.length, this.headBytes - this.headLength);
    if (toHead > 0) {
      data.copy(this.head, this.headLength, 0, toHead);
      this.headLength += toHead;
      data = data.subarray(toHead);
    }
    if (data.length === 0 || this.tailBytes === 0) return;
    // Copy: the caller may reuse its buffer.
    this.tail.push(Buffer.from(data.subarray(Math.max(0, data.length - this.tailBytes))));
    this.tailLength += Math.min(data.length, this.tailBytes);
    while (this.tailLength - this.tail[0].length >= this.tailBytes) this.tailLength -= this.tail.shift()!.length;
  }

  /** The log as stored: head, the omission marker when bytes were dropped, tail. */
  toRunLog(): RunLog {
    const head = this.head.subarray(0, this.headLength);
    let tail = Buffer.concat(this.tail, this.tailLength);
    if (tail.length > this.tailBytes) tail = tail.subarray(tail.length - this.tailBytes);
    if (this.total === head.length + tail.length) {
      return { stream: this.stream, content: Buffer.concat([head, tail]).toString('utf8'), totalBytes: this.total, truncated: false };
    }
    // Cut at character boundaries so the edges do not decode as replacement characters.
    const headEnd = utf8Boundary(head, head.length);
    const tailStart = utf8Boundary(tail, 0);
    const headText = head.subarray(0, headEnd).toString('utf8');
    const tailText = tail.subarray(tailStart).toString('utf8');
    const omitted = this.total - headEnd - (tail.length - tailStart);
    const marker = omissionMarker(headText, omitted);
    return { stream: this.stream, content: headText + marker + tailText, totalBytes: this.total, truncated: true };
  }
}

/** The line that stands for the bytes dropped from the middle of a log. */
export function omissionMarker(before: string, omitted: number): string {
  return `${before.endsWith('\n') || before === '' ? '' : '\n'}… [${omitted} bytes omitted] …\n`;
}

/** The nearest index at or after `from` (or at `end` going back) that does not split a UTF-8 character. */
export function utf8Boundary(buf: Buffer, from: number): number {
  if (from === buf.length) {
    // Going back from the end: drop an incomplete trailing sequence.
    let i = buf.length - 1;
    while (i >= 0 && i > buf.length - 4 && (buf[i] & 0xc0) === 0x80) i--;
    if (i < 0) return buf.length;
    const lead = buf[i];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return buf.length - i >= need ? buf.length : i;
  }
  let i = from;
  while (i < buf.length && i < from + 3 && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}
