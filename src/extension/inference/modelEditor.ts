// The model page: a read-only custom editor for .onnx files. It shows the inspection and runs
// Try It / Benchmark / Evaluate through the inference process; the host thread only relays.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Action, HostToWebview, OutputView, WebviewToHost } from '../../../webview/model/protocol';
import { MlwbError } from '../../core/errors';
import type { InputFileOptions } from '../../core/inference/feeds';
import { parseImageOptions } from '../../core/inference/io/imageOptions';
import { feedsFromJson } from '../../core/inference/io/jsonTensor';
import type { ModelInfo } from '../../core/inference/modelInfo';
import { benchmarkHistory, recordBenchmark, recordEvaluation, removeQuietly, runsProducing } from '../../core/inference/modelRuns';
import { toNested, toNumbers, type Feeds } from '../../core/inference/tensor';
import { webviewHtml } from '../runDetails/html';
import { Disposable } from '../util/dispose';
import { describeError } from '../util/errors';
import type { InferenceHost } from './inferenceHost';
import { askEvaluationColumns } from './evaluationPrompt';

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'mlwb.modelEditor';

  constructor(private readonly host: InferenceHost) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    new ModelPage(this.host, document.uri, panel);
  }
}

class ModelPage extends Disposable {
  private info: ModelInfo | undefined;

