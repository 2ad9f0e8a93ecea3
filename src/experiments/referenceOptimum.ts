import { gather, selectParams } from '../gradients/index.js';
import { Rng } from '../random/index.js';
import { measureStatistics, squaredErrorLoss, type LossTerm } from '../optim/index.js';
import type { DynamicalSystem } from '../systems/index.js';
import { cpuSeconds } from './common.js';

/**
 * The reference optimum of a squared-error loss of long-time statistics over a few scalar
 * parameters: Gauss–Newton on a finite-difference Jacobian. Each iteration measures S at θ and at
 * θ ± hⱼeⱼ on the same random stream (common random numbers, so the differences are precise), and
 * steps towards the minimiser of Σₖ wₖ(Sₖ + Jₖ·δ − tₖ)², halving the step until the loss (on the
 * same stream) goes down — S is far from linear over the whole step (Lorenz 63's ⟨x²⟩ doubles its
 * slope in β between β = 8/3 and 4). Its fixed point is Jᵀ W r = 0, the exact optimum whatever the
 * curvature of S (which only slows the convergence). The precision of θ* is
 * propagated from the statistics' standard errors at the last iterate: δθ = (JᵀWJ)⁻¹JᵀW·δS.
 */
export interface ReferenceOptimum {
  params: string[];
  /** θ after each iteration (the first entry is the start) */
  path: number[][];
  theta: number[];
  /** standard error of θ* from the last iterate's statistics */
  thetaStderr: number[];
  /** the loss at θ* from an independent run of `steps`, with its delta-method error */
  loss: number;
  lossStderr: number;
  statistics: number[];
  jacobian: number[][];
  /** the statistics and Jacobian at the start (the first iteration's), and the loss gradient there: 2·JᵀW(S − t) */
  start: { statistics: number[]; jacobian: number[][]; gradient: number[] };
  steps: number;
  h: number[];
  cpuSeconds: number;
}

function solve2(a: number[][], b: number[]): number[] {
  // small symmetric positive definite systems: Gaussian elimination without pivoting is enough
  const n = b.length, m = a.map((row, i) => [...row, b[i]]);
  for (let i = 0; i < n; i++) {
    for (let r = i + 1; r < n; r++) {
      const f = m[r][i] / m[i][i];
      for (let c = i; c <= n; c++) m[r][c] -= f * m[i][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let c = i + 1; c < n; c++) s -= m[i][c] * x[c];
    x[i] = s / m[i][i];
  }
  return x;
}

function inverse(a: number[][]): number[][] {
  return a.map((_, j) => solve2(a, a.map((__, i) => (i === j ? 1 : 0))));
}

export function referenceOptimum(system: DynamicalSystem, params: string[], terms: LossTerm[], opts: { steps: number; transient: number; iterations: number; h: number[]; seed: number }): ReferenceOptimum {
  const c0 = cpuSeconds();
  const sel = selectParams(system, params);
  const stats = terms.map((t) => ({ observable: t.observable, power: t.power ?? 1 }));
  const w = terms.map((t) => t.weight ?? 1);
  const P = sel.indices.length, K = terms.length;
  const at = (theta: number[]) => {
    const p = Float64Array.from(system.p);
    theta.forEach((v, i) => (p[sel.indices[i]] = v));
    return system.withParams(p);
  };
  const ev = { kind: 'average' as const, steps: opts.steps, transient: opts.transient };
  const lossOf = (v: ArrayLike<number>) => terms.reduce((a, t, k) => a + w[k] * (v[k] - t.target) ** 2, 0);
  let theta = Array.from(gather(system.p, sel));
  const path = [theta.slice()];
  let start: ReferenceOptimum['start'] | null = null;
  let J: number[][] = [], normal: number[][] = [], stderr: Float64Array = new Float64Array(K);
  for (let it = 0; it < opts.iterations; it++) {
    const seed = new Rng(opts.seed).split(it).seed;
    const s0 = measureStatistics(at(theta), stats, ev, seed);
    stderr = s0.stderr;
    J = Array.from({ length: K }, () => new Array<number>(P).fill(0));
    for (let j = 0; j < P; j++) {
      const up = theta.slice(), dn = theta.slice();
      up[j] += opts.h[j];
      dn[j] -= opts.h[j];
      const su = measureStatistics(at(up), stats, ev, seed), sd = measureStatistics(at(dn), stats, ev, seed);
      for (let k = 0; k < K; k++) J[k][j] = (su.values[k] - sd.values[k]) / (2 * opts.h[j]);
    }
    if (start === null) start = { statistics: Array.from(s0.values), jacobian: J, gradient: Array.from({ length: P }, (_, i) => J.reduce((a, row, k) => a + 2 * w[k] * row[i] * (s0.values[k] - terms[k].target), 0)) };
    normal = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (__, j) => J.reduce((a, row, k) => a + w[k] * row[i] * row[j], 0)));
    const rhs = Array.from({ length: P }, (_, i) => -J.reduce((a, row, k) => a + w[k] * row[i] * (s0.values[k] - terms[k].target), 0));
    const delta = solve2(normal, rhs);
    const current = lossOf(s0.values);
    for (let k = 0; k < 4; k++) {
      const trial = theta.map((v, i) => v + delta[i] / 2 ** k);
      if (lossOf(measureStatistics(at(trial), stats, ev, seed).values) < current) {
        theta = trial;
        break;
      }
    }
    path.push(theta.slice());
  }
  // δθ = A·δS with A = (JᵀWJ)⁻¹JᵀW; the statistics' errors taken as independent (their correlations are not kept here)
  const inv = inverse(normal);
  const thetaStderr = Array.from({ length: P }, (_, i) => Math.sqrt(terms.reduce((a, _t, k) => {
    let aik = 0;
    for (let j = 0; j < P; j++) aik += inv[i][j] * J[k][j] * w[k];
    return a + (aik * stderr[k]) ** 2;
  }, 0)));
  const final = measureStatistics(at(theta), stats, ev, new Rng(opts.seed).split(1000).seed);
  const loss = squaredErrorLoss(terms);
  const dL = new Float64Array(K);
  loss.gradient(final.values, dL);
  return {
    params,
    path,
    theta,
    thetaStderr,
    loss: loss.value(final.values),
    lossStderr: final.stderrOf(dL),
    statistics: Array.from(final.values),
    jacobian: J,
    start: start!,
    steps: opts.steps,
    h: opts.h,
    cpuSeconds: cpuSeconds() - c0,
  };
}
