// A worker thread of the drift computation: reads a file or analyses a column on request, so the
// caller's thread (the extension host, the CLI's event loop) only assembles results.
import { parentPort } from 'node:worker_threads';
import { MlwbError } from '../errors';
import { analyseColumn } from './analyseColumn';
import { readTable } from './read/readTable';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';
import { tableTransferList } from './workerProtocol';

parentPort!.on('message', async (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    if (request.op === 'read') {
      const table = await readTable(request.file, request.shownAs);
      parentPort!.postMessage({ id: request.id, table } satisfies WorkerResponse, tableTransferList(table));
      return;
    }
    response = { id: request.id, column: analyseColumn(request.name, request.reference, request.current, request.request) };
  } catch (err) {
    const user = err instanceof MlwbError;
    response = { id: request.id, error: { message: (err as Error).message, hint: user ? err.hint : undefined, user, stack: (err as Error).stack } };
  }
  parentPort!.postMessage(response);
});