  constructor(private readonly host: InferenceHost, private readonly uri: vscode.Uri, private readonly panel: vscode.WebviewPanel) {
    super();
    const dist = vscode.Uri.joinPath(host.context.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = webviewHtml(panel.webview, {
      title: path.basename(uri.fsPath),
      script: vscode.Uri.joinPath(dist, 'model.js'),
      style: vscode.Uri.joinPath(dist, 'model.css'),
    });
    this._register(panel.webview.onDidReceiveMessage((msg: WebviewToHost) => void this.receive(msg)));
    this._register(host.devices.onDidChange((device) => this.post({ type: 'device', device })));
    this._register(panel.onDidDispose(() => this.dispose()));
  }

  private post(msg: HostToWebview): void {
    if (!this.isDisposed) void this.panel.webview.postMessage(msg);
  }

  /** Whether work may move to cpu when the device fails (setting mlwb.inference.fallbackToCpu). */
  private get fallbackToCpu(): boolean {
    return vscode.workspace.getConfiguration('mlwb', this.uri).get<boolean>('inference.fallbackToCpu', false);
  }

  /** Says, once, that the device failed and the work went on on cpu. */
  private noteFallback(fellBack: string | undefined): void {
    if (!fellBack) return;
    this.host.log.warn(`${fellBack}; went on on cpu`);
    void vscode.window.showWarningMessage(`ML Workbench — ${fellBack} Went on on cpu (setting mlwb.inference.fallbackToCpu).`);
  }

  private get device(): string {
    return this.host.devices.device;
  }

  private async receive(msg: WebviewToHost): Promise<void> {
    const action: Action | undefined = msg.type === 'tryJson' || msg.type === 'tryFile' ? 'try' : msg.type === 'bench' ? 'bench' : msg.type === 'eval' ? 'eval' : undefined;
    try {
      switch (msg.type) {
        case 'ready':
          return await this.sendSnapshot();
        case 'tryJson':
          return await this.tryIt({ feeds: feedsFromJson(msg.text, (await this.model()).inputs, 'the JSON') });
        case 'tryFile': {
          // Checked before the dialog: a typo in the options should not cost picking the file.
          const image = parseImageOptions(msg.image, { size: 'Image size', mean: 'Mean', std: 'Std' });
          const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as Input', filters: { Inputs: ['json', 'npy', 'npz', 'csv', 'jsonl', 'png', 'jpg', 'jpeg'] } });
          if (!picked?.[0]) return;
          await this.tryIt({ inputFile: picked[0].fsPath, inputOptions: { image } });
          return;
        }
        case 'bench':
          return await this.bench(msg.batches, msg.iterations, msg.timeBudgetMs);
        case 'eval':
          return await this.evaluate();
        case 'cancel':
          this.host.client().stop(new MlwbError('Cancelled.'));
          return;
        case 'selectDevice':
          await vscode.commands.executeCommand('mlwb.selectDevice');
          return;
        case 'openRun':
          await vscode.commands.executeCommand('mlwb.openRun', msg.runId);
          return;
      }
    } catch (err) {
      this.host.log.warn(`model page ${path.basename(this.uri.fsPath)}: ${describeError(err)}`);
      this.post({ type: 'error', action: action ?? 'try', message: describeError(err) });
    }
  }

  private async model(): Promise<ModelInfo> {
    this.info ??= await this.host.client().call('info', { model: this.uri.fsPath });
    return this.info;
  }

  private async sendSnapshot(): Promise<void> {
    const info = await this.model();
    const session = this.host.sessionFor(this.uri.fsPath);
    const producedBy = session ? runsProducing(session.store, info.sha256) : [];
    const history = session ? benchmarkHistory(session.store, info.sha256) : [];
    this.post({ type: 'snapshot', snapshot: { fileName: path.basename(this.uri.fsPath), info, producedBy, device: this.device, history } });
  }

  /** Runs JSON feeds, or a file the inference process reads and decodes itself. */
  private async tryIt(input: { feeds?: Feeds; inputFile?: string; inputOptions?: InputFileOptions }): Promise<void> {
    const info = await this.model();
    this.post({ type: 'busy', action: 'try', message: `Running on ${this.device}…` });
    const result = await this.host.client().call('run', { model: this.uri.fsPath, device: this.device, fallbackToCpu: this.fallbackToCpu, ...input });
    this.noteFallback(result.fellBack);
    const outputs: OutputView[] = Object.entries(result.outputs).map(([name, t]) => {
      const width = t.dims.length === 2 ? t.dims[1] : 0;
      const labels = info.classLabels && width === info.classLabels.length ? info.classLabels : null;
      const values = t.type === 'string' ? [] : toNumbers(t);
      const topK = labels
        ? Array.from({ length: t.dims[0] }, (_, r) => labels.map((label, c) => ({ label, score: values[r * width + c] })).sort((a, b) => b.score - a.score).slice(0, 5))
        : null;
      return { name, type: t.type, dims: t.dims, values: toNested(t), topK };
    });
    this.post({ type: 'tryResult', device: result.device, outputs, runMs: result.runMs });
  }

  private async bench(batches: number[], iterations: number | undefined, timeBudgetMs: number | undefined): Promise<void> {
    this.post({ type: 'busy', action: 'bench', message: `Benchmarking on ${this.device}…` });
    const result = await this.host.client().call('bench', { model: this.uri.fsPath, device: this.device, batches, iterations, timeBudgetMs, fallbackToCpu: this.fallbackToCpu }, {
      onProgress: (_done, _total, message) => this.post({ type: 'busy', action: 'bench', message: message ?? 'Benchmarking…' }),
    });
    this.noteFallback(result.fellBack);
    this.host.log.info(`benchmark ${path.basename(this.uri.fsPath)} on ${result.device}: ${result.results.map((r) => `batch ${r.batch} p50 ${r.p50Ms.toFixed(3)} ms`).join(', ')}`);
    const session = this.host.sessionFor(this.uri.fsPath);
    const info = await this.model();
    if (session) recordBenchmark(session.store, { model: this.uri.fsPath, info, result, command: ['ML Workbench: Benchmark'], cwd: session.folder.uri.fsPath });
    this.post({ type: 'benchResult', result, history: session ? benchmarkHistory(session.store, info.sha256) : [] });
  }

  private async evaluate(): Promise<void> {
    const session = this.host.sessionFor(this.uri.fsPath);
    if (!session) throw new MlwbError('Open a workspace folder with a run store to record evaluations.');
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Evaluate on This Data', filters: { Data: ['csv', 'jsonl', 'ndjson', 'parquet', 'npz'] } });
    const data = picked?.[0]?.fsPath;
    if (!data) return;
    const columns = await askEvaluationColumns(data);
    if (!columns) return;
    const info = await this.model();
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'mlwb-eval-'));
    try {
      this.post({ type: 'busy', action: 'eval', message: `Evaluating on ${this.device}…` });
      const result = await this.host.client().call('eval', {
        model: this.uri.fsPath, device: this.device, data, label: columns.label, slice: columns.slice, predictionsOut: path.join(scratch, 'predictions.csv'),
        fallbackToCpu: this.fallbackToCpu,
      }, { onProgress: (done, total, message) => this.post({ type: 'busy', action: 'eval', message: message ?? `${done} / ${total}` }) });
      this.noteFallback(result.fellBack);
      const runId = await recordEvaluation(session.store, {
        model: this.uri.fsPath, info, data, label: columns.label, slice: columns.slice, result,
        command: ['ML Workbench: Evaluate on Data'], cwd: session.folder.uri.fsPath,
      });
      this.post({ type: 'evalResult', result: { ...result, predictionsFile: null, runId, data: vscode.workspace.asRelativePath(data) } });
    } finally {
      await removeQuietly(scratch);
    }
  }
}
