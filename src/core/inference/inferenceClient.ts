import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { ResultOf, WorkerMessage, WorkerRequest } from './worker/protocol';

type Op = WorkerRequest['op'];
type RequestBody<K extends Op> = Omit<Extract<WorkerRequest, { op: K }>, 'id' | 'op'>;

export interface CallOptions {
  onProgress?: (done: number, total: number, message?: string) => void;
  /** Aborting kills the inference process (the only way to stop a native call) and rejects. */
  signal?: AbortSignal;
}

interface Pending {
  op: Op;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: CallOptions['onProgress'];
}

/** dist/inferenceWorker.js: next to the bundle that uses it, or in dist/ when run from sources (tests). */
export function defaultWorkerPath(): string {
  const candidates = [path.join(__dirname, 'inferenceWorker.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'inferenceWorker.js')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/**
 * The host side of the inference process: started on first use, one request at a time inside
 * it; a crash or a cancellation rejects what was pending and the next call starts a fresh one.
 */
export class InferenceClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** What the inference process wrote to stderr since its last answer: the words of a crash. */
  private stderr = '';

  constructor(private readonly workerPath = defaultWorkerPath(), private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The inference process's id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  call<K extends Op>(op: K, body: RequestBody<K>, options: CallOptions = {}): Promise<ResultOf[K]> {
    if (options.signal?.aborted) return Promise.reject(new MlwbError('Cancelled.'));
    const child = this.start();
    const id = this.nextId++;
    return new Promise<ResultOf[K]>((resolve, reject) => {
      const abort = () => this.stop(new MlwbError('Cancelled.'));
      options.signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        op,
        resolve: (v) => {
          options.signal?.removeEventListener('abort', abort);
          resolve(v as ResultOf[K]);
        },
        reject: (e) => {
          options.signal?.removeEventListener('abort', abort);
          reject(e);
        },
        onProgress: options.onProgress,
      });
      child.send({ id, op, ...body } as WorkerRequest);
    });
  }

  /** Ends the inference process; pending calls reject with `reason`. */
  stop(reason: Error = new MlwbError('The inference process was stopped.')): void {
    const child = this.child;
    this.child = undefined;
    this.rejectAll(reason);
    child?.kill('SIGKILL');
  }

  dispose(): void {
    this.stop();
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    if (!existsSync(this.workerPath)) throw new MlwbError(`The inference worker is missing (${this.workerPath}).`, 'Rebuild mlwb (npm run build).');
    const child = fork(this.workerPath, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: this.env });
    this.stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.on('message', (m: WorkerMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const ops = [...new Set([...this.pending.values()].map((p) => p.op))].join(', ') || 'a request';
      this.rejectAll(exitError(ops, code, signal, this.stderr));
    });
    child.on('error', (err) => this.rejectAll(new MlwbError(`The inference process failed: ${err.message}.`)));
    this.child = child;
    return child;
  }

  private onMessage(message: WorkerMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total, message.message);
      return;
    }
    this.pending.delete(message.id);
    this.stderr = '';
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(new MlwbError(message.message, message.hint));
  }

  private rejectAll(reason: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(reason);
  }
}

/** V8's, the C++ runtime's and the kernel's words for memory that ran out. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|bad_alloc|Cannot allocate memory|out of memory|Failed to allocate/i;

/**
 * Why the inference process ended in the middle of `ops`. Running out of memory gets its own
 * message (a memory limit, V8's heap limit, or the kernel's OOM killer, which sends SIGKILL).
 */
function exitError(ops: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): MlwbError {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^at |^Node\.js v/.test(l));
  if (OUT_OF_MEMORY.test(stderr) || signal === 'SIGKILL') {
    const said = lines.find((l) => OUT_OF_MEMORY.test(l))?.replace(/^FATAL ERROR:\s*/, '');
    return new MlwbError(`The model ran out of memory during ${ops}: the inference process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${said ? ` (${said.slice(0, 200)})` : ''}.`,
      'Nothing else was affected; try a smaller batch (--batch, --batch-size), less data, or a smaller model.');
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const why = signal ? ' (native onnxruntime code crashed)' : '';
  // A JavaScript error names itself (e.g. a module that does not load); otherwise the last words.
  const detail = (lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.slice(-2).join(' ')).slice(0, 300);
  return new MlwbError(`The inference process ${how} during ${ops}${why}${detail ? `: ${detail}` : ''}.`,
    'Nothing else was affected; try a smaller batch or another device.');
}
