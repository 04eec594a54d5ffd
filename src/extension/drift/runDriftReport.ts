// Starts a drift report in a worker thread and relays its progress; the extension host's thread
// only receives the finished report. cancel() terminates the worker (and its column workers).
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlwbError } from '../../core/errors';
import type { ReportJob, ReportWorkerMessage } from '../../core/drift/reportWorker';
import type { DriftReport } from '../../core/drift/types';

export interface RunningReport {
  result: Promise<DriftReport>;
  cancel(): void;
}

export function runDriftReport(distDir: string, job: ReportJob, onProgress: (done: number, total: number, message: string) => void): RunningReport {
  const worker = new Worker(path.join(distDir, 'driftReportWorker.js'), { workerData: job });
  let cancelled = false;
  const result = new Promise<DriftReport>((resolve, reject) => {
    worker.on('message', (m: ReportWorkerMessage) => {
      if (m.type === 'progress') onProgress(m.done, m.total, m.message);
      else if (m.type === 'report') resolve(m.report);
      else {
        const err = m.user ? new MlwbError(m.message) : new Error(m.message);
        if (m.stack && !m.user) err.stack = m.stack;
        reject(err);
      }
      if (m.type !== 'progress') void worker.terminate();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (cancelled) reject(new MlwbError('Drift report cancelled.'));
      else if (code !== 0) reject(new Error(`the drift report worker stopped (exit code ${code})`));
    });
  });
  return {
    result,
    cancel: () => {
      cancelled = true;
      void worker.terminate();
    },
  };
}
