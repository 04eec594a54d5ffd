import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { checkArtifactDir, decodeArtifactPath } from '../artifactPath';
import { RESPONDED, type RouteRequest } from '../route';
import { mlflowData } from './mlflowDb';
import { activeRunOrThrow, runOrThrow } from './runs';
import { invalid, missing } from './wire';

/**
 * The artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/...`). Runs' artifact_uri is
 * `mlflow-artifacts:/<experiment>/<run>/artifacts`, so the client's paths are
 * `<experiment>/<run>/artifacts/<path in the run>`; files land in the content-addressed store.
 */

function split(full: string): { runId: string; rel: string } {
  const m = /^(\d+)\/([0-9a-fA-F]{32})\/artifacts(?:\/(.*))?$/.exec(full);
  if (!m) throw invalid(`Invalid artifact path '${full}': expected <experiment_id>/<run_id>/artifacts/<path>.`);
  return { runId: m[2].toLowerCase(), rel: m[3] ?? '' };
}

export async function uploadArtifact(r: RouteRequest) {
  const { runId, rel } = split(decodeArtifactPath(r.params[0]));
  if (!rel) throw invalid('An artifact upload needs a file path inside the run.');
  const data = mlflowData(r.ctx.store);
  const run = activeRunOrThrow(data, runId);
  const { sha256, bytes } = await r.ctx.artifacts.put(r.req, r.ctx.limits.artifactBytes);
  r.ctx.store.addArtifact(run.id, { path: rel, sha256, bytes });
  return {};
}

export async function downloadArtifact(r: RouteRequest) {
  const { runId, rel } = split(decodeArtifactPath(r.params[0]));
  const data = mlflowData(r.ctx.store);
  const run = runOrThrow(data, runId);
  const ref = rel ? data.artifact(run.id, rel) : undefined;
  if (!ref) throw missing(`No artifact '${rel}' in run ${run.id}.`);
  const file = r.ctx.artifacts.openable(ref.sha256);
  r.res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': ref.bytes });
  await pipeline(fs.createReadStream(file), r.res);
  return RESPONDED;
}

/** Lists one level below `path`: files with sizes, folders with is_dir, names relative to `path`. */
export function listArtifacts(r: RouteRequest) {
  const path = r.query.get('path');
  if (!path) return { files: [] };
  // The query is decoded already; re-encoding lets the one decoder apply its double-encoding check.
  const { runId, rel } = split(decodeArtifactPath(encodeURIComponent(path)));
  const dir = checkArtifactDir(rel);
  const data = mlflowData(r.ctx.store);
  const run = runOrThrow(data, runId);
  const prefix = dir ? `${dir}/` : '';
  const seen = new Set<string>();
  const files: { path: string; is_dir: boolean; file_size?: number }[] = [];
  for (const a of data.artifactsUnder(run.id, dir)) {
    if (!a.path.startsWith(prefix)) continue;
    const rest = a.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (seen.has(name)) continue;
    seen.add(name);
    files.push(slash < 0 ? { path: name, is_dir: false, file_size: a.bytes } : { path: name, is_dir: true });
  }
  return { files };
}
