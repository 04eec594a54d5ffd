import type { RouteRequest } from '../route';
import { artifactUri, runJson } from './convert';
import { experimentOrThrow } from './experiments';
import { compileFilter, parseOrderBy, type Field, type FilterValue, type Identifier } from './filter';
import { mlflowData, type MlflowData, type RunRow } from './mlflowDb';
import { Args, decodePageToken, encodePageToken, invalid, toMlflowStatus, viewStages } from './wire';

/** runs/search: filter, order_by and paging over the runs of the given experiments. */

const MAX_RESULTS_DEFAULT = 1000;
const MAX_RESULTS_LIMIT = 50000;

/** A run with what filters and sorting read, loaded once per search. */
interface Candidate {
  row: RunRow;
  metrics: Record<string, number>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

const STRING_ATTRIBUTES: Record<string, (c: Candidate) => FilterValue> = {
  run_id: (c) => c.row.id,
  run_name: (c) => c.row.name,
  status: (c) => toMlflowStatus(c.row.status),
  user_id: (c) => c.row.user_id ?? '',
  artifact_uri: (c) => artifactUri(c.row),
  lifecycle_stage: (c) => c.row.lifecycle_stage,
};
const NUMBER_ATTRIBUTES: Record<string, (c: Candidate) => FilterValue> = {
  start_time: (c) => c.row.start_time,
  created: (c) => c.row.start_time,
  end_time: (c) => c.row.end_time,
};

function field({ entity, key }: Identifier): Field<Candidate> {
  switch (entity) {
    case 'metric': return { kind: 'number', get: (c) => (Object.hasOwn(c.metrics, key) ? c.metrics[key] : undefined) };
    case 'param': return { kind: 'string', get: (c) => c.params.get(key) };
    case 'tag': return { kind: 'string', get: (c) => c.tags.get(key) };
    default: {
      const name = key === 'run_uuid' ? 'run_id' : key === 'Created' ? 'created' : key;
      if (STRING_ATTRIBUTES[name]) return { kind: 'string', get: STRING_ATTRIBUTES[name] };
      if (NUMBER_ATTRIBUTES[name]) return { kind: 'number', get: NUMBER_ATTRIBUTES[name] };
      throw invalid(`Invalid attribute key '${key}' specified. Valid keys are ${[...Object.keys(STRING_ATTRIBUTES), ...Object.keys(NUMBER_ATTRIBUTES)].join(', ')}.`);
    }
  }
}

function load(data: MlflowData, row: RunRow): Candidate {
  const metrics: Record<string, number> = Object.fromEntries(Object.entries(data.store.metrics.summariesOf(row.id)).map(([k, m]) => [k, m.last]));
  const tags = new Map(data.tags(row.id).map((t) => [t.key, t.value]));
  if (!tags.has('mlflow.runName')) tags.set('mlflow.runName', row.name);
  return { row, metrics, params: new Map(data.params(row.id).map((p) => [p.key, p.value])), tags };
}

/** Missing (and NaN) values sort last whatever the direction, as MLflow's SQL store does. */
function compareBy(f: Field<Candidate>, desc: boolean) {
  return (a: Candidate, b: Candidate): number => {
    const x = f.get(a);
    const y = f.get(b);
    const xMissing = x == null || Number.isNaN(x);
    const yMissing = y == null || Number.isNaN(y);
    if (xMissing || yMissing) return xMissing === yMissing ? 0 : xMissing ? 1 : -1;
    if (x === y) return 0;
    return (x! < y! ? -1 : 1) * (desc ? -1 : 1);
  };
}

export async function searchRuns(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const maxResults = args.int('max_results') ?? MAX_RESULTS_DEFAULT;
  if (maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
    throw invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_RESULTS_LIMIT}, but got value ${maxResults}`);
  }
  const stages = viewStages(args.enumName('run_view_type'));
  const filter = compileFilter(args.str('filter') ?? '', field);
  const orders = args.strList('order_by').map((o) => {
    const { desc, ...id } = parseOrderBy(o);
    return compareBy(field(id), desc);
  });
  // Ties (and no order_by): newest first, then by id, so pages are stable.
  orders.push(compareBy(field({ entity: 'attribute', key: 'start_time' }), true));
  orders.push((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));

  const experimentIds = args.strList('experiment_ids');
  const runs: Candidate[] = [];
  for (const id of new Set(experimentIds)) {
    for (const row of data.runsOf(experimentOrThrow(data, id).id)) {
      if (!stages.includes(row.lifecycle_stage)) continue;
      const c = load(data, row);
      if (filter(c)) runs.push(c);
    }
  }
  runs.sort((a, b) => {
    for (const cmp of orders) {
      const d = cmp(a, b);
      if (d !== 0) return d;
    }
    return 0;
  });
  const offset = decodePageToken(args.str('page_token'));
  const page = runs.slice(offset, offset + maxResults);
  return {
    runs: page.map((c) => runJson(data, c.row)),
    ...(offset + maxResults < runs.length ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
  };
}
