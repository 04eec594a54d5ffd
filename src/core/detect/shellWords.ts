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
