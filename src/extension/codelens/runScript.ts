// "Run & Track" and "Run with Parameters…": the script runs in an integrated terminal named
// after it, with the selected Python and the bundled client on PYTHONPATH. The terminal tracker
// sees the command through shell integration and records it like any typed command.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseCommandParams } from '../../core/capture/commandParams';
import { extractArgparseParams, type ScriptParam } from '../../core/detect/argparseParams';
import { runsOfScript } from '../../core/live/scriptRuns';
import type { ParamValue } from '../../core/store/types';
import { pythonOrAsk } from '../python/interpreter';
import type { Workbench } from '../workbench';

/** How long a new terminal may take to report shell integration before the command is sent as text. */
const SHELL_INTEGRATION_WAIT_MS = 20_000;

/** Terminals opened by Run & Track: their runs are tagged as started from the lens. */
const lensTerminals = new WeakSet<vscode.Terminal>();

export function isLensTerminal(terminal: vscode.Terminal): boolean {
  return lensTerminals.has(terminal);
}

/** POSIX shell quoting, only where needed. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Terminals the extension opens get the client that ships inside it, so `import mlwb` works with no install. */
export function bundledClientEnv(extensionPath: string): Record<string, string> {
  const client = path.join(extensionPath, 'python');
  return { PYTHONPATH: [client, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
}

export async function runAndTrack(wb: Workbench, script: vscode.Uri, args: string[] = []): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('ML Workbench runs nothing in a restricted workspace. Trust the workspace to run scripts.');
    return;
  }
  const python = await pythonOrAsk(script, wb.log);
  if (!python) return;
  const name = path.basename(script.fsPath);
  const terminal = vscode.window.createTerminal({
    name,
    cwd: path.dirname(script.fsPath),
    env: bundledClientEnv(wb.context.extensionPath),
    iconPath: new vscode.ThemeIcon('beaker'),
  });
  lensTerminals.add(terminal);
  terminal.show();
  const line = [python.path, name, ...args].map(shellQuote).join(' ');
  const integration = terminal.shellIntegration ?? (await shellIntegrationOf(terminal));
  wb.log.info(`run & track: "${line}" in terminal "${name}"`);
  if (integration) integration.executeCommand(line);
  else {
    wb.log.warn(`terminal "${name}" has no shell integration: the command is sent as text and tracked only if the shell reports it`);
    terminal.sendText(line);
  }
}

function shellIntegrationOf(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(undefined);
    }, SHELL_INTEGRATION_WAIT_MS);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal !== terminal) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(e.shellIntegration);
    });
  });
}

/** Asks for each argparse parameter (prefilled from the last run, else the default), then runs with the values given. */
export async function runWithParameters(wb: Workbench, script: vscode.Uri): Promise<void> {
  const source = await fs.readFile(script.fsPath, 'utf8');
  const params = extractArgparseParams(source);
  const session = wb.sessionFor(script.fsPath);
  const last = session ? runsOfScript(session.model.experiments().flatMap((g) => g.runs), script.fsPath)[0] : undefined;
  const previous = last?.command ? parseCommandParams(last.command) : {};
  if (params.length === 0) {
    void vscode.window.showInformationMessage(`No argparse parameters found in ${path.basename(script.fsPath)}: running it as it is.`);
    return runAndTrack(wb, script);
  }
  const args: string[] = [];
  const positional: string[] = [];
  for (const [i, p] of params.entries()) {
    const title = `${path.basename(script.fsPath)}: ${p.flags.join(', ') || p.key} (${i + 1}/${params.length})`;
    const value = await askValue(p, title, previousValue(p, previous));
    if (value === undefined) return; // Escape: nothing runs
    if (p.positional) positional.push(value);
    else args.push(...optionArgs(p, value));
  }
  await runAndTrack(wb, script, [...positional, ...args]);
}

function previousValue(p: ScriptParam, previous: Record<string, ParamValue>): ParamValue | undefined {
  for (const n of [p.key, p.dest, ...p.flags.map((f) => f.replace(/^-+/, ''))]) if (n in previous) return previous[n];
  return undefined;
}

/** The arguments for one option: none when it stays at its default. */
function optionArgs(p: ScriptParam, value: string): string[] {
  const flag = p.flags.find((f) => f.startsWith('--')) ?? p.flags[0];
  if (p.action === 'store_true' || p.action === 'store_false') return value === 'on' ? [flag] : [];
  if (value === '' || (p.default !== undefined && p.default !== null && value === String(p.default))) return [];
  return [flag, value];
}

async function askValue(p: ScriptParam, title: string, previous: ParamValue | undefined): Promise<string | undefined> {
  const help = [p.help, p.type && `type ${p.type}`, p.default !== undefined && p.default !== null && `default ${p.default}`].filter(Boolean).join(' · ');
  if (p.action === 'store_true' || p.action === 'store_false') {
    const flag = p.flags.find((f) => f.startsWith('--')) ?? p.flags[0];
    const on = previous === true;
    const items = [{ label: on ? 'on' : 'off', description: on ? `pass ${flag}` : `leave ${flag} out` }, { label: on ? 'off' : 'on', description: on ? `leave ${flag} out` : `pass ${flag}` }];
    return (await vscode.window.showQuickPick(items, { title, placeHolder: help || flag }))?.label;
  }
  const current = String(previous ?? p.default ?? '');
  if (p.choices?.length) {
    const items = p.choices.map((c) => ({ label: String(c), description: String(c) === current ? '(last value)' : undefined }));
    items.sort((a, b) => Number(b.label === current) - Number(a.label === current));
    return (await vscode.window.showQuickPick(items, { title, placeHolder: help }))?.label;
  }
  return vscode.window.showInputBox({
    title,
    prompt: help || undefined,
    value: current,
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (p.required && text.trim() === '') return `${p.key} is required`;
      if ((p.type === 'int' && text !== '' && !/^[+-]?\d+$/.test(text.trim())) || (p.type === 'float' && text !== '' && !Number.isFinite(Number(text)))) {
        return `${p.key} takes ${p.type === 'int' ? 'an integer' : 'a number'}`;
      }
      return undefined;
    },
  });
}
