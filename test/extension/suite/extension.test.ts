/// <reference types="mocha" />
// The real extension inside a real extension host (code-server through the companion, or VS Code
// desktop through @vscode/test-electron): its API, its endpoint, its commands and the variables
// its terminals get. The tests run in order and share the run they log.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlwbApi } from '../../../src/extension/api';

const EXTENSION_ID = 'mlwb.mlwb';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ML Workbench in the extension host', () => {
  let api: MlwbApi;
  const folder = () => {
    const f = api.folders()[0];
    assert.ok(f, 'a workspace folder with a session');
    return f;
  };
  const endpointFile = () => JSON.parse(readFileSync(path.join(folder().storeDir, 'endpoint.json'), 'utf8')) as { url: string; token: string };
  const call = async (route: string, body?: unknown) => {
    const { url, token } = endpointFile();
    const res = await fetch(`${url}/api/mlwb/v1/${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${route}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  let runId = '';

  it('activates and reports a folder with a store and an endpoint', async () => {
    const ext = vscode.extensions.getExtension<MlwbApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
    assert.ok(api, 'activate() returned the API');
    await api.ready();
    const f = folder();
    assert.equal(f.folder, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    assert.equal(f.storeDir, path.join(f.folder, '.mlwb'));
    assert.match(f.endpointUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(api.activationMs >= 0);
  });

  it('the endpoint answers health with the token of .mlwb/endpoint.json', async () => {
    assert.equal(endpointFile().url, folder().endpointUrl);
    const health = await call('health');
    assert.equal(health.ok, true);
    const { url } = endpointFile();
    assert.equal((await fetch(`${url}/api/mlwb/v1/health`)).status, 401, 'no token, no answer');
  });

  it('a run logged through the endpoint appears in the API', async () => {
    const created = await call('runs', { name: 'in-host', experiment: 'inhost', params: { lr: '0.1' } });
    runId = (created.run as { id: string }).id;
    await call(`runs/${runId}/batch`, { batchId: 'b1', metrics: [{ key: 'loss', value: 0.5, step: 1, timestamp: Date.now() }] });
    await call(`runs/${runId}/end`, { status: 'finished', exitCode: 0 });
    await until('the run in api.folders()', () => folder().runIds.includes(runId));
  });

  it('every command of package.json is registered', async () => {
    const declared = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string }[] } })
      .contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 5, `commands declared: ${declared.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });

  it('the interpreter: mlwb.pythonPath when it is an executable, else python3 on PATH (no Python extension here)', async () => {
    assert.equal(vscode.extensions.getExtension('ms-python.python'), undefined, 'code-server here has no Python extension');
    const config = vscode.workspace.getConfiguration('mlwb');
    const shellSays = execFileSync('sh', ['-c', 'command -v python3 || command -v python'], { encoding: 'utf8' }).trim();
    assert.deepEqual(await api.resolvePython(), { path: shellSays, source: 'PATH' });
    const other = ['/usr/bin/python3', shellSays].find((p) => existsSync(p))!;
    try {
      await config.update('pythonPath', other, vscode.ConfigurationTarget.Global);
      assert.deepEqual(await api.resolvePython(), { path: other, source: 'mlwb.pythonPath' });
      await config.update('pythonPath', path.join(tmpdir(), 'no-such-python'), vscode.ConfigurationTarget.Global);
      assert.deepEqual(await api.resolvePython(), { path: shellSays, source: 'PATH' }, 'a pythonPath that is not there falls back to PATH');
    } finally {
      await config.update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('terminals get MLWB_ENDPOINT, MLWB_TOKEN and MLFLOW_TRACKING_URI', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-inhost-'));
    const out = path.join(dir, 'env.txt');
    try {
      // The collection is applied by the terminal's process launcher: read what a shell sees.
      const terminal = vscode.window.createTerminal({
        name: 'mlwb env probe', shellPath: '/bin/sh',
        shellArgs: ['-c', `printf '%s\\n%s\\n%s\\n' "$MLWB_ENDPOINT" "$MLWB_TOKEN" "$MLFLOW_TRACKING_URI" > ${out}.tmp && mv ${out}.tmp ${out}`],
      });
      try {
        const text = await until('the probe terminal output', () => {
          try {
            return readFileSync(out, 'utf8');
          } catch {
            return undefined;
          }
        }, 20_000);
        const { url, token } = endpointFile();
        assert.deepEqual(text.split('\n').slice(0, 3), [url, token, url]);
      } finally {
        terminal.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mlwb.copyRunId puts the run id on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('mlwb.copyRunId', runId);
    assert.equal(await vscode.env.clipboard.readText(), runId);
  });

  it('mlwb.deleteRun removes the run from the store', async () => {
    // The modal confirmation is the user's; this test turns it off as a user can (mlwb.confirmDelete).
    const config = vscode.workspace.getConfiguration('mlwb');
    await config.update('confirmDelete', false, vscode.ConfigurationTarget.Global);
    try {
      // The run is still running (created through the endpoint, never ended): deleting it takes force.
      await vscode.commands.executeCommand('mlwb.deleteRun', runId, undefined, { force: true });
      await until('the run to leave api.folders()', () => !folder().runIds.includes(runId));
    } finally {
      await config.update('confirmDelete', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('mlwb.refresh reopens the store and restarts the endpoint', async () => {
    const kept = await call('runs', { name: 'kept', experiment: 'inhost' });
    const keptId = (kept.run as { id: string }).id;
    await until('the kept run', () => folder().runIds.includes(keptId));
    const before = folder().endpointUrl;
    await vscode.commands.executeCommand('mlwb.refresh');
    await api.ready();
    // The reopened session's runs model loads on its first view update, just after ready().
    await until('the kept run after the refresh', () => folder().runIds.includes(keptId));
    assert.equal(endpointFile().url, folder().endpointUrl, 'the endpoint file names the new endpoint');
    assert.equal(folder().endpointUrl, before, 'the same port again: terminals opened before keep working');
    assert.equal((await call('health')).ok, true);
  });
});
