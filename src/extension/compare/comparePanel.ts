// Hosts the Compare webview: any number of runs of one workspace folder. Speaks only the typed
// protocol: waits for `ready`, answers with a complete snapshot, then pushes the points logged
// since (from store change events, never a timer in the page) and answers zoom requests with the
// range at full fidelity, read from the chunks it covers.
import * as vscode from 'vscode';
import type { CompareSnapshot, HostToWebview, RunSeries, WebviewToHost, XAxisMode } from '../../../webview/compare/protocol';
import { compareTables } from '../../core/compare/compareTables';
import { type Band, groupBand, groupKeys, groupRuns } from '../../core/compare/groups';
import { SeriesFeed, type SeriesUpdate } from '../../core/compare/seriesFeed';
import type { StoreChange } from '../../core/live/storeChanges';
import type { RunRecord } from '../../core/store/types';
import type { FolderSession } from '../folderSession';
import { webviewHtml } from '../runDetails/html';
import { Disposable } from '../util/dispose';
import { saveExport } from './exports';

export const COMPARE_VIEW_TYPE = 'mlwb.compare';

/** Where a panel finds its folder's session again after the sessions were reopened (Refresh, trust). */
export interface SessionSource {
  sessionOf(folderUri: string): FolderSession | undefined;
  readonly onDidChangeSessions: vscode.Event<void>;
}
/** Points per series and chart: M4 keeps 4 per bucket, so ~500 pixel columns drawn exactly. */
const MAX_POINTS = 2000;
/** Live points arrive in bursts: one message per run burst at most this often. */
const FLUSH_MS = 100;
/** Buckets of a group's band: its mean line and min–max area. */
const BAND_BUCKETS = 250;

