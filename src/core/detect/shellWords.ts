// A terminal command line as the words of one simple command: enough to recognise
// `python3 train.py --lr 0.05`, `FOO=1 python train.py "a b"`, without being a shell.

export interface SimpleCommand {
  /** Leading `NAME=value` assignments. */
  env: Record<string, string>;
  words: string[];
}

/**
 * Splits a command line on blanks with POSIX quoting (`'…'`, `"…"`, `\`). Returns undefined for
 * anything that is not one simple command (pipes, `&&`, `;`, redirections, substitutions):
 * those are not tracked, rather than tracked wrongly.
 */
export function parseSimpleCommand(line: string): SimpleCommand | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '$' || line[j] === '`') return undefined;
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        word += line[j];
      }
      if (j >= line.length) return undefined;
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ('|&;<>()`$\n'.includes(c)) {
      return undefined;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  const env: Record<string, string> = {};
  while (words.length > 1 && /^[A-Za-z_]\w*=/.test(words[0])) {
    const [assignment] = words.splice(0, 1);
    const eq = assignment.indexOf('=');
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return words.length ? { env, words } : undefined;
}

/** How a command in a list is joined to the one before it. */
export type ListOperator = ';' | '&&' | '||' | '|' | '&';

export interface ListedCommand extends SimpleCommand {
  /** The operator before this command; undefined for the first. */
  after?: ListOperator;
}

const OPERATORS: readonly ListOperator[] = ['&&', '||', ';', '|', '&'];
/** `>`, `>>`, `2>`, `&>`, `2>&1`, `<`, `<<<`: the redirection, and whether its target is the next word. */
const REDIRECTION = /^(?:\d*>>?|&>>?|\d*<{1,3}|\d*>&\d*-?|\d*<&\d*-?)/;

/**
 * Splits a command list (`clear; python train.py`, `cd exp && python a.py | tee log`) into its
 * simple commands, with quoting as `parseSimpleCommand` and redirections dropped. Returns
 * undefined for what cannot be read without a shell: substitutions, subshells, unclosed quotes.
 */
export function parseCommandList(line: string): ListedCommand[] | undefined {
  const commands: ListedCommand[] = [];
  let after: ListOperator | undefined;
  let rest = line.replace(/\\\n/g, '');
  for (;;) {
    const cut = nextOperator(rest);
    if (cut === undefined) return undefined;
    const text = stripRedirections(rest.slice(0, cut.index));
    if (text === undefined) return undefined;
    if (text.trim()) {
      const parsed = parseSimpleCommand(text.trim());
      if (!parsed) return undefined;
      commands.push(after ? { ...parsed, after } : parsed);
    }
    if (!cut.op) break;
    after = cut.op;
    rest = rest.slice(cut.index + cut.op.length);
  }
  return commands;
}

/** The first unquoted list operator (or the end); undefined on an unclosed quote. */
function nextOperator(text: string): { index: number; op?: ListOperator } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'" || c === '"') {
      const end = c === "'" ? text.indexOf("'", i + 1) : closingDoubleQuote(text, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (c === '\n') return { index: i, op: ';' };
    else if (c === '>' || c === '<') {
      // `2>&1`, `&>`: the `&` belongs to the redirection, not a list operator.
      while (text[i + 1] === '&' || text[i + 1] === '>' || /\d/.test(text[i + 1] ?? '')) i++;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op && !(op === '&' && text[i + 1] === '>')) return { index: i, op };
    }
  }
  return { index: text.length };
}

function closingDoubleQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

/** Removes unquoted redirections and their targets (`> log.txt`, `2>&1`). */
function stripRedirections(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = c === "'" ? text.indexOf("'", i + 1) : closingDoubleQuote(text, i + 1);
      if (end < 0) return undefined;
      out += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '\\') {
      out += text.slice(i, i + 2);
      i++;
      continue;
    }
    const atWordStart = i === 0 || /\s/.test(text[i - 1]);
    const redirection = atWordStart ? REDIRECTION.exec(text.slice(i)) : null;
    if (redirection && /[<>]/.test(redirection[0])) {
      i += redirection[0].length;
      if (!/&\d*-?$/.test(redirection[0])) {
        // The target word follows, after optional blanks.
        while (i < text.length && /\s/.test(text[i])) i++;
        while (i < text.length && !/\s/.test(text[i])) i++;
      }
      i--;
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}
