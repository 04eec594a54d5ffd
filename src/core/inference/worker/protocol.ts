import type { BenchmarkResult, BenchmarkRequest } from './benchmark';
import type { DeviceStatus } from './devices';
import type { EvaluationRequest, EvaluationResult } from './evaluate';
import type { ModelInfo } from '../modelInfo';
import type { InputFileOptions } from '../feeds';
import type { Feeds } from '../tensor';

/**
 * Messages between a host (CLI or extension) and the inference process, over Node's IPC channel
 * with structured-clone serialization, so typed arrays travel as they are.
 */
export type WorkerRequest =
  | { id: number; op: 'devices' }
  | { id: number; op: 'info'; model: string }
  | { id: number; op: 'run'; model: string; device: string; fallbackToCpu?: boolean
      /** The inputs, or a file to read them from here (images, .npz, CSV: decoding stays off the host). */
      feeds?: Feeds; inputFile?: string; inputOptions?: InputFileOptions }
  | ({ id: number; op: 'bench' } & BenchmarkRequest)
  | ({ id: number; op: 'eval' } & EvaluationRequest);

export interface RunResult {
  device: string;
  outputs: Feeds;
  /** When the chosen device failed and the caller allowed cpu instead: why. */
  fellBack?: string;
  sessionMs: number;
  runMs: number;
}

export interface ResultOf {
  devices: DeviceStatus[];
  info: ModelInfo;
  run: RunResult;
  bench: BenchmarkResult;
  eval: EvaluationResult;
}

export type WorkerMessage =
  | { id: number; type: 'progress'; done: number; total: number; message?: string }
  | { id: number; type: 'result'; result: unknown }
  | { id: number; type: 'error'; message: string; hint?: string };
