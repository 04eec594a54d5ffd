import type { Route } from '../route';
import { downloadArtifact, listArtifacts, uploadArtifact } from './artifacts';
import { createExperiment, getExperiment, getExperimentByName, searchExperiments } from './experiments';
import { getMetricHistory, logBatch, logMetric } from './metrics';
import { createRun, deleteRun, deleteTag, getRun, logParameter, restoreRun, setTag, updateRun } from './runs';
import { searchRuns } from './search';

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

function route(method: Route['method'], path: string, handle: Route['handle']): Route {
  return { method, pattern: new RegExp(`^${path.replace(/[.]/g, '\\.')}$`), handle };
}

/** The MLflow tracking REST API routes the `mlflow` Python client uses. */
export const MLFLOW_ROUTES: readonly Route[] = [
  route('GET', `${API}/experiments/get-by-name`, getExperimentByName),
  route('GET', `${API}/experiments/get`, getExperiment),
  route('POST', `${API}/experiments/create`, createExperiment),
  route('POST', `${API}/experiments/search`, searchExperiments),
  route('GET', `${API}/experiments/search`, searchExperiments),
  route('POST', `${API}/runs/create`, createRun),
  route('GET', `${API}/runs/get`, getRun),
  route('POST', `${API}/runs/update`, updateRun),
  route('POST', `${API}/runs/delete`, deleteRun),
  route('POST', `${API}/runs/restore`, restoreRun),
  route('POST', `${API}/runs/search`, searchRuns),
  route('GET', `${API}/runs/search`, searchRuns),
  route('POST', `${API}/runs/log-parameter`, logParameter),
  route('POST', `${API}/runs/log-metric`, logMetric),
  route('POST', `${API}/runs/set-tag`, setTag),
  route('POST', `${API}/runs/delete-tag`, deleteTag),
  route('POST', `${API}/runs/log-batch`, logBatch),
  route('GET', `${API}/metrics/get-history`, getMetricHistory),
  route('GET', ARTIFACTS, listArtifacts),
  { method: 'PUT', pattern: new RegExp(`^${ARTIFACTS}/(.+)$`), raw: true, handle: uploadArtifact },
  { method: 'GET', pattern: new RegExp(`^${ARTIFACTS}/(.+)$`), handle: downloadArtifact },
];
