// Secrets given to a run (command line, tags) or lying in the working tree must not reach the store.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Store } from '../../src/core/store/store';
import type { RunRecord } from '../../src/core/store/types';
import { tempDir } from '../helpers/tmp';
import { gitRepo, mlwb, mlwbJson } from './harness';

const SECRETS = ['hunter2', 'sk-abcdefghijklmnop123', 'p4ss', 'sk-live-abcdefghijklmnop', 'xoxb-1234-abcdef', 'ghp_abcdefghijklmnopqrstuv', 'sw0rdf1sh'];

describe('secrets', () => {
  it('are redacted from params, tags, the command and the diff; secret files stay out of the diff', async () => {
    const repo = gitRepo({
      'train.py': 'import sys, json\njson.dump(sys.argv[1:], open(sys.argv[-1], "w"))\nprint("epoch 1 loss=0.5")\n',
      'config.py': 'LR = 0.1\n',
    });
    fs.appendFileSync(path.join(repo, 'config.py'), 'API_KEY = "sk-live-abcdefghijklmnop"\n');
    fs.writeFileSync(path.join(repo, '.env'), 'OPENAI_API_KEY=sk-abcdefghijklmnop123\n');
    fs.writeFileSync(path.join(repo, 'secrets.yaml'), 'password: sw0rdf1sh\n');
    fs.writeFileSync(path.join(repo, 'helper.py'), 'GITHUB = "ghp_abcdefghijklmnopqrstuv"\nSTEPS = 3\n');
    const argvFile = path.join(tempDir(), 'argv.json');

    const r = await mlwb(['run', '--tag', 'api_token=xoxb-1234-abcdef', '--tag', 'team=ml', '--', 'python3', 'train.py',
      '--password', 'hunter2', '--api-key', 'sk-abcdefghijklmnop123', '--db', 'postgres://u:p4ss@localhost/db', '--lr', '0.1', argvFile], repo);
    assert.equal(r.code, 0, r.stderr);
    // The command itself gets the real values.
    assert.deepEqual(JSON.parse(fs.readFileSync(argvFile, 'utf8')),
      ['--password', 'hunter2', '--api-key', 'sk-abcdefghijklmnop123', '--db', 'postgres://u:p4ss@localhost/db', '--lr', '0.1', argvFile]);

    const [run] = await mlwbJson<RunRecord[]>(['runs', 'ls'], repo);
    assert.deepEqual(run.params, { password: '[REDACTED]', 'api-key': '[REDACTED]', db: 'postgres://u:[REDACTED]@localhost/db', lr: 0.1 });
    assert.deepEqual(run.tags, { api_token: '[REDACTED]', team: 'ml' });
    assert.deepEqual(run.command.slice(2, 6), ['--password', '[REDACTED]', '--api-key', '[REDACTED]']);
    assert.match(run.notes ?? '', /\[REDACTED\]/);
    assert.match(run.gitNote ?? '', /\.env/);
    assert.match(run.gitNote ?? '', /secrets\.yaml/);
    assert.match((await mlwb(['runs', 'show', run.id], repo)).stdout, /^ {2}note +Secret values on the command line/m);

    const store = Store.open({ cwd: repo, create: false });
    let diff: string;
    try {
      diff = store.getGit(run.id)!.git!.diff;
    } finally {
      store.close();
    }
    assert.match(diff, /^\+API_KEY = "\[REDACTED\]"$/m, 'names are kept, values redacted');
    assert.match(diff, /^\+GITHUB = "\[REDACTED\]"$/m);
    assert.match(diff, /^\+STEPS = 3$/m);
    assert.doesNotMatch(diff, /\.env|secrets\.yaml/);

    const exports = (await mlwb(['export', '--format', 'json'], repo)).stdout + (await mlwb(['export', '--format', 'csv'], repo)).stdout;
    const database = Buffer.concat(['mlwb.db', 'mlwb.db-wal'].map((f) => path.join(repo, '.mlwb', f))
      .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))).toString('latin1');
    for (const secret of SECRETS) {
      assert.ok(!exports.includes(secret), `export holds ${secret}`);
      assert.ok(!database.includes(secret), `the store holds ${secret}`);
    }
  });
});
