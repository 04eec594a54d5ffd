// Which Python runs the user's scripts: the interpreter selected in the Python extension (its
// public environments API) when that extension is installed, else `mlwb.pythonPath`, else
// `python3` / `python` on PATH. The choice and why are written to the log.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export type PythonSource = 'Python extension' | 'mlwb.pythonPath' | 'PATH';

export interface ResolvedPython {
  path: string;
  source: PythonSource;
}

/** The part of ms-python.python's exported API used here (`PythonExtension` in @vscode/python-extension). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    updateActiveEnvironmentPath?(env: string, resource?: vscode.Uri): Promise<void>;
  };
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!ext) return undefined;
  return ext.isActive ? ext.exports : ext.activate();
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** `python3` then `python` in the extension host's PATH. */
export async function pythonOnPath(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Resolves the interpreter in the documented order; undefined when there is none. */
export async function resolvePython(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<ResolvedPython | undefined> {
  try {
    const api = await pythonExtensionApi();
    if (api?.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const env = await api.environments.resolveEnvironment(active);
      const exe = env?.executable.uri?.fsPath;
      if (exe) return chosen(log, { path: exe, source: 'Python extension' });
      log.info(`python: the Python extension's selected environment (${active.path}) has no interpreter; trying mlwb.pythonPath`);
    }
  } catch (err) {
    log.warn(`python: the Python extension's environments API failed (${(err as Error).message}); trying mlwb.pythonPath`);
  }
  const configured = vscode.workspace.getConfiguration('mlwb', resource).get<string>('pythonPath', '').trim();
  if (configured) {
    if (await isExecutable(configured)) return chosen(log, { path: configured, source: 'mlwb.pythonPath' });
    log.warn(`python: mlwb.pythonPath "${configured}" is not an executable file; trying PATH`);
  }
  const onPath = await pythonOnPath();
  return onPath ? chosen(log, { path: onPath, source: 'PATH' }) : undefined;
}

function chosen(log: vscode.LogOutputChannel, python: ResolvedPython): ResolvedPython {
  log.info(`python: ${python.path} (from ${python.source})`);
  return python;
}

/** The interpreter, or one clear message with a button to pick one (then undefined). */
export async function pythonOrAsk(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<ResolvedPython | undefined> {
  const found = await resolvePython(resource, log);
  if (found) return found;
  log.warn('python: none found (Python extension, mlwb.pythonPath, python3/python on PATH)');
  const pick = 'Select Interpreter…';
  const answer = await vscode.window.showErrorMessage(
    'ML Workbench: no Python interpreter found. Select one in the Python extension, or set "mlwb.pythonPath".', pick);
  if (answer === pick) await selectInterpreter(resource);
  return undefined;
}

/** The Python extension's picker when installed; else a file dialog that sets `mlwb.pythonPath`. */
export async function selectInterpreter(resource: vscode.Uri | undefined): Promise<void> {
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    await vscode.commands.executeCommand('python.setInterpreter');
    return;
  }
  const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Select a Python interpreter', openLabel: 'Use this Python' })) ?? [];
  if (file) await usePython(file.fsPath, resource);
}

/** Makes `python` the interpreter for this workspace: in the Python extension when installed, and in `mlwb.pythonPath`. */
export async function usePython(python: string, resource: vscode.Uri | undefined): Promise<void> {
  const api = await pythonExtensionApi().catch(() => undefined);
  await api?.environments?.updateActiveEnvironmentPath?.(python, resource);
  await vscode.workspace.getConfiguration('mlwb', resource).update('pythonPath', python, vscode.ConfigurationTarget.Workspace);
}
