import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userPath } from '../../../src/core/capture/npmPath';

// The prefix npm 11 puts before the user's PATH for `npx`/`npm exec`/`npm run` (seen on this
// machine): Node's folder, node_modules/.bin of every folder up to /, then node-gyp-bin.
const GYP = '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin';
const NPM_PREFIX = ['/usr/bin', '/home/u/proj/node_modules/.bin', '/home/u/node_modules/.bin', '/home/node_modules/.bin', '/node_modules/.bin', GYP];
const USER = ['/home/u/.venv/bin', '/home/u/.pyenv/shims', '/usr/local/bin', '/usr/bin', '/bin'];
const NPM_ENV = { npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js', npm_lifecycle_event: 'npx', npm_node_execpath: '/usr/bin/node' };

describe('userPath', () => {
  it('removes the folders npm put before the user\'s PATH', () => {
    assert.equal(userPath({ ...NPM_ENV, PATH: [...NPM_PREFIX, ...USER].join(':') }), USER.join(':'));
  });

  it('removes every layer of nested npm calls', () => {
    assert.equal(userPath({ ...NPM_ENV, PATH: [...NPM_PREFIX, ...NPM_PREFIX, ...USER].join(':') }), USER.join(':'));
  });

  it('without node-gyp-bin, removes the leading node_modules/.bin run and Node\'s folder only', () => {
    const prefix = ['/usr/bin', '/home/u/proj/node_modules/.bin', '/node_modules/.bin'];
    assert.equal(userPath({ ...NPM_ENV, PATH: [...prefix, ...USER].join(':') }), USER.join(':'));
    // A user whose PATH starts with Node's folder, with no npm prefix: unchanged.
    assert.equal(userPath({ ...NPM_ENV, PATH: USER.join(':') }), USER.join(':'));
  });

  it('leaves PATH alone when npm did not start the process', () => {
    const PATH = [...NPM_PREFIX, ...USER].join(':');
    assert.equal(userPath({ PATH }), PATH);
  });
});
