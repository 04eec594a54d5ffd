import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { captureEnvironment, pythonForCommand } from '../../../src/core/capture/environment';
import { looksLikeSecretValue, selectEnvVars } from '../../../src/core/capture/secrets';
import { tempDir } from '../../helpers/tmp';

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const pythonVersion = execFileSync('python3', ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim();

describe('environment capture', () => {
  it('describes the machine and the Python the command runs, with its packages', async () => {
    const env = await captureEnvironment({ command: ['python3', 'train.py'], cwd: tempDir() });
    assert.equal(env.cpuCores, os.cpus().length);
    assert.equal(env.memoryBytes, os.totalmem());
    assert.equal(env.node, process.version);
    assert.match(env.os, new RegExp(os.release().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(env.python?.executable, python);
    assert.equal(env.python?.version, pythonVersion);
    const pipVersion = execFileSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("pip"))'], { encoding: 'utf8' }).trim();
    assert.equal(env.packages.pip, pipVersion);
  });

  it('finds Python through a script shebang and `env`, and not in other commands', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'train.py'), '#!/usr/bin/env python3\nprint(1)\n');
    assert.equal(await pythonForCommand(['./train.py'], dir, process.env), await pythonForCommand(['python3'], dir, process.env));
    const direct = await pythonForCommand(['python3'], dir, process.env);
    assert.ok(direct);
    assert.equal(await pythonForCommand(['env', 'OMP_NUM_THREADS=1', 'python3', 'x.py'], dir, process.env), direct);
    assert.equal(await pythonForCommand(['bash', '-c', 'echo'], dir, process.env), null);
  });

  it('notes a Python that cannot run instead of failing the run', async () => {
    const dir = tempDir();
    const broken = path.join(dir, 'python3');
    fs.writeFileSync(broken, '#!/bin/sh\necho boom >&2\nexit 1\n', { mode: 0o755 });
    const env = await captureEnvironment({ command: [broken, 'train.py'], cwd: dir });
    assert.equal(env.python, null);
    assert.match(env.notes.join('\n'), /Could not query .*python3: boom/);
  });

  it('keeps allow-listed variables and drops secrets by name and by value', () => {
    const vars = selectEnvVars({
      CUDA_VISIBLE_DEVICES: '0,1',
      OMP_NUM_THREADS: '4',
      PYTHONHASHSEED: '0',
      HF_TOKEN: 'hf_abcdefghijklmnop',
      HF_HOME: '/data/hf',
      TF_API_KEY: 'x',
      HOME: '/root',
      TORCH_HOME: 'https://user:pw@example.com/cache',
      CUDA_SOMETHING: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    });
    assert.deepEqual(vars, { CUDA_VISIBLE_DEVICES: '0,1', HF_HOME: '/data/hf', OMP_NUM_THREADS: '4', PYTHONHASHSEED: '0' });
    assert.equal(looksLikeSecretValue('ghp_1234567890abcdefghij'), true);
    assert.equal(looksLikeSecretValue('/usr/local/cuda-12.4/lib64'), false);
  });
});
