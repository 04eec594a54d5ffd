// `npx mlwb run -- python3 …` through the real npm: the command is the user's python3, not one
// from a folder npm put first on PATH.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { gitRepo, mlwbJson, REPO } from './harness';

function executable(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

/** npm's own CLI script, as the `npm` on PATH runs it. */
function npmCli(): string {
  return fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
}

describe('mlwb run under npm', () => {
  it('runs the python3 of the user\'s PATH and gives the child that PATH', async () => {
    const project = gitRepo({ 'package.json': '{"name": "proj", "version": "1.0.0", "private": true}\n', 'probe.py': '' });
    // npm puts <project>/node_modules/.bin first: a python3 there stands for the one in Node's folder (/usr/bin).
    executable(path.join(project, 'node_modules', '.bin', 'python3'), '#!/bin/sh\necho "npm-prefixed python3"\nexit 3\n');
    const userBin = tempDir('mlwb-userbin-');
    // The user's interpreter (a venv's, pyenv's): prints who it is and the PATH it was given.
    executable(path.join(userBin, 'python3'), '#!/bin/sh\necho "user python3 $*"\necho "PATH=$PATH"\n');

    // The test runner may itself run under npm: start from a PATH without any npm prefix.
    const base = (process.env.PATH ?? '').split(':').filter((d) => d && !d.includes('node_modules'));
    const userPath = [userBin, ...base].join(':');
    const env: NodeJS.ProcessEnv = { HOME: process.env.HOME, PATH: userPath, npm_config_offline: 'true' };
    const { stdout, stderr } = await promisify(execFile)(process.execPath,
      [npmCli(), 'exec', '--', process.execPath, path.join(REPO, 'dist', 'cli.js'), 'run', '--', 'python3', 'probe.py'],
      { cwd: project, env });
    assert.match(stdout, /^user python3 probe\.py$/m, stdout + stderr);
    assert.match(stdout, new RegExp(`^PATH=${userPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], project);
    assert.equal(run.status, 'finished');
  });
});
