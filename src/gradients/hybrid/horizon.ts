import { TangentFrame } from '../../lyapunov/index.js';
import { Rng } from '../../random/index.js';
import { checkFinite, step, type DynamicalSystem, type Observable } from '../../systems/index.js';
import { failure, opt } from '../../errors/index.js';
import { resolveObjective } from '../objective.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { ScoreCovector, requireNoise } from '../kernel/score.js';
import type { HybridRunOptions } from './options.js';
import { makeSplit } from './make.js';
import { AdjointSteps } from '../adjointSteps.js';

/** A block of samples [first, first + count) of the finite-horizon hybrid, with the baseline. */
export interface HybridHorizonOptions extends HybridRunOptions {
  first: number;
  count: number;
  /** b in ψ = Φ(x_L) − b: the mean of Φ(x_L) over pilot samples independent of every estimate sample */
  baseline: number;
}

/** Sample i draws from its own stream, so the bits do not depend on how samples are chunked. */
export function sampleRng(seed: number, i: number): Rng {
  return new Rng(seed).split(i);
}

/**
 * Pilot samples for the baseline come from stream PILOT_STREAM of the seed, split again per pilot
 * sample: no estimate sample (stream i < N of the seed) shares their noise.
 */
export const PILOT_STREAM = 2 ** 52;

/** Pilot sample size: enough that the baseline's error adds ≤ 1/M to the variance, cheap next to N samples. */
export function pilotSamples(N: number): number {
  return Math.min(256, Math.max(8, Math.ceil(N / 4)));
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
 * The baseline b: the mean of Φ(x_L) over M pilot samples. They are independent of the estimate's
 * samples, so b is a constant for them and E[(Φ − b)·score] = E[Φ·score] exactly (no bias); given
 * b the samples are i.i.d., so their spread is the right standard error. Costs M·L forward steps,
 * where a leave-one-out mean would cost a second forward pass over all N samples.
 */
export function pilotBaseline(sys: DynamicalSystem, ob: Observable, L: number, M: number, seed: number): number {
  const n = sys.dim, r = sys.noise?.rank ?? 0;
  const states = new Float64Array((L + 1) * n), xi = new Float64Array(L * r), x = new Float64Array(n), y = new Float64Array(n);
  const pilot = new Rng(seed).split(PILOT_STREAM);
  let total = 0;
  for (let j = 0; j < M; j++) total += runSample(sys, ob, L, pilot.split(j), states, xi, x, y);
  return total / M;
}

/**
 * One block of the finite-horizon hybrid (a runBlocks task). For each sample, with ψ = Φ(x_L) − b:
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
  // one frame for the block, restarted per sample from a random basis of the sample's sub-stream
  const frame = u > 0 ? new TangentFrame(sys, u, new Rng(0)) : null;
  const x = new Float64Array(n), y = new Float64Array(n), xn = new Float64Array(n);
  const nu = new Float64Array(n), g = new Float64Array(n), tx = new Float64Array(n);
  const score = new ScoreCovector(sys);
  const sum = new Float64Array(P), sumSq = new Float64Array(P), gi = new Float64Array(P);
  let phiSum = 0, phiSq = 0;
  const steps = new AdjointSteps(sys, (tp) => {
    for (let q = 0; q < P; q++) gi[q] += tp[sel.indices[q]];
  }, o.paramBlocks);
  for (let i = o.first; i < o.first + o.count; i++) {
    const rng = sampleRng(arg.seed, i);
    const phiL = runSample(sys, ob, L, rng, states, xi, x, y);
    phiSum += phiL;
    phiSq += phiL * phiL;
    const psi = phiL - o.baseline;
    if (frame) {
      // Q_0 is random (x₀ has no past to adapt to); Q_{m+1} spans J_m·Q_m, so P_m depends on the past only
      rng.split(1).fillNormal(frame.q);
      frame.orthonormalise();
      for (let m = 0; m < L; m++) {
        for (let c = 0; c < n; c++) xn[c] = states[m * n + c];
        frame.advance(xn);
        qs!.set(frame.q, m * u * n);
      }
    }
    for (let c = 0; c < n; c++) xn[c] = states[L * n + c];
    ob.gradient(xn, nu);
    gi.fill(0);
    for (let m = L - 1; m >= 0; m--) {
      for (let c = 0; c < n; c++) xn[c] = states[m * n + c];
      const k = score.set(xi, psi, m * r);
      split.apply(nu, k, g, qs, m * u * n);
      steps.step(xn, g, tx);
      nu.set(tx);
    }
    steps.flush();
    for (let q = 0; q < P; q++) {
      if (!Number.isFinite(gi[q])) throw failure`hybrid gradient of sample ${i} is non-finite (the pathwise part explodes: raise ${opt('alpha')})`;
      sum[q] += gi[q];
      sumSq[q] += gi[q] * gi[q];
    }
  }
  return {
    value: phiSum,
    gradient: sum,
    cost: { steps: o.count * L, tangentSolves: o.count * L * u, adjointSolves: o.count * L },
    diagnostics: { sumSq: Array.from(sumSq), phiSq, count: o.count },
  };
}
