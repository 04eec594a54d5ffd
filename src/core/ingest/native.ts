import { decodeArtifactPath } from './artifactPath';
import { parseBatch, writeBatch } from './batch';
import { createRunOp, datasetOp, endRunOp, requireRun } from './operations';
import { outputOp } from './output';
import { decodePathParam, type Route, type RouteRequest } from './route';

declare const __MLWB_VERSION__: string | undefined;
const VERSION = typeof __MLWB_VERSION__ === 'string' ? __MLWB_VERSION__ : 'dev';

const RUN = '/api/mlwb/v1/runs/([^/]+)';

/** The native API, exactly as ARCHITECTURE.md's protocol table spells it. */
export const NATIVE_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/mlwb\/v1\/health$/, handle: ({ ctx }) => ({ ok: true, version: VERSION, store: ctx.store.dir }) },
  { method: 'POST', pattern: /^\/api\/mlwb\/v1\/runs$/, handle: async ({ ctx, body }) => ({ run: createRunOp(ctx.store, await body()) }) },
  { method: 'POST', pattern: new RegExp(`^${RUN}/batch$`), handle: batch },
  { method: 'POST', pattern: new RegExp(`^${RUN}/output$`), handle: async ({ ctx, params, body }) => {
    const b = await body();
    const id = runId(params[0]);
    outputOp(ctx.store, ctx.output, id, b);
    ctx.seen(id);
    return { ok: true };
  } },
  { method: 'POST', pattern: new RegExp(`^${RUN}/datasets$`), handle: async ({ ctx, params, body }) => {
    datasetOp(ctx.store, runId(params[0]), await body());
    return { ok: true };
  } },
  { method: 'PUT', pattern: new RegExp(`^${RUN}/artifacts/(.+)$`), raw: true, handle: uploadArtifact },
  { method: 'POST', pattern: new RegExp(`^${RUN}/end$`), handle: async ({ ctx, params, body }) => {
    const id = runId(params[0]);
    endRunOp(ctx.store, id, await body());
    ctx.output.finish(ctx.store, id);
    return { ok: true };
  } },
];

function runId(encoded: string): string {
  return decodePathParam(encoded, 'run id').toLowerCase();
}

async function batch({ ctx, params, body }: RouteRequest) {
  const id = runId(params[0]);
  const parsed = parseBatch(await body());
  requireRun(ctx.store, id);
  const written = writeBatch(ctx.store, id, parsed);
  ctx.seen(id);
  return { ok: true, ...written };
}

async function uploadArtifact({ ctx, params, req }: RouteRequest) {
  const id = runId(params[0]);
  const artifactPath = decodeArtifactPath(params[1]);
  requireRun(ctx.store, id);
  const { sha256, bytes } = await ctx.artifacts.put(req, ctx.limits.artifactBytes);
  ctx.store.addArtifact(id, { path: artifactPath, sha256, bytes });
  return { path: artifactPath, sha256, bytes };
}
