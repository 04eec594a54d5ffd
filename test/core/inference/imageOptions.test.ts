import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlwbError } from '../../../src/core/errors';
import { parseImageOptions } from '../../../src/core/inference/io/imageOptions';

const PAGE = { size: 'Image size', mean: 'Mean', std: 'Std' };

describe('image options as typed (mlwb model run flags, the model page fields)', () => {
  it('reads WIDTHxHEIGHT and three numbers per channel; blank fields keep the defaults', () => {
    assert.deepEqual(parseImageOptions({ size: ' 224 x 160 ', mean: '0.485,0.456,0.406', std: '0.229, 0.224, 0.225' }, PAGE),
      { width: 224, height: 160, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    assert.deepEqual(parseImageOptions({ size: '', mean: ' ', std: undefined }, PAGE), { width: undefined, height: undefined, mean: undefined, std: undefined });
  });

  it('says which field is wrong and what it takes, under the name the user knows', () => {
    const fails = (text: Parameters<typeof parseImageOptions>[0], message: RegExp) =>
      assert.throws(() => parseImageOptions(text, PAGE), (e: unknown) => e instanceof MlwbError && message.test(e.message));
    fails({ size: 'big' }, /^Image size takes WIDTHxHEIGHT, e\.g\. 224x224; got "big"\.$/);
    fails({ size: '0x10' }, /Image size takes WIDTHxHEIGHT/);
    fails({ mean: '0.5,0.5' }, /^Mean takes three numbers, e\.g\. 0\.5,0\.5,0\.5; got "0\.5,0\.5"\.$/);
    fails({ mean: '0.5,,0.5' }, /Mean takes three numbers/);
    fails({ std: 'a,b,c' }, /Std takes three numbers/);
    fails({ std: '1,0,1' }, /Std cannot be 0/);
    assert.throws(() => parseImageOptions({ size: 'big' }, { size: '--size', mean: '--mean', std: '--std' }, 'usage', 2),
      (e: unknown) => e instanceof MlwbError && /^--size takes/.test(e.message) && e.exitCode === 2 && e.hint === 'usage');
  });
});
