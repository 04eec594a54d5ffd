import { badRequest } from './httpError';

/** Typed reads of request fields: a wrong type is the client's error (400), never a crash. */
type Obj = Record<string, unknown>;

export function optString(body: Obj, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`"${name}" must be a string.`);
  return v;
}

export function reqString(body: Obj, name: string): string {
  const v = optString(body, name);
  if (v === undefined || v === '') throw badRequest(`"${name}" is required.`);
  return v;
}

export function optNumber(body: Obj, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`"${name}" must be a finite number.`);
  return v;
}

export function optObject(body: Obj, name: string): Obj | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`"${name}" must be an object.`);
  return v as Obj;
}

export function optStringArray(body: Obj, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw badRequest(`"${name}" must be an array of strings.`);
  return v as string[];
}

/** A metric value: a JSON number, or "NaN" / "Infinity" / "-Infinity" (JSON has no literals for them). */
export function metricValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

/** How a number travels in JSON responses: non-finite values as their strings. */
export function jsonNumber(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}
