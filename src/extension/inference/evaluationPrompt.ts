// Asks which column holds the label (and, optionally, which to slice by) for Evaluate on Data.
// Only a CSV's header line is read here; the data itself is read by the inference process.
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { parseCsv } from '../../core/inference/io/tabular';

async function csvHeader(file: string): Promise<string[] | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0];
    return parseCsv(firstLine).columns;
  } finally {
    await handle.close();
  }
}

export async function askEvaluationColumns(data: string): Promise<{ label: string; slice?: string } | undefined> {
  const columns = data.toLowerCase().endsWith('.csv') ? await csvHeader(data) : undefined;
  const label = columns
    ? await vscode.window.showQuickPick(columns, { title: 'Evaluate on Data', placeHolder: 'Which column holds the true label?' })
    : await vscode.window.showInputBox({ title: 'Evaluate on Data', prompt: 'Name of the column that holds the true label' });
  if (!label) return undefined;
  const none = '(no slices)';
  const slice = columns
    ? await vscode.window.showQuickPick([none, ...columns.filter((c) => c !== label)], { title: 'Evaluate on Data', placeHolder: 'Metrics per value of a column? (optional)' })
    : await vscode.window.showInputBox({ title: 'Evaluate on Data', prompt: 'Column to slice metrics by (optional; leave empty for none)' });
  if (slice === undefined) return undefined;
  return { label, slice: slice && slice !== none ? slice : undefined };
}
