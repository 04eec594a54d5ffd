import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { decideTerminalCommand } from '../../../src/core/detect/terminalCommand';
import { parseSimpleCommand } from '../../../src/core/detect/shellWords';
import { classifyScript, globToRegExp } from '../../../src/core/detect/trainingScript';
import { tempDir } from '../../helpers/tmp';

const TRAIN = 'import argparse\ndef train(lr, epochs):\n    pass\n\nif __name__ == "__main__":\n    train(0.1, 3)\n';

test('simple commands split like a shell; compound ones are refused', () => {
  assert.deepEqual(parseSimpleCommand(`FOO=1 python3 train.py --name "a b" --x='c d' e\\ f`),
    { env: { FOO: '1' }, words: ['python3', 'train.py', '--name', 'a b', '--x=c d', 'e f'] });
  assert.equal(parseSimpleCommand('python train.py | tee log'), undefined);
  assert.equal(parseSimpleCommand('cd x && python train.py'), undefined);
  assert.equal(parseSimpleCommand('python "$SCRIPT"'), undefined);
});

test('training scripts need a main guard and training signs', () => {
  assert.equal(classifyScript(TRAIN).training, true);
  assert.equal(classifyScript('def train(): pass\nepochs = 3\n').training, false);
  assert.equal(classifyScript('if __name__ == "__main__":\n    print("hi")\n').training, false);
});

test('globs', () => {
  assert.ok(globToRegExp('scripts/**/*.py').test('scripts/a/b.py'));
  assert.ok(globToRegExp('scripts/**/*.py').test('scripts/b.py'));
  assert.ok(!globToRegExp('*.py').test('a/b.py'));
});

test('terminal commands: python training scripts are tracked, others are not', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'train.py'), TRAIN);
  writeFileSync(path.join(dir, 'util.py'), 'print(1)\n');
  const rules = { include: [], exclude: [] };
  const yes = await decideTerminalCommand('python3 train.py --lr 0.05', dir, dir, rules);
  assert.equal(yes.track, true);
  assert.deepEqual(yes.track && yes.command, ['python3', 'train.py', '--lr', '0.05']);
  assert.equal((await decideTerminalCommand('python3 util.py', dir, dir, rules)).track, false);
  assert.equal((await decideTerminalCommand('python3 util.py', dir, dir, { include: ['util.py'], exclude: [] })).track, true);
  assert.equal((await decideTerminalCommand('python3 train.py', dir, dir, { include: [], exclude: ['*.py'] })).track, false);
  assert.equal((await decideTerminalCommand('ls -la', dir, dir, rules)).track, false);
  assert.equal((await decideTerminalCommand('python3 -m http.server', dir, dir, rules)).track, false);
});
