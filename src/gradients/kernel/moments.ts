/**
 * Sums over independent samples (Φ_i, S_i) — Φ_i the objective of sample i, S_i its score sum
 * (one entry per parameter) — from which the finite-time kernel estimate and its standard error
 * follow. Plain data, so chunks computed on worker threads merge exactly (and in a fixed order:
 * the result does not depend on the number of workers).
 */
export interface SampleMoments {
  count: number;
  phi: number;
  phi2: number;
  /** Σ S_i, Σ Φ_i S_i, Σ S_i², Σ Φ_i S_i², Σ Φ_i² S_i² (per parameter) */
  s: Float64Array;
  phiS: Float64Array;
  s2: Float64Array;
  phiS2: Float64Array;
  phi2S2: Float64Array;
}

export function emptyMoments(width: number): SampleMoments {
  const z = () => new Float64Array(width);
  return { count: 0, phi: 0, phi2: 0, s: z(), phiS: z(), s2: z(), phiS2: z(), phi2S2: z() };
}

export function addSample(m: SampleMoments, phi: number, score: Float64Array): void {
  m.count++;
  m.phi += phi;
  m.phi2 += phi * phi;
  for (let j = 0; j < m.s.length; j++) {
    const s = score[j], s2 = s * s;
    m.s[j] += s;
    m.phiS[j] += phi * s;
    m.s2[j] += s2;
    m.phiS2[j] += phi * s2;
    m.phi2S2[j] += phi * phi * s2;
  }
}

/** into ← into + other */
export function mergeMoments(into: SampleMoments, other: SampleMoments): void {
  into.count += other.count;
  into.phi += other.phi;
  into.phi2 += other.phi2;
  for (const k of ['s', 'phiS', 's2', 'phiS2', 'phi2S2'] as const) {
    for (let j = 0; j < into[k].length; j++) into[k][j] += other[k][j];
  }
}

export interface MomentEstimate {
  value: number;
  valueStderr: number;
  gradient: Float64Array;
  stderr: Float64Array;
}

/**
 * The estimate (1/N)Σ(Φ_i − b_i)S_i of d E[Φ]/dp.
 *
 * With the baseline, b_i is the leave-one-out mean of the other samples' Φ: it is independent of
 * S_i, and E[S_i] = 0 (a score has mean zero), so subtracting it costs no bias. Algebraically
 * Φ_i − b_i = N/(N−1)·(Φ_i − Φ̄), so the estimate is the unbiased sample covariance
 * Σ(Φ_i − Φ̄)S_i/(N−1). Its standard error is the delta-method one: the sample standard deviation
 * of u_i = (Φ_i − Φ̄)S_i over √N. Without the baseline, u_i = Φ_i S_i and the estimate is their mean.
 */
export function momentEstimate(m: SampleMoments, baseline: boolean): MomentEstimate {
  const n = m.count;
  const mean = m.phi / n;
  const varPhi = n > 1 ? Math.max(0, (m.phi2 - n * mean * mean) / (n - 1)) : Infinity;
  const p = m.s.length;
  const gradient = new Float64Array(p), stderr = new Float64Array(p);
  const b = baseline ? mean : 0;
  for (let j = 0; j < p; j++) {
    // Σu_i and Σu_i² for u_i = (Φ_i − b)S_i, expanded in the stored sums
    const su = m.phiS[j] - b * m.s[j];
    const su2 = m.phi2S2[j] - 2 * b * m.phiS2[j] + b * b * m.s2[j];
    gradient[j] = baseline ? su / (n - 1) : su / n;
    const varU = n > 1 ? Math.max(0, (su2 - (su * su) / n) / (n - 1)) : Infinity;
    stderr[j] = Math.sqrt(varU / n) * (baseline ? n / (n - 1) : 1);
  }
  return { value: mean, valueStderr: Math.sqrt(varPhi / n), gradient, stderr };
}
