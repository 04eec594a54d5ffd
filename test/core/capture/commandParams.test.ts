import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultExperiment, defaultRunName, parseCommandParams, splitCommand, typedValue,
} from '../../../src/core/capture/commandParams';

describe('parseCommandParams', () => {
  const cases: [string, string[], Record<string, unknown>][] = [
    ['space-separated value', ['python', 'train.py', '--lr', '0.1'], { lr: 0.1 }],
    ['inline value', ['python', 'train.py', '--lr=0.1'], { lr: 0.1 }],
    ['short option', ['python3', 'train.py', '-e', '3'], { e: 3 }],
    ['flag without value', ['python', 'train.py', '--amp', '--lr', '1e-3'], { amp: true, lr: 0.001 }],
    ['flag at the end', ['python', 'train.py', '--lr', '2', '--amp'], { lr: 2, amp: true }],
    ['negated flag kept as written', ['python', 'train.py', '--no-shuffle'], { 'no-shuffle': true }],
    ['negative number is a value', ['python', 'train.py', '--shift', '-3.5'], { shift: -3.5 }],
    ['Hydra overrides', ['python', 'train.py', 'optimizer.lr=0.1', '+trainer.gpus=2', 'model=resnet'],
      { 'optimizer.lr': 0.1, 'trainer.gpus': 2, model: 'resnet' }],
    ['booleans', ['python', 'train.py', '--shuffle', 'False', 'debug=true'], { shuffle: false, debug: true }],
    ['ids with leading zeros stay strings', ['python', 'train.py', '--seed', '001', '--hex', '0x1f'], { seed: '001', hex: '0x1f' }],
    ['strings', ['python', 'train.py', '--out', 'runs/a b', '--opt=adam'], { out: 'runs/a b', opt: 'adam' }],
    ['positionals are not params', ['python', 'train.py', 'data.csv', '--lr', '1'], { lr: 1 }],
    ['last value wins', ['python', 'train.py', '--lr', '1', '--lr', '2'], { lr: 2 }],
    ['interpreter options are skipped', ['python3', '-u', '-W', 'ignore', 'train.py', '--lr', '1'], { lr: 1 }],
    ['module', ['python', '-m', 'pkg.train', '--epochs', '5'], { epochs: 5 }],
    ['launcher before the script', ['torchrun', '--nproc_per_node', '2', 'train.py', '--bs', '64'], { bs: 64 }],
    ['any program', ['./train.sh', '--steps', '10'], { steps: 10 }],
    ['after -- only positionals', ['python', 'train.py', '--', '--lr', '1', 'k=v'], { k: 'v' }],
    ['empty command', [], {}],
  ];
  for (const [title, command, expected] of cases) {
    it(title, () => assert.deepEqual(parseCommandParams(command), expected));
  }
});

describe('typedValue', () => {
  it('types only what is unambiguous', () => {
    assert.equal(typedValue('0'), 0);
    assert.equal(typedValue('.5'), 0.5);
    assert.equal(typedValue('1e400'), '1e400'); // not finite: kept as written
    assert.equal(typedValue('nan'), 'nan');
    assert.equal(typedValue('TRUE'), true);
    assert.equal(typedValue('1.2.3'), '1.2.3');
  });
});

describe('command naming', () => {
  it('finds the script or module', () => {
    assert.deepEqual(splitCommand(['python', '-m', 'pkg.train', '-x']), { script: 'pkg.train', scriptArgs: ['-x'] });
    assert.deepEqual(splitCommand(['python', '-c', 'print(1)', 'a']), { script: null, scriptArgs: ['a'] });
  });

  it('names the experiment after the script relative to cwd, else the program', () => {
    assert.equal(defaultExperiment(['python', './src/train.py'], '/w'), 'src/train.py');
    assert.equal(defaultExperiment(['python', '/w/src/train.py'], '/w'), 'src/train.py');
    assert.equal(defaultExperiment(['python', '-m', 'pkg.train'], '/w'), 'pkg.train');
    assert.equal(defaultExperiment(['/usr/bin/make', 'all'], '/w'), 'make');
  });

  it('names the run after the script and its parameters', () => {
    assert.equal(defaultRunName(['python', 'src/train.py', '--lr', '0.1'], { lr: 0.1, amp: true }), 'train lr=0.1 amp=true');
    assert.equal(defaultRunName(['python', '-m', 'pkg.train'], {}, new Date(2024, 0, 1, 9, 5, 7)), 'train 09:05:07');
    const long = defaultRunName(['python', 't.py'], Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`param${i}`, i])));
    assert.ok(long.length < 80 && long.endsWith('…'), long);
  });
});
