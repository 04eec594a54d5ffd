// Real prose for the text-drift tests: the sentences of scikit-learn's dataset descriptions
// (Debian's python3-sklearn ships them as reStructuredText).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SKLEARN_DESCR = '/usr/lib/python3/dist-packages/sklearn/datasets/descr';

/** The sentences of these descriptions (of four words or more), in file order. */
export function descriptionSentences(names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const prose = fs.readFileSync(path.join(SKLEARN_DESCR, `${name}.rst`), 'utf8')
      .split('\n').filter((l) => !/^\s*(\.\.|[=\-~*:|+]{3,})/.test(l)).join(' ').replace(/\s+/g, ' ');
    for (const s of prose.split(/(?<=[.!?])\s+(?=[A-Z])/)) if (s.trim().split(' ').length >= 4) out.push(s.trim());
  }
  return out;
}

/** A one-column CSV (`name`) of these texts, quoted as RFC 4180 says. */
export function textCsv(name: string, texts: string[]): string {
  return [name, ...texts.map((t) => `"${t.replace(/"/g, '""')}"`)].join('\n') + '\n';
}
