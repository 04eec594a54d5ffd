// A test's result as the Test Explorer shows it: pass, or messages with expected vs actual (a
// diff for golden outputs) at the test's line, or an error at the line to fix.
import * as vscode from 'vscode';
import type { TestResult } from '../../core/regress/types';

function at(item: vscode.TestItem, line?: number): vscode.Location | undefined {
  if (!item.uri) return undefined;
  const l = Math.max(0, (line ?? (item.range?.start.line ?? 0) + 1) - 1);
  return new vscode.Location(item.uri, new vscode.Range(l, 0, l, 0));
}

function runsUsed(r: TestResult): string {
  if (!r.runId) return '';
  return ` — run ${r.runId.slice(0, 8)}${r.baselineRunId ? `, baseline ${r.baselineRunId.slice(0, 8)}` : ''}`;
}

export function messagesFor(item: vscode.TestItem, r: TestResult): vscode.TestMessage[] {
  if (r.status === 'errored') {
    const m = new vscode.TestMessage(r.message.replace(/^.*?:\d+: /, ''));
    m.location = at(item, r.errorLine);
    return [m];
  }
  const messages = r.checks.filter((c) => !c.ok).map((c) => {
    const m = vscode.TestMessage.diff(`${c.label}: expected ${c.expected}, got ${c.actual}${c.change ? ` (${c.change})` : ''}${runsUsed(r)}`, c.expected, c.actual);
    m.location = at(item);
    return m;
  });
  if (r.diff) {
    const lines = r.diff.split('\n');
    const m = vscode.TestMessage.diff(
      `golden outputs differ${runsUsed(r)}`,
      lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2)).join('\n'),
      lines.filter((l) => l.startsWith('+ ')).map((l) => l.slice(2)).join('\n'),
    );
    m.location = at(item);
    messages.push(m);
  }
  if (messages.length === 0) messages.push(new vscode.TestMessage(r.message || 'failed'));
  return messages;
}

export function applyResult(run: vscode.TestRun, item: vscode.TestItem, r: TestResult): void {
  const summary = r.status === 'passed'
    ? `✓ ${r.name}: ${r.checks.map((c) => `${c.label} = ${c.actual}`).join('; ')}${runsUsed(r)}`
    : `✗ ${r.name}: ${r.message.split('\n').join('; ')}`;
  run.appendOutput(`${summary}\r\n`, at(item), item);
  if (r.status === 'passed') run.passed(item, r.durationMs);
  else if (r.status === 'failed') run.failed(item, messagesFor(item, r), r.durationMs);
  else run.errored(item, messagesFor(item, r), r.durationMs);
}
