// Runs a whole drift report in a worker thread (which starts its own column workers), so the
// extension host's thread only receives the finished, aggregated report. Terminating this worker
// cancels everything.
import { parentPort, workerData } from 'node:worker_threads';
import { MlwbError } from '../errors';
import { computeDrift } from './computeDrift';
import { fingerprintReport } from './saveReport';
import type { DriftOptions, DriftReport } from './types';

export interface ReportJob {
  reference: string;
  current: string;
  names: { reference: string; current: string };
  options: DriftOptions;
  cwd: string;
}

export type ReportWorkerMessage =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'report'; report: DriftReport }
  | { type: 'failed'; message: string; user: boolean; stack?: string };

const job = workerData as ReportJob;
const post = (m: ReportWorkerMessage) => parentPort!.postMessage(m);

computeDrift(job.reference, job.current, job.options, { names: job.names, onProgress: (done, total, message) => post({ type: 'progress', done, total, message }) })
  .then(async (report) => {
    post({ type: 'progress', done: 1, total: 1, message: 'fingerprinting the files' });
    await fingerprintReport(report, { reference: job.reference, current: job.current }, job.cwd);
    post({ type: 'report', report });
  })
  .catch((err: unknown) => {
    const user = err instanceof MlwbError;
    post({ type: 'failed', message: user ? err.oneLine : (err as Error).message, user, stack: (err as Error).stack });
  });
