import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogCapture } from '../../../src/core/capture/logCapture';

describe('LogCapture', () => {
  it('keeps a small log whole', () => {
    const log = new LogCapture('stdout', { headBytes: 16, tailBytes: 16 });
    log.push('hello ');
    log.push(Buffer.from('world\n'));
    assert.deepEqual(log.toRunLog(), { stream: 'stdout', content: 'hello world\n', totalBytes: 12, truncated: false });
  });

  it('keeps exactly head + tail without a marker', () => {
    const log = new LogCapture('stderr', { headBytes: 4, tailBytes: 4 });
    log.push('abcdefgh');
    assert.deepEqual(log.toRunLog(), { stream: 'stderr', content: 'abcdefgh', totalBytes: 8, truncated: false });
  });

  it('keeps the head and the tail of a large log and says how much was left out', () => {
    const log = new LogCapture('stdout', { headBytes: 10, tailBytes: 10 });
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`);
    // Chunks of uneven sizes, the way pipes deliver them.
    const all = lines.join('');
    for (let i = 0, size = 1; i < all.length; i += size, size = (size % 37) + 1) log.push(all.slice(i, i + size));
    const got = log.toRunLog();
    assert.equal(got.totalBytes, Buffer.byteLength(all));
    assert.equal(got.truncated, true);
    const omitted = Buffer.byteLength(all) - 20;
    assert.equal(got.content, `${all.slice(0, 10)}\n… [${omitted} bytes omitted] …\n${all.slice(-10)}`);
  });

  it('does not split multi-byte characters at the cut', () => {
    const log = new LogCapture('stdout', { headBytes: 5, tailBytes: 5 });
    log.push('ééé'.repeat(10)); // 60 bytes, 2 per character: both cuts fall inside one
    const got = log.toRunLog();
    assert.ok(!got.content.includes('\ufffd'), got.content);
    assert.match(got.content, /^éé\n… \[52 bytes omitted\] …\néé$/);
  });

  it('can keep no tail at all', () => {
    const log = new LogCapture('stdout', { headBytes: 3, tailBytes: 0 });
    log.push('abcdef');
    assert.equal(log.toRunLog().content, 'abc\n… [3 bytes omitted] …\n');
  });
});
