import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultsNotGiven, extractArgparseParams } from '../../../src/core/detect/argparseParams';
import { parseCommandParams } from '../../../src/core/capture/commandParams';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/detect', name), 'utf8');

test('the pytorch/examples MNIST parser: every option, type, default, flag and help', () => {
  const params = extractArgparseParams(fixture('mnist_main.py'));
  assert.deepEqual(params.map((p) => p.key), ['batch-size', 'test-batch-size', 'epochs', 'lr', 'gamma', 'no-cuda', 'dry-run', 'seed', 'log-interval', 'save-model']);
  const byKey = Object.fromEntries(params.map((p) => [p.key, p]));
  assert.deepEqual(
    { dest: byKey['batch-size'].dest, type: byKey['batch-size'].type, default: byKey['batch-size'].default, help: byKey['batch-size'].help, line: byKey['batch-size'].line },
    { dest: 'batch_size', type: 'int', default: 64, help: 'input batch size for training (default: 64)', line: 24 });
  assert.equal(byKey.lr.default, 1.0);
  assert.equal(byKey.lr.type, 'float');
  assert.deepEqual([byKey['no-cuda'].action, byKey['no-cuda'].type, byKey['no-cuda'].default], ['store_true', 'bool', false]);
  assert.equal(byKey['dry-run'].default, false, 'store_true without default= defaults to False');
});

test('a flat script: helper-added arguments, multi-line calls, dest, choices, store_false, positionals, unreadable defaults', () => {
  const params = extractArgparseParams(fixture('keras_flat.py'));
  const byKey = Object.fromEntries(params.map((p) => [p.key, p]));
  assert.deepEqual(Object.keys(byKey).sort(), ['activation', 'data', 'dropout', 'epochs', 'hidden', 'learning_rate', 'no-shuffle', 'optimizer', 'run-name', 'tags']);
  assert.deepEqual([byKey.data.positional, byKey.data.required, byKey.data.help], [true, true, 'CSV file to read']);
  assert.deepEqual([byKey.epochs.flags, byKey.epochs.default], [['-e', '--epochs'], 3], 'a string default goes through type=int');
  assert.deepEqual([byKey.learning_rate.dest, byKey.learning_rate.flags, byKey.learning_rate.default], ['lr', ['--learning_rate', '--lr'], 0.001]);
  assert.deepEqual([byKey['no-shuffle'].dest, byKey['no-shuffle'].default], ['shuffle', true]);
  assert.deepEqual([byKey.hidden.default, byKey.hidden.help, byKey.hidden.line], [128, 'hidden units per layer', 7]);
  assert.deepEqual([byKey.activation.choices, byKey.activation.default], [['relu', 'tanh', 'gelu'], 'relu']);
  assert.equal(byKey.dropout.default, -0.05);
  assert.equal('default' in byKey.optimizer, false, 'a default that is a variable is not guessed');
  assert.equal(byKey.optimizer.choices, undefined);
  assert.equal('default' in byKey['run-name'], false, 'an f-string default is not guessed');
  assert.equal('default' in byKey.tags, false, 'a list default is not a scalar param');
});

test('defaults fill in what the command line did not give, by any option string', () => {
  const params = extractArgparseParams(fixture('keras_flat.py'));
  const given = parseCommandParams(['python', 'keras_flat.py', 'data.csv', '-e', '5', '--lr', '0.1']);
  assert.deepEqual(defaultsNotGiven(params, given),
    { 'no-shuffle': true, hidden: 128, activation: 'relu', dropout: -0.05 });
});

test('calls that are not literal argparse are skipped, not guessed', () => {
  const src = [
    'for name in NAMES:\n    parser.add_argument(name, default=1)',
    'parser.add_argument(*flags, **opts)',
    'p.add_argument("--x", type=lambda s: s.split(","), default="a,b")',
    'p.add_argument("--y", default=0x10)  # )',
    'p.add_argument("--z", default="""multi\nline""")',
    's = "p.add_argument(\'--fake\')"',
  ].join('\n');
  const params = extractArgparseParams(src);
  assert.deepEqual(params.map((p) => [p.key, p.default, p.type]), [['x', 'a,b', undefined], ['y', 16, undefined], ['z', 'multi\nline', undefined]]);
  assert.equal(params[2].line, 6);
});
