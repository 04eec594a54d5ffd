// The one contract between the drift report webview and its host. The webview says `ready`; the
// host answers with the complete report (or the progress of one still being computed).
import type { DriftReport } from '../../src/core/drift/types';

export type HostToWebview =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'report'; report: DriftReport }
  | { type: 'failed'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'cancel' };
