import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random/index.js';
import { correlationTime } from '../../src/stats/index.js';

/** x_{k+1} = a·x_k + ξ_k: ρ(k) = a^k, τ_int = ½ + a/(1 − a). */
function ar1(a: number, n: number, seed: number): Float64Array {
  const rng = new Rng(seed), s = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) s[i] = x = a * x + rng.normal();
  return s;
}

describe('correlationTime', () => {
  it('AR(1): τ_int = ½ + a/(1−a) for a = 0.5, 0.9 (within 10%); τ_abs = τ_int for a monotone decay', () => {
    for (const a of [0.5, 0.9]) {
      const c = correlationTime(ar1(a, 200_000, 3));
      const exact = 0.5 + a / (1 - a);
      assert.ok(Math.abs(c.tau / exact - 1) < 0.1, `a = ${a}: tau ${c.tau} vs ${exact}`);
      assert.ok(Math.abs(c.tauAbs / c.tau - 1) < 0.1, `a = ${a}: tauAbs ${c.tauAbs} vs tau ${c.tau}`);
      assert.ok(!c.truncated && c.lags >= 5 * c.tauAbs - 1);
    }
  });

  it('an oscillating correlation (a = −0.8): the signed sum cancels, the envelope does not', () => {
    const c = correlationTime(ar1(-0.8, 200_000, 4));
    // signed: ½ + (−0.8)/(1.8) = 0.056; envelope ½ + 0.8/0.2 = 4.5
    assert.ok(c.tau < 0.2, `tau ${c.tau}`);
    assert.ok(Math.abs(c.tauAbs / 4.5 - 1) < 0.15, `tauAbs ${c.tauAbs}`);
  });

  it('white noise and a constant series have τ = ½; a too-short series is flagged truncated', () => {
    const w = correlationTime(ar1(0, 50_000, 5));
    assert.ok(Math.abs(w.tauAbs - 0.5) < 0.1 && Math.abs(w.tau - 0.5) < 0.1);
    assert.deepEqual(correlationTime(new Float64Array(100).fill(2)).tauAbs, 0.5);
    assert.equal(correlationTime(ar1(0.999, 1000, 6)).truncated, true);
    assert.throws(() => correlationTime([1, 2, 3]), RangeError);
    // huge finite values (an orbit about to blow up) give the same τ, not NaN
    const s = ar1(0.5, 50_000, 7), big = s.map((x) => 1e300 * x);
    assert.ok(Math.abs(correlationTime(big).tauAbs - correlationTime(s).tauAbs) < 1e-9);
  });
});
