// Reopens Compare views after a window reload: the webview kept its folder and run ids with
// setState; VS Code hands them back here (activation event onWebviewPanel:mlwb.compare).
import * as vscode from 'vscode';
import type { CompareRestoreState } from '../../../webview/compare/protocol';
import type { Workbench } from '../workbench';

export function registerCompareSerializer(wb: Workbench): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer('mlwb.compare', {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: { restore?: CompareRestoreState } | undefined) {
      await wb.ready;
      const restore = state?.restore;
      const session = restore && wb.sessionOf(restore.folder);
      if (!restore || !session || !Array.isArray(restore.runIds)) {
        wb.log.info('compare: a Compare view from the last session has nothing to show; closed');
        panel.dispose();
        return;
      }
      const { ComparePanel } = await import('./comparePanel');
      ComparePanel.restore(panel, wb.context.extensionUri, wb, session, restore.runIds.filter((id) => typeof id === 'string'), wb.log);
    },
  });
}
