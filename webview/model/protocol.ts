// The one contract between the model page (custom editor for .onnx files) and its host. The
// webview says `ready`; the host answers with a complete snapshot; actions go out as requests
// and come back as typed results or errors. The webview imports nothing from `vscode`.
import type { EvaluationResult } from '../../src/core/inference/worker/evaluate';
import type { BenchmarkResult } from '../../src/core/inference/worker/benchmark';
import type { ImageOptionText } from '../../src/core/inference/io/imageOptions';
import type { ModelInfo } from '../../src/core/inference/modelInfo';
import type { BenchmarkHistoryEntry } from '../../src/core/inference/modelRuns';

export interface ProducingRunView {
  runId: string;
  runName: string;
  path: string;
}

export interface ModelSnapshot {
  fileName: string;
  info: ModelInfo;
  producedBy: ProducingRunView[];
  /** The workspace's inference device (the status bar picker). */
  device: string;
  /** Earlier benchmarks of this model (by sha256) on every device, newest first. */
  history: BenchmarkHistoryEntry[];
}

/** One output of Try It, ready to show: nested values, and top classes when the model has labels. */
export interface OutputView {
  name: string;
  type: string;
  dims: number[];
  values: unknown;
  topK: { label: string; score: number }[][] | null;
}

export type HostToWebview =
  | { type: 'snapshot'; snapshot: ModelSnapshot }
  | { type: 'device'; device: string }
  | { type: 'busy'; action: Action; message: string }
  | { type: 'tryResult'; device: string; outputs: OutputView[]; runMs: number }
  | { type: 'benchResult'; result: BenchmarkResult; history: BenchmarkHistoryEntry[] }
  | { type: 'evalResult'; result: EvaluationResult & { runId: string; data: string } }
  | { type: 'error'; action: Action; message: string };

export type Action = 'try' | 'bench' | 'eval';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'tryJson'; text: string }
  /** `image`: resize and normalisation for a PNG / JPEG, as typed (the host parses it). */
  | { type: 'tryFile'; image: ImageOptionText }
  /** `timeBudgetMs` instead of `iterations`: each batch size gets its share of the budget. */
  | { type: 'bench'; batches: number[]; iterations?: number; timeBudgetMs?: number }
  | { type: 'eval' }
  | { type: 'cancel' }
  | { type: 'selectDevice' }
  | { type: 'openRun'; runId: string };
