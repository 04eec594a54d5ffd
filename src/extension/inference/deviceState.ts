// The workspace's inference device: a status bar item (`$(chip) cpu`) and the command
// "Select Inference Device", which lists every provider probed for real with why it is missing.
import * as vscode from 'vscode';
import type { DeviceStatus } from '../../core/inference/worker/devices';
import { Disposable } from '../util/dispose';
import { reportError } from '../util/errors';
import type { InferenceHost } from './inferenceHost';

const STATE_KEY = 'mlwb.inferenceDevice';

export class DeviceState extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly host: InferenceHost, private readonly log: vscode.LogOutputChannel) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('mlwb.inferenceDevice', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'ML Workbench Inference Device';
    this.item.command = 'mlwb.selectDevice';
    this.render();
    this.item.show();
    this._register(vscode.commands.registerCommand('mlwb.selectDevice', () => this.pick()));
  }

  get device(): string {
    return this.context.workspaceState.get<string>(STATE_KEY) ?? 'cpu';
  }

  private render(): void {
    this.item.text = `$(chip) ${this.device}`;
    this.item.tooltip = `Inference device for models in this workspace: ${this.device}. Click to change.`;
  }

  async pick(): Promise<void> {
    type Item = vscode.QuickPickItem & { device?: DeviceStatus };
    const quickPick = vscode.window.createQuickPick<Item>();
    quickPick.title = 'Select Inference Device';
    quickPick.placeholder = 'Probing the execution providers…';
    quickPick.busy = true;
    quickPick.show();
    try {
      const devices = await this.host.client().call('devices', {});
      quickPick.items = devices.map((d) => ({
        label: `${d.available ? '$(check)' : '$(circle-slash)'} ${d.name}`,
        description: d.available ? (d.name === this.device ? 'works here · selected' : 'works here') : 'unavailable',
        detail: d.reason,
        device: d,
      }));
      quickPick.placeholder = 'Devices this build of onnxruntime-node has, each tried with a real session';
      quickPick.busy = false;
      const chosen = await new Promise<Item | undefined>((resolve) => {
        quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
        quickPick.onDidHide(() => resolve(undefined));
      });
      const device = chosen?.device;
      if (!device) return;
      if (!device.available) {
        void vscode.window.showWarningMessage(`ML Workbench — ${device.name} cannot run here: ${device.reason}`);
        return;
      }
      await this.context.workspaceState.update(STATE_KEY, device.name);
      this.log.info(`inference device: ${device.name}`);
      this.render();
      this.changed.fire(device.name);
    } catch (err) {
      reportError(this.log, 'Could not list inference devices', err);
    } finally {
      quickPick.dispose();
    }
  }
}
