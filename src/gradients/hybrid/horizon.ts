import { TangentFrame } from '../../lyapunov/index.js';
import { Rng } from '../../random/index.js';
import { checkFinite, step, type DynamicalSystem, type Observable } from '../../systems/index.js';
import { RuntimeFailure } from '../../errors/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { ScoreCovector, requireNoise } from '../kernel/score.js';
import type { HybridRunOptions } from './options.js';
import { makeSplit } from './make.js';

/** A block of samples [first, first + count) of the finite-horizon hybrid, with the leave-one-out baseline data. */
export interface HybridHorizonOptions extends HybridRunOptions {
  first: number;
  count: number;
  /** Σ_i Φ(x_L^i) over all N samples (pass 1), for the leave-one-out baseline */
  phiTotal: number;
  total: number;
}

/** Sample i draws from its own stream, so pass 1 and pass 2 replay the same noise whatever the chunking. */
export function sampleRng(seed: number, i: number): Rng {
  return new Rng(seed).split(i);
}

let stepXi = new Float64Array(0);

/** Runs sample i forward: fills states (L+1)·n and noise ξ (L·r); returns Φ(x_L). */
export function runSample(sys: DynamicalSystem, ob: Observable, L: number, rng: Rng, states: Float64Array, xi: Float64Array, x: Float64Array, y: Float64Array): number {
  const n = sys.dim, r = sys.noise?.rank ?? 0;
  if (stepXi.length < r) stepXi = new Float64Array(r);
  sys.sampleInitial(rng, x);
  states.set(x, 0);
  for (let m = 0; m < L; m++) {
    step(sys, x, y, rng, stepXi);
    checkFinite(y, m + 1, `sample trajectory`);
    for (let j = 0; j < r; j++) xi[m * r + j] = stepXi[j];
    states.set(y, (m + 1) * n);
    x.set(y);
  }
  return ob.value(x);
}

/**
 * One block of the finite-horizon hybrid (a runRepeats task). For each sample, with
 * ψ = Φ(x_L) − b (b the mean of the OTHER samples, independent of this one, so unbiased):
 *   ν_L = ∇Φ(x_L);  g_m = (I − P_m)ν_{m+1} + P_m·ψ·B s(ξ_m)/σ;  ν_m = J_mᵀ g_m;  dE[Φ(x_L)]/dp ≈ Σ_m (∂f/∂p)(x_m)ᵀ g_m.
 * Returns Σ of per-sample gradients (and of their squares in diagnostics) for the merge.
 */
export function hybridHorizonChunk(arg: RepeatArg<HybridHorizonOptions>): RepeatOutcome {
  const { system: sys } = repeatContext(arg);
  const o = arg.options;
  const noise = requireNoise(sys);
  const obj = arg.objective;
  if (obj.kind !== 'horizon') throw new Error('hybridHorizonChunk needs a horizon objective');
  const ob = resolveObjective(sys, obj);
  const sel = selectParams(sys, arg.params);
  const n = sys.dim, L = obj.horizon, P = sel.indices.length, r = noise.rank;
  const split = makeSplit(sys, o);
  const u = split.frameSize;
  const states = new Float64Array((L + 1) * n), xi = new Float64Array(L * r);
  const qs = u > 0 ? new Float64Array(L * u * n) : null;
  const x = new Float64Array(n), y = new Float64Array(n), xn = new Float64Array(n);
  const nu = new Float64Array(n), g = new Float64Array(n), tx = new Float64Array(n), tp = new Float64Array(sys.nParams);
  const score = new ScoreCovector(sys);
  const sum = new Float64Array(P), sumSq = new Float64Array(P), gi = new Float64Array(P);
  let phiSum = 0, phiSq = 0;
  for (let i = o.first; i < o.first + o.count; i++) {
    const rng = sampleRng(arg.seed, i);
    const phiL = runSample(sys, ob, L, rng, states, xi, x, y);
    phiSum += phiL;
    phiSq += phiL * phiL;
    const psi = o.total > 1 ? phiL - (o.phiTotal - phiL) / (o.total - 1) : phiL;
    if (qs) {
      // the frame starts from a fixed random basis of the sample's own sub-stream (past-adapted)
      const frame = new TangentFrame(sys, u, rng.split(1));
      for (let m = 0; m < L; m++) {
        for (let c = 0; c < n; c++) xn[c] = states[m * n + c];
        frame.advance(xn);
        qs.set(frame.q, m * u * n);
      }
    }
    for (let c = 0; c < n; c++) xn[c] = states[L * n + c];
    ob.gradient(xn, nu);
    gi.fill(0);
    for (let m = L - 1; m >= 0; m--) {
      for (let c = 0; c < n; c++) xn[c] = states[m * n + c];
      const k = score.set(xi, psi, m * r);
      split.apply(nu, k, g, qs, m * u * n);
      sys.backward(xn, g, tx, tp);
      for (let q = 0; q < P; q++) gi[q] += tp[sel.indices[q]];
      nu.set(tx);
    }
    for (let q = 0; q < P; q++) {
      if (!Number.isFinite(gi[q])) throw new RuntimeFailure(`hybrid gradient of sample ${i} is non-finite (the pathwise part explodes: raise --alpha)`);
      sum[q] += gi[q];
      sumSq[q] += gi[q] * gi[q];
    }
  }
  return {
    value: phiSum,
    gradient: sum,
    cost: { steps: 2 * o.count * L, tangentSolves: o.count * L * u, adjointSolves: o.count * L },
    diagnostics: { sumSq: Array.from(sumSq), phiSq, count: o.count },
  };
}

/** Pass 1: Σ_i Φ(x_L^i) over all samples (forward only), for the leave-one-out baseline. */
export function horizonPhiTotal(sys: DynamicalSystem, ob: Observable, L: number, N: number, seed: number): number {
  const n = sys.dim, r = sys.noise?.rank ?? 0;
  const states = new Float64Array((L + 1) * n), xi = new Float64Array(L * r), x = new Float64Array(n), y = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < N; i++) total += runSample(sys, ob, L, sampleRng(seed, i), states, xi, x, y);
  return total;
}
