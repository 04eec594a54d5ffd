import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlwbError } from '../../../src/core/errors';
import { OutputMetricParser, patternsFromEnv } from '../../../src/core/capture/outputMetrics';

/** Parses all of `text` and returns [key, step, value] triples. */
function parse(text: string, patterns?: string[]): [string, number, number][] {
  const p = new OutputMetricParser({ patterns });
  return [...p.push(text, 1), ...p.end(1)].map((m) => [m.key, m.step, m.value]);
}

describe('OutputMetricParser built-in rules', () => {
  it('reads JSON lines with step or epoch, excluding the step fields and non-numbers', () => {
    assert.deepEqual(parse('{"step": 3, "loss": 0.21, "name": "x", "ok": true}\n{"epoch": 2, "acc": 0.9}\n'),
      [['loss', 3, 0.21], ['acc', 2, 0.9]]);
  });

  it('keeps NaN and infinities from Python json.dumps and from text', () => {
    assert.deepEqual(parse('{"step": 1, "a": NaN, "b": Infinity, "c": -Infinity, "d": "NaN"}\n'),
      [['a', 1, NaN], ['b', 1, Infinity], ['c', 1, -Infinity], ['d', 1, NaN]]);
    assert.deepEqual(parse('epoch 4 loss=nan grad=inf low=-Inf\n'), [['loss', 4, NaN], ['grad', 4, Infinity], ['low', 4, -Infinity]]);
  });

  it('reads key=value and key: value pairs on lines with a step', () => {
    assert.deepEqual(parse('epoch 3 loss=0.21 acc=0.93\n'), [['loss', 3, 0.21], ['acc', 3, 0.93]]);
    assert.deepEqual(parse('Epoch 3/10 - loss: 0.2100 - accuracy: 0.9300\n'), [['loss', 3, 0.21], ['accuracy', 3, 0.93]]);
    assert.deepEqual(parse('step 100: loss=0.3, lr=1e-4\n'), [['loss', 100, 0.3], ['lr', 100, 1e-4]]);
    assert.deepEqual(parse('epoch=2 step=40 train/loss=1.5\n'), [['train/loss', 40, 1.5]]);
    // A progress bar that names its epoch: the step is epoch-wide (2 epochs of 50 before it, then 50).
    assert.deepEqual(parse('Epoch 2: 100%|####| 50/50 [00:01<00:00, 30.2it/s, loss=0.213]\n'), [['loss', 150, 0.213]]);
  });

  it('reads the Keras layout: an Epoch header, then the metrics line', () => {
    const keras = 'Epoch 1/2\n\n32/32 [====] - 0s 1ms/step - loss: 0.5 - val_loss: 0.6\nEpoch 2/2\n32/32 [====] - 0s - loss: 0.4\nloss: 9\n';
    assert.deepEqual(parse(keras), [['loss', 1, 0.5], ['val_loss', 1, 0.6], ['loss', 2, 0.4]]);
  });

  it('leaves lines that are not metrics alone', () => {
    const text = [
      'Loading data: 100 files', 'time: 12:30:01 epoch 3', 'accuracy: 93.5% at step 4', '{"loss": 0.3}', '{not json, step: 3}',
      'epochs: 10', 'mystep 3 loss=1', '[1, 2, 3]',
    ].join('\n');
    assert.deepEqual(parse(text + '\n'), []);
  });

  it('handles chunks split anywhere, including inside a line and a \\r\\n', () => {
    const text = 'epoch 1 loss=0.5\r\n{"step": 2, "loss": 0.25}\nepoch 3 loss=0.125';
    const whole = parse(text);
    for (let size = 1; size <= 7; size++) {
      const p = new OutputMetricParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size), 1));
      got.push(...p.end(1));
      assert.deepEqual(got.map((m) => [m.key, m.step, m.value]), whole, `chunks of ${size}`);
    }
    assert.deepEqual(whole, [['loss', 1, 0.5], ['loss', 2, 0.25], ['loss', 3, 0.125]]);
  });

  it('reads only the final state of a \\r progress bar', () => {
    assert.deepEqual(parse('epoch 1 loss=0.9\repoch 1 loss=0.7\repoch 1 loss=0.5\n'), [['loss', 1, 0.5]]);
  });

  it('stamps points with the time given', () => {
    const p = new OutputMetricParser();
    assert.deepEqual(p.push('step 1 a=2\n', 1234), [{ key: 'a', step: 1, value: 2, timestamp: 1234 }]);
  });
});

