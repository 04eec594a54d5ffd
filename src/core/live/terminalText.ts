// Terminal output as plain text: what a pty sends carries colour codes, cursor moves, title and
// shell-integration sequences, and CRLF line ends. The metric parser wants plain lines (and `\r` redraws).

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte escapes, and stray C0 controls.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/**
 * Strips escape sequences from a stream of chunks. A sequence split across two chunks is held
 * back until the next chunk completes it.
 */
export class TerminalTextDecoder {
  private carry = '';

  push(chunk: string): string {
    let text = this.carry + chunk;
    this.carry = '';
    const lastEsc = text.lastIndexOf('\x1b');
    if (lastEsc >= 0 && isIncomplete(text.slice(lastEsc))) {
      this.carry = text.slice(lastEsc);
      text = text.slice(0, lastEsc);
    }
    // `\r` alone redraws a line (progress bars): kept, so the metric parser reads redraws as
    // `mlwb run` gives them (one point per bar position, not per redraw).
    return text.replace(ESCAPES, '').replace(/\r\n/g, '\n');
  }

  end(): string {
    const rest = this.carry.replace(ESCAPES, '');
    this.carry = '';
    return rest;
  }
}

function isIncomplete(seq: string): boolean {
  if (seq.length > 4096) return false; // not an escape sequence worth waiting for
  if (seq.length === 1) return true;
  if (seq[1] === '[') return !/^\x1b\[[0-?]*[ -/]*[@-~]/.test(seq);
  if (seq[1] === ']') return !/\x07|\x1b\\/.test(seq);
  return false;
}
