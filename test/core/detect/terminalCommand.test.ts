import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { decideTerminalCommand } from '../../../src/core/detect/terminalCommand';
import { parseCommandList, parseSimpleCommand } from '../../../src/core/detect/shellWords';
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

test('training signs decide, with or without a main guard; a module that only defines things is not a program', () => {
  assert.equal(classifyScript(TRAIN).training, true);
  assert.equal(classifyScript(TRAIN).guardLine, 4);
  assert.equal(classifyScript('def train(): pass\nepochs = 3\n').training, false);
  assert.equal(classifyScript('if __name__ == "__main__":\n    print("hi")\n').training, false);
  const flat = readFileSync(path.join(__dirname, '../../fixtures/detect/keras_flat.py'), 'utf8');
  assert.deepEqual([classifyScript(flat).training, classifyScript(flat).guardLine], [true, null]);
});

test('command lists split on ; && || | & and newlines, with redirections dropped', () => {
  const words = (line: string) => parseCommandList(line)?.map((c) => [c.after ?? '', ...c.words]);
  assert.deepEqual(words('clear; python train.py --lr 0.1'), [['', 'clear'], [';', 'python', 'train.py', '--lr', '0.1']]);
  assert.deepEqual(words('cd "exp 1" && python a.py > out.log 2>&1 || echo "a && b"'),
    [['', 'cd', 'exp 1'], ['&&', 'python', 'a.py'], ['||', 'echo', 'a && b']]);
  assert.deepEqual(words('python train.py 2>&1 | tee log.txt &'), [['', 'python', 'train.py'], ['|', 'tee', 'log.txt']]);
  assert.equal(parseCommandList('python $(ls *.py)'), undefined);
  assert.equal(parseCommandList('python "train.py'), undefined);
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
  assert.equal((await decideTerminalCommand('python3 util.py', dir, dir, rules)).track, 'tentative');
  assert.equal((await decideTerminalCommand('python3 util.py', dir, dir, { include: ['util.py'], exclude: [] })).track, true);
  assert.equal((await decideTerminalCommand('python3 train.py', dir, dir, { include: [], exclude: ['*.py'] })).track, false);
  assert.equal((await decideTerminalCommand('ls -la', dir, dir, rules)).track, false);
  assert.equal((await decideTerminalCommand('python3 -m http.server', dir, dir, rules)).track, 'tentative');
  assert.equal((await decideTerminalCommand('python3', dir, dir, rules)).track, false, 'an interactive Python is not a run');
});

test('launch forms: -m module, shebang, torchrun, accelerate, uv run, poetry run, compound lines', async () => {
  const dir = tempDir();
  const mnist = readFileSync(path.join(__dirname, '../../fixtures/detect/mnist_main.py'), 'utf8');
  const flat = readFileSync(path.join(__dirname, '../../fixtures/detect/keras_flat.py'), 'utf8');
  mkdirSync(path.join(dir, 'pkg', 'cli'), { recursive: true });
  mkdirSync(path.join(dir, 'exp'));
  writeFileSync(path.join(dir, 'pkg', '__init__.py'), '');
  writeFileSync(path.join(dir, 'pkg', 'train.py'), mnist);
  writeFileSync(path.join(dir, 'pkg', 'cli', '__main__.py'), flat);
  writeFileSync(path.join(dir, 'train.py'), mnist);
  writeFileSync(path.join(dir, 'exp', 'fit.py'), flat);
  writeFileSync(path.join(dir, 'prep.py'), 'import csv\nprint("rows", 3)\n');
  writeFileSync(path.join(dir, 'trainer'), mnist); // shebang, no extension
  chmodSync(path.join(dir, 'trainer'), 0o755);
  const rules = { include: [], exclude: [] };
  const decide = async (line: string) => {
    const d = await decideTerminalCommand(line, dir, dir, rules);
    return d.track ? [d.track, d.script && path.relative(dir, d.script), path.relative(dir, d.cwd) || '.', d.command.join(' ')] : [false];
  };
  assert.deepEqual(await decide('python -m pkg.train --epochs 2'), [true, 'pkg/train.py', '.', 'python -m pkg.train --epochs 2']);
  assert.deepEqual(await decide('python3 -m pkg.cli data.csv'), [true, 'pkg/cli/__main__.py', '.', 'python3 -m pkg.cli data.csv']);
  assert.deepEqual(await decide('./train.py --lr 0.5'), [true, 'train.py', '.', './train.py --lr 0.5']);
  assert.deepEqual(await decide('./trainer --lr 0.5'), [true, 'trainer', '.', './trainer --lr 0.5']);
  assert.deepEqual(await decide('torchrun --standalone --nproc_per_node=2 train.py --epochs 1'),
    [true, 'train.py', '.', 'torchrun --standalone --nproc_per_node=2 train.py --epochs 1']);
  assert.deepEqual(await decide('accelerate launch --num_processes 2 train.py'), [true, 'train.py', '.', 'accelerate launch --num_processes 2 train.py']);
  assert.deepEqual(await decide('python -m torch.distributed.run --nproc_per_node 2 train.py'), [true, 'train.py', '.', 'python -m torch.distributed.run --nproc_per_node 2 train.py']);
  assert.deepEqual(await decide('uv run --with numpy train.py'), [true, 'train.py', '.', 'uv run --with numpy train.py']);
  assert.deepEqual(await decide('poetry run python train.py --seed 3'), [true, 'train.py', '.', 'poetry run python train.py --seed 3']);
  assert.deepEqual(await decide('CUDA_VISIBLE_DEVICES=0 time python train.py'), [true, 'train.py', '.', 'time python train.py']);
  assert.deepEqual(await decide('clear; python train.py'), [true, 'train.py', '.', 'python train.py']);
  assert.deepEqual(await decide('cd exp && python fit.py data.csv | tee log'), [true, 'exp/fit.py', 'exp', 'python fit.py data.csv']);
  assert.deepEqual(await decide('python prep.py && python train.py --epochs 1'), [true, 'train.py', '.', 'python train.py --epochs 1']);
  assert.deepEqual(await decide('python prep.py'), ['tentative', 'prep.py', '.', 'python prep.py']);
  assert.deepEqual(await decide('python -m pip list'), ['tentative', null, '.', 'python -m pip list']);
  assert.deepEqual(await decide('git status && ls'), [false]);
  const excluded = await decideTerminalCommand('python train.py', dir, dir, { include: [], exclude: ['train.py'] });
  assert.deepEqual([excluded.track, excluded.reason], [false, 'train.py matches mlwb.terminal.exclude']);
  const why = await decideTerminalCommand('python prep.py', dir, dir, rules);
  assert.match(why.reason, /prep\.py: no __main__ guard and no top-level code that runs|prep\.py: .*training sign/);
});
