// The marks `python/_terminal/sitecustomize.py` writes to a terminal when a top-level Python
// program starts (`ESC ] 6973 ; start ; <pid> ; <argv as JSON> BEL`) and exits (`… ; end ; <pid>
// BEL`). A command line's output is one stream; the marks say which program printed what.

export type TerminalEvent =
  | { kind: 'text'; text: string }
  | { kind: 'start'; pid: number; argv: string[] }
  | { kind: 'end'; pid: number };

const PREFIX = '\x1b]6973;';
/** A mark longer than this is not one (an argv this long is cut by the sender's OS limits anyway). */
const MAX_MARK_CHARS = 256 * 1024;

/** Splits raw terminal chunks into text and marks; a mark split across chunks is held until complete. */
export class ProgramMarkReader {
  private carry = '';

  push(chunk: string): TerminalEvent[] {
    const events: TerminalEvent[] = [];
    let text = this.carry + chunk;
    this.carry = '';
    for (;;) {
      const at = text.indexOf(PREFIX);
      if (at < 0) {
        const partial = partialPrefixAt(text);
        if (partial >= 0) {
          this.carry = text.slice(partial);
          text = text.slice(0, partial);
        }
        break;
      }
      const close = text.indexOf('\x07', at + PREFIX.length);
      if (close < 0) {
        if (text.length - at > MAX_MARK_CHARS) break; // not a mark: let it through as text
        this.carry = text.slice(at);
        text = text.slice(0, at);
        break;
      }
      if (at > 0) events.push({ kind: 'text', text: text.slice(0, at) });
      const mark = parseMark(text.slice(at + PREFIX.length, close));
      if (mark) events.push(mark);
      text = text.slice(close + 1);
    }
    if (text) events.push({ kind: 'text', text });
    return events;
  }

  /** What is still held at the end of the stream: text after all. */
  end(): TerminalEvent[] {
    const rest = this.carry;
    this.carry = '';
    return rest ? [{ kind: 'text', text: rest }] : [];
  }
}

/** Where a suffix of `text` could begin a mark still to be completed by the next chunk; -1 if none. */
function partialPrefixAt(text: string): number {
  const from = text.lastIndexOf('\x1b', text.length - 1);
  if (from < 0 || text.length - from >= PREFIX.length) return -1;
  return PREFIX.startsWith(text.slice(from)) ? from : -1;
}

function parseMark(body: string): TerminalEvent | undefined {
  const [kind, pidText] = body.split(';', 2);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (kind === 'end') return { kind: 'end', pid };
  if (kind !== 'start') return undefined;
  try {
    const argv = JSON.parse(body.slice(kind.length + pidText.length + 2)) as unknown;
    return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? { kind: 'start', pid, argv } : undefined;
  } catch {
    return undefined;
  }
}