export class ComparePanel extends Disposable {
  private static readonly open = new Set<ComparePanel>();
  /** The panel "Add to Compare" adds to: the one focused last. */
  private static lastActive: ComparePanel | undefined;
  private ready = false;
  private xAxis: XAxisMode = 'step';
  private groupBy: string | null = null;
  private snapshotGeneration = 0;
  private groupsGeneration = 0;
  private feed: SeriesFeed;
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri, sessions: SessionSource, session: FolderSession, runIds: string[], log: vscode.LogOutputChannel): ComparePanel {
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare Runs', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    return new ComparePanel(panel, extensionUri, sessions, session, runIds, log);
  }

  /** A panel VS Code kept across a reload (see the serializer in workbench.ts). */
  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, sessions: SessionSource, session: FolderSession, runIds: string[],
    log: vscode.LogOutputChannel): ComparePanel {
    return new ComparePanel(panel, extensionUri, sessions, session, runIds, log);
  }

  static get active(): ComparePanel | undefined {
    return ComparePanel.lastActive;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    sessions: SessionSource,
    private session: FolderSession,
    private runIds: string[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.runIds = [...new Set(runIds)].filter((id) => session.store.hasRun(id));
    this.feed = new SeriesFeed(session.store.metrics, 'step', MAX_POINTS);
    const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.iconPath = new vscode.ThemeIcon('graph-line');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = webviewHtml(panel.webview, {
      title: 'Compare Runs',
      script: vscode.Uri.joinPath(dist, 'compare.js'),
      style: vscode.Uri.joinPath(dist, 'compare.css'),
    });
    ComparePanel.open.add(this);
    ComparePanel.lastActive = this;
    this._register({ dispose: () => {
      ComparePanel.open.delete(this);
      if (ComparePanel.lastActive === this) ComparePanel.lastActive = [...ComparePanel.open].at(-1);
    } });
    this._register(panel.webview.onDidReceiveMessage((msg: WebviewToHost) => this.receive(msg)));
    this._register(panel.onDidChangeViewState(() => {
      if (panel.active) ComparePanel.lastActive = this;
    }));
    let listener = session.onDidChange((change) => this.onStoreChange(change));
    this._register({ dispose: () => listener.dispose() });
    const folder = session.folder.uri.toString();
    this._register(sessions.onDidChangeSessions(() => {
      // The old session's store is closed: follow the folder to its new session, or close.
      const next = sessions.sessionOf(folder);
      listener.dispose();
      if (!next) {
        this.dispose();
        return;
      }
      this.session = next;
      listener = next.onDidChange((change) => this.onStoreChange(change));
      this.runIds = this.runIds.filter((id) => next.store.hasRun(id));
      if (this.runIds.length === 0) this.dispose();
      else void this.sendSnapshot();
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
    this.updateTitle();
    if (this.runIds.length === 0) queueMicrotask(() => this.dispose());
  }

  get folderSession(): FolderSession {
    return this.session;
  }

  get runs(): readonly string[] {
    return this.runIds;
  }

  addRuns(runIds: readonly string[]): void {
    const added = runIds.filter((id) => !this.runIds.includes(id) && this.session.store.hasRun(id));
    if (added.length === 0) return;
    this.runIds.push(...added);
    this.updateTitle();
    void this.sendSnapshot();
    this.panel.reveal();
  }

  private receive(msg: WebviewToHost): void {
    switch (msg.type) {
      case 'ready':
        // Also after the webview was reloaded: it always gets a complete snapshot.
        this.ready = true;
        void this.sendSnapshot();
        break;
      case 'xAxis':
        this.xAxis = msg.xAxis;
        void this.sendSnapshot();
        break;
      case 'groupBy':
        this.groupBy = msg.by;
        void this.sendGroups();
        break;
      case 'zoom':
        this.post({ type: 'zoomed', requestId: msg.requestId, key: msg.key, series: this.zoomed(msg.key, msg.xAxis, msg.lo, msg.hi) });
        break;
      case 'saveCsv':
        void saveExport(this.log, 'compare.csv', Buffer.from(msg.csv, 'utf8'), { CSV: ['csv'] });
        break;
      case 'savePng':
        void saveExport(this.log, `${msg.key.replace(/[^\w.-]+/g, '_')}.png`, Buffer.from(msg.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'), { PNG: ['png'] });
        break;
      case 'openRun':
        void vscode.commands.executeCommand('mlwb.openRun', msg.runId);
        break;
    }
  }

  private zoomed(key: string, xAxis: XAxisMode, lo: number, hi: number): RunSeries[] {
    const out: RunSeries[] = [];
    for (const run of this.records()) {
      // Relative time is seconds since each run's own start; the store holds wall-clock milliseconds.
      const offset = xAxis === 'relative' ? Date.parse(run.startTime) : 0;
      const scale = xAxis === 'relative' ? 1000 : 1;
      const series = this.feed.range(run.id, key, { lo: lo * scale + offset, hi: hi * scale + offset });
      if (series) out.push({ runId: run.id, key, series });
    }
    return out;
  }

  private records(): RunRecord[] {
    return this.runIds.flatMap((id) => this.session.store.getRun(id) ?? []);
  }

  /**
   * Reads every compared series one run at a time, letting the event loop run in between: fifty
   * runs of 100k points hold the extension host's thread a few milliseconds at a time, not for
   * the whole read. A newer snapshot (another axis, more runs) abandons an older one.
   */
  private async sendSnapshot(): Promise<void> {
    try {
      await this.buildSnapshot();
    } catch (err) {
      this.log.error(`compare: could not read the compared runs: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private async buildSnapshot(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    const generation = ++this.snapshotGeneration;
    const feed = new SeriesFeed(this.session.store.metrics, this.xAxis === 'step' ? 'step' : 'time', MAX_POINTS);
    const runs = this.records();
    const series: RunSeries[] = [];
    for (const run of runs) {
      for (const key of Object.keys(run.metrics)) {
        const s = feed.full(run.id, key);
        if (s) series.push({ runId: run.id, key, series: s });
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (generation !== this.snapshotGeneration || this.isDisposed) return;
    }
    this.feed = feed;
    const snapshot: CompareSnapshot = {
      tables: compareTables(runs),
      starts: starts(runs),
      xAxis: this.xAxis,
      series,
      groupKeys: groupKeys(runs),
      restore: { folder: this.session.folder.uri.toString(), runIds: [...this.runIds] },
    };
    this.post({ type: 'snapshot', snapshot });
    if (this.groupBy !== null) void this.sendGroups();
  }

  /** Like the snapshot, a band at a time with the event loop running in between. */
  private async sendGroups(): Promise<void> {
    try {
      await this.buildGroups();
    } catch (err) {
      this.log.error(`compare: could not group the compared runs: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private async buildGroups(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    const generation = ++this.groupsGeneration;
    if (this.groupBy === null) {
      this.post({ type: 'groups', by: null, groups: [], bands: [] });
      return;
    }
    const runs = this.records();
    const starts = new Map(runs.map((r) => [r.id, Date.parse(r.startTime)]));
    const groups = groupRuns(runs, this.groupBy);
    const axis = this.xAxis === 'step' ? 'step' : 'time';
    const shift = (id: string) => (this.xAxis === 'relative' ? { offset: starts.get(id) ?? 0, scale: 1000 } : { offset: 0, scale: 1 });
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
    const bands: { key: string; group: string; band: Band }[] = [];
    for (const g of groups) {
      for (const key of keys) {
        const band = groupBand(this.session.store.metrics, g.runIds, key, axis, BAND_BUCKETS, shift);
        if (band) bands.push({ key, group: g.label, band });
        await new Promise((resolve) => setImmediate(resolve));
        if (generation !== this.groupsGeneration || this.isDisposed) return;
      }
    }
    this.post({ type: 'groups', by: this.groupBy, groups, bands });
  }

  private onStoreChange(change: StoreChange): void {
    if (change.kind === 'deleted') {
      const gone = change.runIds.filter((id) => this.runIds.includes(id));
      if (gone.length === 0) return;
      this.runIds = this.runIds.filter((id) => !gone.includes(id));
      for (const id of gone) this.feed.forget(id);
      if (this.runIds.length === 0) {
        this.log.info('compare: every compared run was deleted; closing the Compare view');
        this.dispose();
        return;
      }
      this.updateTitle();
      void this.sendSnapshot();
      return;
    }
    if (change.kind === 'run' && !this.runIds.includes(change.runId)) return;
    if (change.kind === 'run') this.pending.add(change.runId);
    else for (const id of this.runIds) this.pending.add(id);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (!this.ready || this.isDisposed) return;
    try {
      this.pushChanges();
    } catch (err) {
      this.log.error(`compare: could not send live points: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private pushChanges(): void {
    const changed = [...this.pending];
    this.pending.clear();
    // Another process may have deleted runs (an external change says nothing about which).
    const gone = changed.filter((id) => !this.session.store.hasRun(id));
    if (gone.length) {
      this.onStoreChange({ kind: 'deleted', runIds: gone });
      if (this.isDisposed) return;
    }
    const updates: SeriesUpdate[] = changed.filter((id) => this.runIds.includes(id)).flatMap((id) => this.feed.update(id));
    if (updates.length) this.post({ type: 'series', updates });
    const runs = this.records();
    this.post({ type: 'tables', tables: compareTables(runs), starts: starts(runs) });
    if (this.groupBy !== null) void this.sendGroups();
  }

  private updateTitle(): void {
    this.panel.title = `Compare ${this.runIds.length} Runs`;
  }

  private post(msg: HostToWebview): void {
    void this.panel.webview.postMessage(msg);
  }

  override dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    super.dispose();
    // Closing the panel disposes us; disposing us (deactivation, deleted runs) closes the panel.
    this.panel.dispose();
  }
}

function starts(runs: RunRecord[]): Record<string, number> {
  return Object.fromEntries(runs.map((r) => [r.id, Date.parse(r.startTime)]));
}
