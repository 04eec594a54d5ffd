// Which run a test reads: `{ id }` (a unique prefix), or the latest finished run matching
// `experiment`, `script`, `tag: k=v` and `name` together.
import * as path from 'node:path';
import { isScalar, type Node } from 'yaml';
import type { Store } from '../store/store';
import { RUN_STATUSES, type RunRecord, type RunStatus } from '../store/types';
import { Fields, report, writtenText, type ParseScope } from './fields';

export interface RunSelector {
  id?: string;
  experiment?: string;
  script?: string;
  tag?: { key: string; value: string };
  name?: string;
  /** Default: finished. */
  status?: RunStatus;
}

/** Runs that `reproducible-training` tests make carry this tag; selectors skip them unless asked. */
export const TEST_RUN_TAG = 'mlwb.test';

const KEYS = ['id', 'experiment', 'script', 'tag', 'name', 'status'] as const;

/** A selector from `{ experiment: …, … }`, or a bare run id. */
export function parseSelector(scope: ParseScope, node: Node | undefined, where: string): RunSelector | undefined {
  if (node === undefined) return undefined;
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    const id = writtenText(scope, node) ?? '';
    if (!/^[0-9a-f]+$/i.test(id)) {
      report(scope, node, `${where}: "${id}" is not a run id; write { experiment: …, script: …, tag: k=v, name: … } or { id: … }.`);
      return undefined;
    }
    return { id: id.toLowerCase() };
  }
  const f = Fields.of(scope, node, where);
  if (!f) return undefined;
  f.onlyKeys(KEYS);
  const selector: RunSelector = {};
  const idNode = f.node('id');
  const id = idNode && writtenText(scope, idNode);
  if (idNode && !id) f.problem('id', `${where}: "id" is empty.`);
  if (id !== undefined) {
    if (/^[0-9a-f]+$/i.test(id)) selector.id = id.toLowerCase();
    else f.problem('id', `${where}: "${id}" is not a run id (ids are hexadecimal).`);
  }
  selector.experiment = f.string('experiment');
  selector.script = f.string('script');
  selector.name = f.string('name');
  const tag = f.string('tag');
  if (tag !== undefined) {
    const eq = tag.indexOf('=');
    if (eq <= 0) f.problem('tag', `${where}: tag takes key=value, not "${tag}".`);
    else selector.tag = { key: tag.slice(0, eq), value: tag.slice(eq + 1) };
  }
  selector.status = f.oneOf('status', RUN_STATUSES);
  if (f.keys().length === 0) {
    f.problem(undefined, `${where} is empty: give an id, or an experiment, script, tag or name.`);
    return undefined;
  }
  return selector;
}

export function describeSelector(s: RunSelector): string {
  if (s.id && Object.keys(s).length === 1) return `run ${s.id}`;
  const parts: string[] = [];
  if (s.id) parts.push(`id ${s.id}…`);
  if (s.experiment) parts.push(`experiment ${s.experiment}`);
  if (s.script) parts.push(`script ${s.script}`);
  if (s.tag) parts.push(`tag ${s.tag.key}=${s.tag.value}`);
  if (s.name) parts.push(`name ${s.name}`);
  return `the latest ${s.status ?? 'finished'} run with ${parts.join(', ')}`;
}

export type Resolution = { run: RunRecord } | { problem: string };

/** The run a selector names, or why there is none. */
export function resolveSelector(store: Store, s: RunSelector): Resolution {
  if (s.id && Object.keys(s).length === 1) {
    const matches = store.db.prepare<[string], { id: string }>(
      "SELECT id FROM runs WHERE id LIKE ? || '%' AND lifecycle_stage = 'active' LIMIT 2").all(s.id);
    if (matches.length === 0) return { problem: `no run has an id starting with ${s.id}` };
    if (matches.length > 1) return { problem: `run id prefix ${s.id} is ambiguous: give more characters` };
    return { run: store.getRun(matches[0].id)! };
  }
  const status = s.status ?? 'finished';
  const wantsTestRuns = s.tag?.key === TEST_RUN_TAG;
  // Ids first, newest first, and whole records one at a time: the first match ends the search.
  const ids = store.db.prepare<[{ status: string; experiment: string | null; id: string | null }], { id: string }>(`SELECT r.id FROM runs r
    JOIN experiments e ON e.id = r.experiment_id
    WHERE r.status = @status AND r.lifecycle_stage = 'active' AND (@experiment IS NULL OR e.name = @experiment)
      AND (@id IS NULL OR r.id LIKE @id || '%')
    ORDER BY r.start_time DESC, r.rowid DESC`).all({ status, experiment: s.experiment ?? null, id: s.id ?? null });
  for (const { id } of ids) {
    const run = store.getRun(id)!;
    if (s.name !== undefined && run.name !== s.name) continue;
    if (s.tag && run.tags[s.tag.key] !== s.tag.value) continue;
    if (s.script && !runsScript(run, s.script)) continue;
    if (!wantsTestRuns && run.tags[TEST_RUN_TAG] !== undefined) continue;
    return { run };
  }
  return { problem: `no ${status} run matches: ${describeSelector(s).replace(/^the latest \w+ run with /, '')}` };
}

/** True when the run's command runs `script` (by path as written, or by file name). */
function runsScript(run: RunRecord, script: string): boolean {
  const want = path.normalize(script);
  return run.command.some((arg) => {
    const a = path.normalize(arg);
    return a === want || path.basename(a) === want || a.endsWith(path.sep + want);
  });
}
