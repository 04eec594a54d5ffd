// The inference feature's root: one inference process for the window (started on first use,
// restarted after a crash), the device picker, the Models view and the model page.
import * as vscode from 'vscode';
import { InferenceClient } from '../../core/inference/inferenceClient';
import type { FolderSession } from '../folderSession';
import { Disposable } from '../util/dispose';
import { DeviceState } from './deviceState';
import { ModelEditorProvider } from './modelEditor';
import { ModelsTreeProvider } from './modelsTree';

export class InferenceHost extends Disposable {
  private inferenceClient: InferenceClient | undefined;
  readonly devices: DeviceState;
  readonly models: ModelsTreeProvider;

  constructor(readonly context: vscode.ExtensionContext, readonly log: vscode.LogOutputChannel, readonly sessionFor: (fsPath: string) => FolderSession | undefined, sessions: () => FolderSession[]) {
    super();
    this.devices = this._register(new DeviceState(context, this, log));
    this.models = this._register(new ModelsTreeProvider(this, sessions));
    this._register(vscode.window.createTreeView('mlwb.models', { treeDataProvider: this.models }));
    this._register(vscode.window.registerCustomEditorProvider(ModelEditorProvider.viewType, new ModelEditorProvider(this), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: false,
    }));
    this._register(vscode.commands.registerCommand('mlwb.refreshModels', () => this.models.refresh()));
    this._register(vscode.commands.registerCommand('mlwb.openModel', (uri: vscode.Uri) => vscode.commands.executeCommand('vscode.openWith', uri, ModelEditorProvider.viewType)));
    this._register({ dispose: () => this.inferenceClient?.dispose() });
  }

  /** The client of the inference process; onnxruntime never loads in the extension host. */
  client(): InferenceClient {
    this.inferenceClient ??= new InferenceClient();
    return this.inferenceClient;
  }
}
