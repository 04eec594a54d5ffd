import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smooth, toChartSeries } from '../../../webview/compare/series';

describe('compare chart series', () => {
  it('puts non-finite values in gaps with marks, on the chosen x axis', () => {
    const wire = { x: [1000, 3000, 5000, 7000], y: [1, 'NaN' as const, 'Infinity' as const, 2], total: 4 };
    const rel = toChartSeries(wire, 'relative', 1000);
    assert.deepEqual(rel.points, [{ x: 0, y: 1 }, { x: 2, y: null }, { x: 4, y: null }, { x: 6, y: 2 }]);
    assert.deepEqual(rel.marks, [{ x: 2, kind: 'NaN' }, { x: 4, kind: 'Infinity' }]);
    assert.deepEqual(toChartSeries(wire, 'wall', 1000).points.map((p) => p.x), wire.x);
  });

  it('smooths with a debiased EMA: each point is the weighted mean of those before it', () => {
    const ys = [3, 1, 4, 1, 5, 9, 2, 6];
    const w = 0.6;
    const points = ys.map((y, x) => ({ x, y: x === 3 ? null : y }));
    const got = smooth(points, w);
    // Direct form: sum over earlier finite values of (1−w)·w^(age) y, over the same sum of weights.
    const finite = points.filter((p) => p.y !== null);
    for (const [k, p] of got.entries()) {
      if (points[k].y === null) {
        assert.equal(p.y, null, 'a gap stays a gap');
        continue;
      }
      const upto = finite.filter((q) => q.x <= p.x);
      const weights = upto.map((_q, i) => (1 - w) * w ** (upto.length - 1 - i));
      const want = upto.reduce((a, q, i) => a + weights[i] * q.y!, 0) / weights.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(p.y! - want) < 1e-12, `point ${k}: ${p.y} vs ${want}`);
    }
    assert.deepEqual(smooth(points, 0), points);
  });
});
