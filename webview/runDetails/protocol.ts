// The one contract between the run details webview and its host. Both sides import these types;
// the webview imports nothing from `vscode`. The webview says `ready`; the host answers with a
// complete snapshot, and sends a new complete snapshot whenever the run changes.
import type { WireSeries } from '../../src/core/compare/displaySeries';
import type { RunRecord } from '../../src/core/store/types';

export interface RunDetailsSnapshot {
  run: RunRecord;
  /** The metric the Runs view shows for this run. */
  keyMetric: string | null;
  /** Each metric's series by step, downsampled for a chart (M4). */
  series: Record<string, WireSeries>;
}

export type HostToWebview =
  | { type: 'snapshot'; snapshot: RunDetailsSnapshot }
  | { type: 'deleted'; runId: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'copy'; text: string };
