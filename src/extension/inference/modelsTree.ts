// The Models view: the workspace's .onnx files and the ONNX artifacts of runs, each with size,
// opset and the run that produced it (matched by content hash). Inspection happens in the
// inference process; results are cached per file version.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/inference/modelInfo';
import { onnxArtifacts, runsProducing, type ModelArtifact } from '../../core/inference/modelRuns';
import { ArtifactFiles } from '../../core/ingest/artifactStore';
import { formatBytes } from '../../core/inference/formatBytes';
import type { ModelUpdate } from '../../core/live/runsModel';
import type { FolderSession } from '../folderSession';
import { Disposable } from '../util/dispose';
import type { InferenceHost } from './inferenceHost';

/** Folders that hold other people's models or environments, not the workspace's own. */
export const MODEL_EXCLUDE = '{**/node_modules/**,**/.git/**,**/.venv/**,**/venv/**,**/env/**,**/.tox/**,**/site-packages/**,**/.mlwb/**}';

interface ModelItem {
  kind: 'file' | 'artifact';
  uri: vscode.Uri;
  label: string;
  artifact?: ModelArtifact;
}

export class ModelsTreeProvider extends Disposable implements vscode.TreeDataProvider<ModelItem> {
  private readonly changed = this._register(new vscode.EventEmitter<ModelItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly infos = new Map<string, Promise<ModelInfo | Error>>();
  /** Per run: its name and ONNX artifacts as last seen, to tell which run updates change the list. */
  private readonly onnxOfRun = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: InferenceHost, private readonly sessions: () => FolderSession[]) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.onnx'));
    const onChange = (uri: vscode.Uri) => {
      this.infos.delete(uri.toString());
      this.refresh();
    };
    this._register(watcher.onDidCreate(onChange));
    this._register(watcher.onDidChange(onChange));
    this._register(watcher.onDidDelete(onChange));
  }

  /**
   * Runs came or went, or changed: re-list when a run's ONNX artifacts (or its name, shown beside
   * them) differ from what was listed — not on each metric a live run logs.
   */
  noteRuns(update: ModelUpdate): void {
    let stale = update.structure;
    for (const run of update.changed) {
      const onnx = run.artifacts.filter((a) => a.path.toLowerCase().endsWith('.onnx')).map((a) => `${a.path}\0${a.sha256}`).join('\0');
      const listed = onnx ? `${run.name}\0${onnx}` : '';
      if ((this.onnxOfRun.get(run.id) ?? '') !== listed) {
        this.onnxOfRun.set(run.id, listed);
        stale = true;
      }
    }
    if (stale) this.refresh();
  }

  refresh(): void {
    // File events come in bursts (a training script writing a model): one refresh per burst.
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(undefined), 200);
  }

  async getChildren(): Promise<ModelItem[]> {
    const files = await vscode.workspace.findFiles('**/*.onnx', MODEL_EXCLUDE, 500);
    const items: ModelItem[] = files
      .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
      .map((uri) => ({ kind: 'file', uri, label: vscode.workspace.asRelativePath(uri) }));
    for (const session of this.sessions()) {
      const blobs = new ArtifactFiles(session.storeDir);
      for (const artifact of onnxArtifacts(session.store)) {
        items.push({ kind: 'artifact', uri: vscode.Uri.file(blobs.blobPath(artifact.sha256)), label: `${artifact.path} (run ${artifact.runName})`, artifact });
      }
    }
    return items;
  }

  async getTreeItem(item: ModelItem): Promise<vscode.TreeItem> {
    const tree = new vscode.TreeItem(item.kind === 'file' ? path.basename(item.uri.fsPath) : item.label);
    tree.id = `${item.kind}:${item.uri.toString()}`;
    tree.iconPath = new vscode.ThemeIcon(item.kind === 'file' ? 'symbol-namespace' : 'archive');
    tree.contextValue = `mlwb.model.${item.kind}`;
    tree.command = { command: 'mlwb.openModel', title: 'Open Model', arguments: [item.uri] };
    const info = await this.inspect(item.uri);
    if (info instanceof Error) {
      tree.description = 'not readable';
      tree.tooltip = info.message;
      return tree;
    }
    const opset = info.opsets['ai.onnx'];
    const run = item.artifact ?? this.producingRun(info.sha256);
    tree.description = [formatBytes(info.bytes), opset !== undefined ? `opset ${opset}` : '', run ? `run ${run.runName}` : ''].filter(Boolean).join(' · ');
    tree.tooltip = new vscode.MarkdownString().appendText(`${item.label}\n${info.inputs.map((i) => `${i.name}: ${i.type} [${i.shape.join(', ')}]`).join('\n')}\nsha256 ${info.sha256}`);
    return tree;
  }

  private producingRun(sha256: string) {
    for (const session of this.sessions()) {
      const found = runsProducing(session.store, sha256)[0];
      if (found) return found;
    }
    return undefined;
  }

  private inspect(uri: vscode.Uri): Promise<ModelInfo | Error> {
    const key = uri.toString();
    let pending = this.infos.get(key);
    if (!pending) {
      pending = this.host.client().call('info', { model: uri.fsPath }).catch((err: Error) => err);
      this.infos.set(key, pending);
    }
    return pending;
  }

  override dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    super.dispose();
  }
}
