import type { RouteRequest } from '../route';
import { experimentJson } from './convert';
import { compileFilter, type FilterValue } from './filter';
import { mlflowData, type ExperimentRow, type MlflowData } from './mlflowDb';
import { Args, decodePageToken, encodePageToken, exists, invalid, keyValues, missing, parseExperimentId, viewStages } from './wire';

/** experiments/get-by-name|get|create|search */

/** An experiment by MLflow id; "0" is the Default experiment, created on first use. */
export function experimentOrThrow(data: MlflowData, id: string): ExperimentRow {
  const n = parseExperimentId(id);
  const found = data.experiment(n);
  if (found) return found;
  if (n === 0) return data.defaultExperiment();
  throw missing(`No Experiment with id=${id} exists`);
}

export async function getExperimentByName(r: RouteRequest) {
  const args = await Args.of(r);
  const name = args.reqStr('experiment_name');
  const data = mlflowData(r.ctx.store);
  const e = name === 'Default' ? data.defaultExperiment() : data.experimentByName(name);
  if (!e) throw missing(`Could not find experiment with name '${name}'`);
  return { experiment: experimentJson(data, e) };
}

export async function getExperiment(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  return { experiment: experimentJson(data, experimentOrThrow(data, args.reqStr('experiment_id'))) };
}

export async function createExperiment(r: RouteRequest) {
  const args = await Args.of(r);
  const name = args.reqStr('name');
  const data = mlflowData(r.ctx.store);
  const tags = Object.fromEntries(keyValues(args.objList('tags'), 'tag').map((t) => [t.key, t.value]));
  return r.ctx.store.transaction(() => {
    if (data.experimentByName(name)) throw exists(`Experiment(name=${name}) already exists.`);
    const id = name === 'Default' ? data.defaultExperiment().id : data.createExperiment(name, args.str('artifact_location') || undefined, tags);
    return { experiment_id: String(id) };
  });
}

const EXPERIMENT_ORDER = ['experiment_id', 'name', 'creation_time', 'last_update_time'];

export async function searchExperiments(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const maxResults = args.int('max_results') ?? 1000;
  if (maxResults < 1 || maxResults > 50000) throw invalid(`Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and 50000.`);
  const stages = viewStages(args.enumName('view_type'));
  const value = (e: ExperimentRow, key: string): FilterValue =>
    key === 'name' ? e.name : key === 'experiment_id' ? e.id : key === 'creation_time' ? e.created_at : e.last_update_time ?? e.created_at;
  const filter = compileFilter<ExperimentRow>(args.str('filter') ?? '', ({ entity, key }) => {
    if (entity === 'tag') return { kind: 'string', get: (e) => data.experimentTags(e.id).find((t) => t.key === key)?.value };
    if (entity === 'attribute' && key === 'name') return { kind: 'string', get: (e) => e.name };
    if (entity === 'attribute' && (key === 'creation_time' || key === 'last_update_time')) return { kind: 'number', get: (e) => value(e, key) };
    throw invalid(`Invalid filter key '${key}' for experiments: use name, creation_time, last_update_time or tags.<key>.`);
  });
  const orders = args.strList('order_by').map((o) => {
    const m = /^\s*(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(o);
    if (!m || !EXPERIMENT_ORDER.includes(m[1])) throw invalid(`Invalid order_by clause '${o}': one of ${EXPERIMENT_ORDER.join(', ')}, with ASC or DESC.`);
    return { key: m[1], desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
  });
  const all = data.experiments().filter((e) => stages.includes(e.lifecycle_stage) && filter(e));
  all.sort((a, b) => {
    for (const o of orders.length ? orders : [{ key: 'creation_time', desc: true }, { key: 'experiment_id', desc: false }]) {
      const x = value(a, o.key)!;
      const y = value(b, o.key)!;
      if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
    }
    return a.id - b.id;
  });
  const offset = decodePageToken(args.str('page_token'));
  const page = all.slice(offset, offset + maxResults);
  return {
    experiments: page.map((e) => experimentJson(data, e)),
    ...(offset + maxResults < all.length ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
  };
}
