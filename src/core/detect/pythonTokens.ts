// Python source as tokens: enough to read literal call arguments (argparse's `add_argument`)
// without running Python. Comments and line structure are dropped; strings are decoded when they
// are plain literals and marked unreadable when they are f-strings.

export type PyToken =
  | { kind: 'name'; text: string; line: number }
  | { kind: 'number'; text: string; line: number }
  | { kind: 'string'; value: string | null; line: number }
  | { kind: 'op'; text: string; line: number };

const STRING_PREFIX = /^[rRbBuUfF]{0,2}$/;
const NUMBER = /^(?:0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)/;
const NAME = /^[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*/;
const THREE_CHAR_OPS = ['**=', '//=', '>>=', '<<=', '...'];
const TWO_CHAR_OPS = ['==', '!=', '<=', '>=', '**', '//', '->', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>'];

export function tokenizePython(source: string): PyToken[] {
  const tokens: PyToken[] = [];
  let i = 0;
  let line = 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\\') {
      i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      i = readString(source, i, '', line, tokens);
      line += newlines(source, start, i);
    } else {
      const name = NAME.exec(source.slice(i, i + 256));
      if (name) {
        const next = source[i + name[0].length];
        if ((next === '"' || next === "'") && STRING_PREFIX.test(name[0])) {
          const start = i;
          i = readString(source, i + name[0].length, name[0].toLowerCase(), line, tokens);
          line += newlines(source, start, i);
          continue;
        }
        tokens.push({ kind: 'name', text: name[0], line });
        i += name[0].length;
        continue;
      }
      const number = /\d|\./.test(c) ? NUMBER.exec(source.slice(i, i + 128)) : null;
      if (number && number[0] !== '.') {
        tokens.push({ kind: 'number', text: number[0].replace(/_/g, ''), line });
        i += number[0].length;
        continue;
      }
      const op = [...THREE_CHAR_OPS, ...TWO_CHAR_OPS].find((o) => source.startsWith(o, i)) ?? c;
      tokens.push({ kind: 'op', text: op, line });
      i += op.length;
    }
  }
  return tokens;
}

function newlines(source: string, start: number, end: number): number {
  let n = 0;
  for (let k = start; k < end; k++) if (source[k] === '\n') n++;
  return n;
}

/** Reads one string literal starting at its quote; returns the index after it. */
function readString(source: string, start: number, prefix: string, line: number, tokens: PyToken[]): number {
  const quote = source[start];
  const triple = source.startsWith(quote.repeat(3), start);
  const delimiter = triple ? quote.repeat(3) : quote;
  const raw = prefix.includes('r');
  let i = start + delimiter.length;
  let value = '';
  for (;;) {
    if (i >= source.length) break;
    if (source.startsWith(delimiter, i)) {
      i += delimiter.length;
      break;
    }
    const c = source[i];
    if (c === '\n' && !triple) break; // an unterminated string: stop at the line's end
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1];
      value += raw ? c + next : unescape(next);
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  tokens.push({ kind: 'string', value: prefix.includes('f') || prefix.includes('b') ? null : value, line });
  return i;
}

function unescape(c: string): string {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '0': return '\0';
    case '\n': return '';
    default: return c;
  }
}
