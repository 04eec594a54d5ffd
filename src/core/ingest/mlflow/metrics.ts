import { metricValue } from '../fields';
import type { RouteRequest } from '../route';
import { RESPONDED } from '../route';
import { mlflowData } from './mlflowDb';
import { activeRunOrThrow, checkKey, logParams, runOrThrow, setTags } from './runs';
import { Args, decodePageToken, encodePageToken, invalid, keyValues } from './wire';

/** log-metric, log-batch (with MLflow's per-request limits) and get-history (paged from the chunked series). */

export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;

interface Columns {
  steps: number[];
  timestamps: number[];
  values: number[];
}

function int64(v: unknown, what: string, fallback?: number): number {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw invalid(`Missing value for required parameter '${what}'.`);
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${what}' supplied: expected an integer.`);
  return n;
}

function addMetric(series: Map<string, Columns>, m: Record<string, unknown>): void {
  if (typeof m.key !== 'string') throw invalid("Missing value for required parameter 'key' of a metric.");
  const value = metricValue(m.value);
  if (value === undefined) throw invalid(`Invalid value ${JSON.stringify(m.value)} for metric '${m.key}': expected a number.`);
  let cols = series.get(m.key);
  if (!cols) {
    checkKey(m.key, 'metric');
    series.set(m.key, (cols = { steps: [], timestamps: [], values: [] }));
  }
  cols.timestamps.push(int64(m.timestamp, 'timestamp'));
  cols.steps.push(int64(m.step, 'step', 0));
  cols.values.push(value);
}

export async function logMetric(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const run = activeRunOrThrow(data, args.str('run_id') || args.reqStr('run_uuid'));
  const series = new Map<string, Columns>();
  addMetric(series, { key: args.reqStr('key'), value: args.double('value'), timestamp: args.int('timestamp'), step: args.int('step') });
  r.ctx.store.transaction(() => {
    for (const [key, cols] of series) r.ctx.store.metrics.appendSeries(run.id, key, cols);
  });
  r.ctx.seen(run.id);
  return {};
}

export async function logBatch(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const metrics = args.objList('metrics');
  const params = keyValues(args.objList('params'), 'param');
  const tags = keyValues(args.objList('tags'), 'tag');
  if (metrics.length > MAX_METRICS_PER_BATCH) {
    throw invalid(`A batch logging request can contain at most ${MAX_METRICS_PER_BATCH} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
  }
  if (params.length > MAX_PARAMS_TAGS_PER_BATCH) {
    throw invalid(`A batch logging request can contain at most ${MAX_PARAMS_TAGS_PER_BATCH} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
  }
  if (tags.length > MAX_PARAMS_TAGS_PER_BATCH) {
    throw invalid(`A batch logging request can contain at most ${MAX_PARAMS_TAGS_PER_BATCH} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
  }
  const total = metrics.length + params.length + tags.length;
  if (total > MAX_ENTITIES_PER_BATCH) {
    throw invalid(`A batch logging request can contain at most ${MAX_ENTITIES_PER_BATCH} metrics, params, and tags in total. Got ${total} total entities. Please split up across multiple requests and try again.`);
  }
  const run = activeRunOrThrow(data, args.str('run_id') || args.reqStr('run_uuid'));
  const series = new Map<string, Columns>();
  for (const m of metrics) addMetric(series, m);
  // All of it or none of it: a refused param leaves no metric behind.
  r.ctx.store.transaction(() => {
    logParams(data, run.id, params);
    setTags(data, run.id, tags);
    for (const [key, cols] of series) r.ctx.store.metrics.appendSeries(run.id, key, cols);
  });
  // MLflow clients send no pid: what they log is how their runs are known to be alive.
  r.ctx.seen(run.id);
  return {};
}

/**
 * metrics/get-history. Without max_results the whole series comes back (MLflow's unpaged
 * form); with it, pages are read straight from the chunks, offset carried in the page token.
 * The response is written by hand: it can hold millions of points.
 */
export async function getMetricHistory(r: RouteRequest) {
  const args = await Args.of(r);
  const data = mlflowData(r.ctx.store);
  const run = runOrThrow(data, args.str('run_id') || args.reqStr('run_uuid'));
  const key = args.reqStr('metric_key');
  const maxResults = args.int('max_results');
  if (maxResults !== undefined && maxResults < 1) throw invalid(`Invalid value ${maxResults} for parameter 'max_results': it must be at least 1.`);
  const offset = decodePageToken(args.str('page_token'));
  const page = r.ctx.store.readMetric(run.id, key, offset, maxResults ?? Number.MAX_SAFE_INTEGER);
  const total = r.ctx.store.metrics.summariesOf(run.id)[key]?.count ?? 0;
  const items = page ? await r.ctx.history.format(key, page) : [];
  const next = page && maxResults !== undefined && offset + page.values.length < total ? `,"next_page_token":${JSON.stringify(encodePageToken(offset + page.values.length))}` : '';
  const body = Buffer.concat([Buffer.from('{"metrics":['), ...items, Buffer.from(`]${next}}`)]);
  r.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  r.res.end(body);
  return RESPONDED;
}