describe('OutputMetricParser custom patterns', () => {
  it('names metrics by the key group, or by group names', () => {
    assert.deepEqual(parse('iter#7 | val=0.5\n', [String.raw`iter#(?<step>\d+) \| (?<key>\w+)=(?<value>\S+)`]), [['val', 7, 0.5]]);
    assert.deepEqual(parse('TEST acc 0.91 f1 0.88\n', [String.raw`TEST acc (?<test_acc>\S+) f1 (?<test_f1>\S+)`]),
      [['test_acc', 0, 0.91], ['test_f1', 0, 0.88]]);
  });

  it('without a step group, takes the line step or counts the points', () => {
    const re = String.raw`score (?<score>\S+)`;
    assert.deepEqual(parse('score 1\nscore 2\nepoch 9 score 3\n', [re]), [['score', 0, 1], ['score', 1, 2], ['score', 9, 3]]);
  });

  it('takes precedence over the built-in rules on the lines it matches', () => {
    assert.deepEqual(parse('epoch 1 loss=0.5 best=0.4\n', [String.raw`best=(?<best_loss>\S+)`]), [['best_loss', 1, 0.4]]);
    assert.deepEqual(parse('epoch 2 loss=0.3\n', [String.raw`best=(?<best>\S+)`]), [['loss', 2, 0.3]]);
  });

  it('refuses patterns that cannot work, with a one-line error', () => {
    for (const bad of ['(unclosed', String.raw`loss=\S+`, String.raw`(?<key>\w*)=?(?<value>\d*)`]) {
      assert.throws(() => new OutputMetricParser({ patterns: [bad] }), MlwbError, bad);
    }
  });

  it('reads MLWB_METRIC_PATTERNS as a JSON array', () => {
    assert.deepEqual(patternsFromEnv({ MLWB_METRIC_PATTERNS: '["a(?<a>\\\\d)"]' }), ['a(?<a>\\d)']);
    assert.deepEqual(patternsFromEnv({}), []);
    assert.throws(() => patternsFromEnv({ MLWB_METRIC_PATTERNS: 'loss=(\\d+)' }), /JSON array/);
  });
});

