// The one contract between the Compare webview and its host. Both sides import these types; the
// webview imports nothing from `vscode`. The webview says `ready`; the host answers with a
// complete snapshot; then live points arrive as `series` updates (append or replace) and the
// tables as `tables`, all pushed by the host when the store changes — the webview never polls.
import type { CompareTables } from '../../src/core/compare/compareTables';
import type { WireSeries } from '../../src/core/compare/displaySeries';
import type { Band, RunGroup } from '../../src/core/compare/groups';
import type { SeriesUpdate } from '../../src/core/compare/seriesFeed';

/** x of the charts: the step, seconds since the run started, or the wall clock. */
export type XAxisMode = 'step' | 'relative' | 'wall';

export interface RunSeries {
  runId: string;
  key: string;
  series: WireSeries;
}

export interface CompareSnapshot {
  tables: CompareTables;
  /** Start of each run, milliseconds since the epoch: relative time is x − start. */
  starts: Record<string, number>;
  xAxis: XAxisMode;
  series: RunSeries[];
  /** Parameters and tags the runs can be grouped by. */
  groupKeys: string[];
  /** What the webview keeps with setState, so a reloaded window can reopen the same comparison. */
  restore: CompareRestoreState;
}

export interface CompareRestoreState {
  folder: string;
  runIds: string[];
}

export type HostToWebview =
  | { type: 'snapshot'; snapshot: CompareSnapshot }
  | { type: 'series'; updates: SeriesUpdate[] }
  | { type: 'tables'; tables: CompareTables; starts: Record<string, number> }
  /** The answer to `zoom`: the range at full fidelity (up to the chart's budget) for every run. */
  | { type: 'zoomed'; requestId: number; key: string; series: RunSeries[] }
  /** The runs grouped by a parameter or tag, each metric of each group as mean and min–max band (x as the chart draws it); by null: ungrouped. */
  | { type: 'groups'; by: string | null; groups: RunGroup[]; bands: { key: string; group: string; band: Band }[] };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'xAxis'; xAxis: XAxisMode }
  | { type: 'groupBy'; by: string | null }
  /** x-range in the chart's own coordinates (relative: seconds since each run's start). */
  | { type: 'zoom'; requestId: number; key: string; xAxis: XAxisMode; lo: number; hi: number }
  | { type: 'saveCsv'; csv: string }
  | { type: 'savePng'; key: string; dataUrl: string }
  | { type: 'openRun'; runId: string };
