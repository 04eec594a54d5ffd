// Accept as Baseline: point a baseline test at the run it currently reads, by rewriting only the
// `baseline:` reference in the YAML text. The yaml Document API locates the node; the edit
// replaces that node's characters alone, so comments, layout and every other byte stay.
import { promises as fs } from 'node:fs';
import { isMap, isScalar, isSeq, parse, parseDocument, type Node, type Scalar } from 'yaml';
import type { Store } from '../store/store';
import type { BaselineSpec } from './kinds/baseline';
import { describeSelector, resolveSelector } from './selector';
import type { TestDefinition } from './types';

/** How many characters of a run id the file gets (more when that prefix is ambiguous). */
const ID_CHARS = 12;

export interface AcceptedBaseline {
  file: string;
  test: string;
  runId: string;
  /** The run the baseline named before, when it resolved. */
  previousRunId?: string;
}

/** `text` with test `testName`'s baseline reference replaced by `{ id: <id> }` (or just the id where one was written). */
export function rewriteBaselineReference(text: string, testName: string, id: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`the file does not parse: ${doc.errors[0].message.split('\n')[0]}`);
  const tests = isMap(doc.contents) ? doc.contents.get('tests', true) : undefined;
  const index = isSeq(tests) ? tests.items.findIndex((t) => isMap(t) && t.get('name') === testName) : -1;
  const item = isSeq(tests) ? tests.items[index] : undefined;
  if (!isMap(item)) throw new Error(`no test named "${testName}"`);
  const baseline = item.get('baseline', true) as Node | undefined;
  if (!baseline?.range) throw new Error(`test "${testName}" has no baseline to rewrite`);
  let target: Node = baseline;
  let replacement = `{ id: ${scalarText(id)} }`;
  if (isScalar(baseline)) {
    replacement = scalarText(id, baseline);
  } else if (isMap(baseline) && baseline.items.length === 1 && isScalar(baseline.items[0].key) && baseline.items[0].key.value === 'id' && isScalar(baseline.items[0].value)) {
    target = baseline.items[0].value;
    replacement = scalarText(id, baseline.items[0].value);
  }
  const [start, valueEnd] = target.range!;
  // A block mapping's range runs over its trailing line break and blanks: those stay.
  const end = start + text.slice(start, valueEnd).trimEnd().length;
  const out = text.slice(0, start) + replacement + text.slice(end);
  // The edit must mean what it says: the new file names the run and nothing else moved.
  const check = parseDocument(out);
  const value = (check.toJS() as { tests?: { baseline?: unknown }[] })?.tests?.[index]?.baseline;
  if (check.errors.length || !(value === id || (typeof value === 'object' && (value as { id?: unknown }).id === id))) {
    throw new Error('rewriting the baseline would change the file in unexpected ways; edit it by hand');
  }
  return out;
}

/** The id as YAML text: plain when it reads back as that string, else quoted (ids of digits only). */
function scalarText(id: string, was?: Scalar): string {
  if (was?.type === 'QUOTE_DOUBLE') return `"${id}"`;
  if (was?.type === 'QUOTE_SINGLE') return `'${id}'`;
  return typeof parse(id) === 'string' ? id : `"${id}"`;
}

/** Moves a baseline test's baseline to the run its `run:` selector picks now, and rewrites its file. */
export async function acceptBaseline(store: Store, test: TestDefinition<BaselineSpec>): Promise<AcceptedBaseline> {
  const current = resolveSelector(store, test.spec.run);
  if ('problem' in current) throw new Error(`${test.file}:${test.fieldLines.run ?? test.line}: ${current.problem} (${describeSelector(test.spec.run)})`);
  const previous = resolveSelector(store, test.spec.baseline);
  const runId = current.run.id;
  let id = runId.slice(0, ID_CHARS);
  const unique = resolveSelector(store, { id });
  if (!('run' in unique) || unique.run.id !== runId) id = runId;
  const text = await fs.readFile(test.file, 'utf8');
  const updated = rewriteBaselineReference(text, test.name, id);
  if (updated !== text) await fs.writeFile(test.file, updated);
  return { file: test.file, test: test.name, runId, previousRunId: 'run' in previous ? previous.run.id : undefined };
}