describe('OutputMetricParser: library output as it really looks', () => {
  it('reads Hugging Face Trainer dict lines, with the epoch as step', () => {
    const hf = [
      "{'loss': 0.6931, 'grad_norm': 1.25, 'learning_rate': 5e-05, 'epoch': 0.5}",
      "{'eval_loss': 0.41, 'eval_accuracy': 0.8824, 'eval_runtime': 1.2, 'epoch': 1.0}",
      "{'train_runtime': 12.5, 'train_loss': 0.5, 'epoch': 1.0, 'note': 'it\\'s done', 'flag': True, 'x': None}",
      "{'loss': nan, 'epoch': 1.5}",
      "{'loss': tensor(0.3), 'epoch': 2.0}",
    ].join('\n');
    assert.deepEqual(parse(hf + '\n'), [
      ['loss', 0.5, 0.6931], ['grad_norm', 0.5, 1.25], ['learning_rate', 0.5, 5e-5],
      ['eval_loss', 1, 0.41], ['eval_accuracy', 1, 0.8824], ['eval_runtime', 1, 1.2],
      ['train_runtime', 1, 12.5], ['train_loss', 1, 0.5], ['loss', 1.5, NaN],
    ]);
  });

  it('reads a tqdm postfix: one point per bar position, the last redraw at a position winning', () => {
    // update() draws position n with the old postfix, set_postfix() redraws n with the new loss.
    const bar = 'train:   0%|          | 0/3 [00:00<?, ?it/s]'
      + '\rtrain:  33%|###3      | 1/3 [00:00<00:00,  9.9it/s]\rtrain:  33%|###3      | 1/3 [00:00<00:00,  9.9it/s, loss=0.9]'
      + '\rtrain:  67%|######6   | 2/3 [00:00<00:00,  9.9it/s, loss=0.9]\rtrain:  67%|######6   | 2/3 [00:00<00:00,  9.9it/s, loss=0.5]'
      + '\rtrain: 100%|##########| 3/3 [00:00<00:00,  9.9it/s, loss=0.5]\rtrain: 100%|##########| 3/3 [00:00<00:00,  9.9it/s, loss=0.25]\n'
      + 'done\n';
    assert.deepEqual(parse(bar), [['loss', 1, 0.9], ['loss', 2, 0.5], ['loss', 3, 0.25]]);
    // The same, as a terminal delivers it: in small chunks, the last point at the end of output.
    const p = new OutputMetricParser();
    const got = [];
    for (let i = 0; i < bar.length; i += 5) got.push(...p.push(bar.slice(i, i + 5), 1));
    got.push(...p.end(1));
    assert.deepEqual(got.map((m) => [m.key, m.step, m.value]), [['loss', 1, 0.9], ['loss', 2, 0.5], ['loss', 3, 0.25]]);
    assert.deepEqual(parse('57it [00:02, 28.1it/s, loss=1.2]\r58it [00:02, 28.1it/s, loss=1.1]\n'), [['loss', 57, 1.2], ['loss', 58, 1.1]]);
  });

  it('reads PyTorch Lightning bars: epoch-wide steps, v_num left out, validation metrics added at the end', () => {
    const lightning = 'Epoch 0:  50%|█████     | 1/2 [00:00<00:00, 61.23it/s, v_num=0, train_loss=0.5]'
      + '\rEpoch 0: 100%|██████████| 2/2 [00:00<00:00, 61.23it/s, v_num=0, train_loss=0.3]'
      + '\rEpoch 0: 100%|██████████| 2/2 [00:00<00:00, 61.23it/s, v_num=0, train_loss=0.3, val_loss=0.4]'
      + '\rEpoch 1:  50%|█████     | 1/2 [00:00<00:00, 61.23it/s, v_num=0, train_loss=0.2, val_loss=0.4]'
      + '\rEpoch 1: 100%|██████████| 2/2 [00:00<00:00, 61.23it/s, v_num=0, train_loss=0.1, val_loss=0.35]\n';
    assert.deepEqual(parse(lightning), [
      ['train_loss', 1, 0.5], ['train_loss', 2, 0.3], ['val_loss', 2, 0.4], ['train_loss', 3, 0.2], ['val_loss', 3, 0.4],
      ['train_loss', 4, 0.1], ['val_loss', 4, 0.35],
    ]);
  });

  it('reads Keras progress lines redrawn with \\r as one point per epoch (the final redraw), as a terminal delivers them', () => {
    const keras = 'Epoch 1/2\n 1/32 [>.............] - ETA: 1s - loss: 0.9\r16/32 [=======>......] - ETA: 0s - loss: 0.7\r32/32 [==============] - 0s 1ms/step - loss: 0.5\n'
      + 'Epoch 2/2\n 1/32 [>.............] - ETA: 1s - loss: 0.45\r32/32 [==============] - 0s 1ms/step - loss: 0.4\n';
    assert.deepEqual(parse(keras), [['loss', 1, 0.5], ['loss', 2, 0.4]]);
  });

  it('reads lines coloured with ANSI codes (CSI colours, OSC titles)', () => {
    assert.deepEqual(parse('\x1b[1m\x1b[32mepoch 2\x1b[0m loss=\x1b[33m0.25\x1b[0m acc=0.9\n\x1b]0;title\x07step 3 lr=0.1\n'),
      [['loss', 2, 0.25], ['acc', 2, 0.9], ['lr', 3, 0.1]]);
    assert.deepEqual(parse("\x1b[36m{'loss': 0.7, 'epoch': 1.0}\x1b[0m\n"), [['loss', 1, 0.7]]);
  });
});
