// Parsing `mlwb.tests.yaml`: every test with its kind's fields, lines and problems. Nothing is
// run here; a file with problems runs none of its tests until they are fixed.
import { promises as fs } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { Fields, positionOf, report, type ParseScope } from './fields';
import { KINDS } from './kinds';
import type { ConfigProblem, TestDefinition } from './types';

export const CONFIG_FILE_NAME = 'mlwb.tests.yaml';
const COMMON_KEYS = ['name', 'kind', 'description'];

export interface TestConfig {
  file: string;
  tests: TestDefinition[];
  problems: ConfigProblem[];
}

export async function loadTestConfig(file: string): Promise<TestConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { file, tests: [], problems: [{ file, line: 1, column: 1, message: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }] };
  }
  return parseTestConfig(file, text);
}

export function parseTestConfig(file: string, text: string): TestConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const scope: ParseScope = { file, text, lines, problems: [] };
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      scope.problems.push({ file, line: Math.max(1, line), column: Math.max(1, col), message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return { file, tests: [], problems: scope.problems };
  }
  const root = doc.contents as Node | null;
  if (!isMap(root)) {
    report(scope, root, 'The file must be a mapping with a "tests:" list.');
    return { file, tests: [], problems: scope.problems };
  }
  const top = new Fields(scope, root, CONFIG_FILE_NAME);
  top.onlyKeys(['tests']);
  const list = top.node('tests');
  if (!isSeq(list)) {
    top.problem(list ? 'tests' : undefined, '"tests" must be a list of tests (lines starting with "- name: …").');
    return { file, tests: [], problems: scope.problems };
  }
  const tests: TestDefinition[] = [];
  const names = new Map<string, number>();
  list.items.forEach((item, index) => {
    const before = scope.problems.length;
    const test = parseTest(scope, item as Node, index, names);
    if (test && scope.problems.length === before) tests.push(test);
  });
  scope.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { file, tests, problems: scope.problems };
}

function parseTest(scope: ParseScope, item: Node, index: number, names: Map<string, number>): TestDefinition | undefined {
  const f = Fields.of(scope, item, `test ${index + 1}`);
  if (!f) return undefined;
  const name = f.string('name', true);
  const where = name ? `test "${name}"` : `test ${index + 1}`;
  const fields = new Fields(scope, f.map, where);
  const line = positionOf(scope, item).line;
  if (name !== undefined) {
    const earlier = names.get(name);
    if (earlier !== undefined) fields.problem('name', `${where}: another test on line ${earlier} has the same name; names must be unique in a file.`);
    else names.set(name, line);
  }
  const kindName = fields.string('kind', true);
  if (kindName === undefined) return undefined;
  const kind = KINDS.get(kindName);
  if (!kind) {
    fields.problem('kind', `${where}: unknown kind "${kindName}" (known: ${[...KINDS.keys()].join(', ')}).`);
    return undefined;
  }
  fields.string('description');
  fields.onlyKeys([...COMMON_KEYS, ...kind.keys]);
  const spec = kind.parse(fields);
  if (spec === undefined || name === undefined) return undefined;
  const fieldLines: Record<string, number> = {};
  for (const pair of f.map.items) {
    if (isScalar(pair.key)) fieldLines[String(pair.key.value)] = positionOf(scope, pair.key as Node).line;
  }
  const endOffset = item.range?.[1] ?? 0;
  return { file: scope.file, name, kind: kind.name, line, endLine: scope.lines.linePos(Math.max(0, endOffset - 1)).line, index, spec, fieldLines };
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}
