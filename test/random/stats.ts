// Statistical helpers for the Rng tests.
import assert from 'node:assert/strict';

/** Complementary error function, fractional error < 1.2e-7 (Numerical Recipes erfcc): far below KS resolution. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
          t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
export function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Asserts D < 1.63/√N (the 1% critical value of the KS distribution). */
export function assertKS(sample: Float64Array, cdf: (x: number) => number, what: string): void {
  const d = ksStatistic(sample, cdf);
  const crit = 1.63 / Math.sqrt(sample.length);
  assert.ok(d < crit, `${what}: KS statistic ${d.toFixed(5)} >= ${crit.toFixed(5)}`);
}

/** Asserts |estimate − expected| < 5 standard errors, given the per-draw variance of the estimator. */
export function assertWithin5se(estimate: number, expected: number, perDrawVariance: number, n: number, what: string): void {
  const se = Math.sqrt(perDrawVariance / n);
  const z = (estimate - expected) / se;
  assert.ok(Math.abs(z) < 5, `${what}: ${estimate} vs ${expected} is ${z.toFixed(2)} standard errors off`);
}

export interface Moments {
  mean: number;
  variance: number;
  /** Raw moments E[x^2], E[x^4] (about 0). */
  m2: number;
  m4: number;
}

export function moments(draw: () => number, n: number): Moments {
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    const x2 = x * x;
    s1 += x;
    s2 += x2;
    s4 += x2 * x2;
  }
  const mean = s1 / n;
  return { mean, variance: (s2 / n - mean * mean) * (n / (n - 1)), m2: s2 / n, m4: s4 / n };
}
