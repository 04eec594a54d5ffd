import type { RunStatus } from '../../store/types';
import { HttpError } from '../httpError';
import { jsonNumber, metricValue } from '../fields';
import type { RouteRequest } from '../route';

/** MLflow's wire conventions: request fields from a query string or a JSON body, errors, paging. */

export const invalid = (message: string) => new HttpError(400, 'INVALID_PARAMETER_VALUE', message);
export const missing = (message: string) => new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', message);
export const exists = (message: string) => new HttpError(400, 'RESOURCE_ALREADY_EXISTS', message);

/**
 * A request's fields: GET requests carry them in the query string (repeated keys for lists),
 * POST requests in a JSON body. int64 fields may arrive as JSON strings (protobuf's JSON form).
 */
export class Args {
  private constructor(private readonly json: Record<string, unknown> | undefined, private readonly query: URLSearchParams) {}

  static async of(r: RouteRequest): Promise<Args> {
    return r.req.method === 'GET' ? new Args(undefined, r.query) : new Args(await r.body(), r.query);
  }

  private raw(name: string): unknown {
    return this.json ? this.json[name] : this.query.get(name) ?? undefined;
  }

  str(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a string.`);
    return v;
  }

  reqStr(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw invalid(`Missing value for required parameter '${name}'.`);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an integer.`);
    return n;
  }

  /** A double: a number, or "NaN" / "Infinity" / "-Infinity" as protobuf's JSON writes them. */
  double(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    const n = metricValue(v) ?? (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
    if (n === undefined) throw invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a number.`);
    return n;
  }

  /** An enum field: its name, or its number when a client sends that. */
  enumName(name: string): string | undefined {
    const v = this.raw(name);
    return typeof v === 'number' ? String(v) : this.str(name);
  }

  strList(name: string): string[] {
    if (!this.json) return this.query.getAll(name);
    const v = this.json[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalid(`Parameter '${name}' must be a list of strings.`);
    return v as string[];
  }

  /** A repeated message field (JSON only). */
  objList(name: string): Record<string, unknown>[] {
    const v = this.json?.[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((o) => typeof o !== 'object' || o === null || Array.isArray(o))) {
      throw invalid(`Parameter '${name}' must be a list of objects.`);
    }
    return v as Record<string, unknown>[];
  }
}

/** Key/value pairs of a repeated `{key, value}` field, every value a string. */
export function keyValues(list: Record<string, unknown>[], what: string): { key: string; value: string }[] {
  return list.map((kv) => {
    if (typeof kv.key !== 'string' || kv.key === '') throw invalid(`Missing value for required parameter 'key' of a ${what}.`);
    if (typeof kv.value !== 'string') throw invalid(`Invalid value for ${what} '${kv.key}': expected a string.`);
    return { key: kv.key, value: kv.value };
  });
}

// MLflow has no "crashed": a run whose process died unannounced did not finish, and nobody
// stopped it on purpose (KILLED), so it reads as FAILED — as MLflow's own client reports a
// run that ended in an exception. Nothing maps back to crashed: only mlwb's sweep decides that.
const TO_MLFLOW: Record<RunStatus, string> = { running: 'RUNNING', finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED', crashed: 'FAILED' };
const FROM_MLFLOW: Record<string, RunStatus> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

export function toMlflowStatus(s: RunStatus): string {
  return TO_MLFLOW[s];
}

export function fromMlflowStatus(s: string): RunStatus {
  const status = FROM_MLFLOW[s.toUpperCase()];
  if (!status) throw invalid(`Invalid run status ${JSON.stringify(s)}: one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.`);
  return status;
}

/** MLflow experiment ids are the decimal strings of our integer ids. */
export function parseExperimentId(id: string): number {
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id))) throw invalid(`Invalid experiment id ${JSON.stringify(id)}: expected an integer string.`);
  return Number(id);
}

export function metricJson(key: string, value: number, timestamp: number, step: number) {
  return { key, value: jsonNumber(value), timestamp, step };
}

/** Page tokens are opaque to clients: base64 of `{"offset": n}`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw invalid(`Invalid page token ${JSON.stringify(token)}.`);
}

/** view_type / run_view_type: the enum's name or number; ACTIVE_ONLY when absent. */
export function viewStages(v: string | undefined): ('active' | 'deleted')[] {
  switch ((v ?? 'ACTIVE_ONLY').toUpperCase()) {
    case 'ACTIVE_ONLY': case '1': return ['active'];
    case 'DELETED_ONLY': case '2': return ['deleted'];
    case 'ALL': case '3': return ['active', 'deleted'];
    default: throw invalid(`Invalid view type ${JSON.stringify(v)}: ACTIVE_ONLY, DELETED_ONLY or ALL.`);
  }
}
