import { RuntimeFailure } from '../../errors/index.js';
import { TangentFrame } from '../../lyapunov/index.js';
import { BatchMeans } from '../../stats/index.js';
import { initialState, step, checkFinite } from '../../systems/index.js';
import { resolveObjective, transientOf } from '../objective.js';
import { CheckpointedOrbit } from '../orbit.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { ScoreCovector, requireNoise } from '../kernel/score.js';
import type { HybridRunOptions } from './options.js';
import { makeSplit } from './make.js';

/**
 * One orbit of the ergodic hybrid estimator (a runRepeats task). With ψ_n = Σ_{j=1..W}(Φ(x_{n+j}) − Φ̄)
 * and k_n = ψ_n·B s(ξ_n)/σ, the adjoint runs backward from ν_T = ∇Φ(x_T):
 *   g_n = (I − P_n)ν_{n+1} + P_n k_n,  ν_n = J_nᵀ g_n + ∇Φ(x_n),  d⟨Φ⟩/dp ≈ (1/T) Σ_n (∂f/∂p)(x_n)ᵀ g_n.
 * Pathwise and kernel parts carry the same 1/T: ν sums unscaled sources ∇Φ, ψ_n sums unscaled Φ,
 * and the single 1/T is applied at the end (a factor-T mismatch between them is the classic bug).
 */
export function hybridErgodicRun(arg: RepeatArg<HybridRunOptions>): RepeatOutcome {
  const { system: sys, rng } = repeatContext(arg);
  const o = arg.options;
  const noise = requireNoise(sys);
  const obj = arg.objective;
  if (obj.kind !== 'average') throw new Error('hybridErgodicRun needs an average objective');
  const ob = resolveObjective(sys, obj);
  const sel = selectParams(sys, arg.params);
  const n = sys.dim, T = obj.steps, W = o.window, P = sel.indices.length, r = noise.rank;
  const split = makeSplit(sys, o);
  const u = split.frameSize;

  let x = initialState(sys, rng, transientOf(sys, obj));
  const frame = u > 0 ? new TangentFrame(sys, u, rng.split(1)) : null;
  if (frame) {
    // the frame settles onto the Gram–Schmidt vectors along the orbit before statistics start
    const y = new Float64Array(n);
    for (let t = 0; t < o.basisTransient; t++) {
      frame.advance(x);
      step(sys, x, y, rng);
      checkFinite(y, t + 1);
      x.set(y);
    }
  }

  const S = Math.min(o.segmentSteps, T);
  const K = Math.ceil(T / S);
  const qStarts = frame ? new Float64Array(K * u * n) : null;
  const phi = new Float64Array(T + 1);
  const orbit = new CheckpointedOrbit(sys, x, T, rng, S, (xn, t) => {
    phi[t] = ob.value(xn);
    if (frame && t < T) {
      if (t % S === 0) qStarts!.set(frame.q, (t / S) * u * n);
      frame.advance(xn);
    }
  });

  // window sums from prefix sums of Φ: ψ_t = Σ_{j=1..W} Φ(x_{t+j}) − (#terms)·Φ̄, truncated at T
  const prefix = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) prefix[t] = prefix[t - 1] + phi[t];
  const mean = prefix[T] / T;
  const psi = (t: number) => {
    const end = Math.min(t + W, T);
    return prefix[end] - prefix[t] - (end - t) * mean;
  };

  const score = new ScoreCovector(sys);
  const buf = orbit.allocSegment();
  const qbuf = frame ? new Float64Array(S * u * n) : null;
  const nu = new Float64Array(n), g = new Float64Array(n), tx = new Float64Array(n), xn = new Float64Array(n), dphi = new Float64Array(n);
  const tp = new Float64Array(sys.nParams), grad = new Float64Array(P), contrib = new Float64Array(P);
  const bm = new BatchMeans(P, T, Math.min(32, T));
  for (let i = 0; i < n; i++) xn[i] = orbit.finalState[i];
  ob.gradient(xn, nu);
  let nuMax = 0, nuSum = 0;
  for (let s = K - 1; s >= 0; s--) {
    const len = orbit.segment(s, buf);
    const a = orbit.segmentStart(s);
    if (frame) {
      frame.q.set(qStarts!.subarray(s * u * n, (s + 1) * u * n));
      for (let j = 0; j < len; j++) {
        for (let i = 0; i < n; i++) xn[i] = buf.states[j * n + i];
        frame.advance(xn);
        qbuf!.set(frame.q, j * u * n);
      }
    }
    for (let j = len - 1; j >= 0; j--) {
      const t = a + j;
      for (let i = 0; i < n; i++) xn[i] = buf.states[j * n + i];
      const k = score.set(buf.xi, psi(t), j * r);
      split.apply(nu, k, g, qbuf, j * u * n);
      sys.backward(xn, g, tx, tp);
      for (let q = 0; q < P; q++) {
        const c = tp[sel.indices[q]];
        grad[q] += c;
        contrib[q] = c;
      }
      bm.push(contrib);
      ob.gradient(xn, dphi);
      let norm2 = 0;
      for (let i = 0; i < n; i++) {
        nu[i] = tx[i] + dphi[i];
        norm2 += nu[i] * nu[i];
      }
      if (!(norm2 < Infinity)) {
        throw new RuntimeFailure(`hybrid adjoint became non-finite at step ${t} (the pathwise part explodes: raise --alpha or use --split shadowing with a larger --u)`);
      }
      const nrm = Math.sqrt(norm2);
      nuSum += nrm;
      if (nrm > nuMax) nuMax = nrm;
    }
  }
  for (let q = 0; q < P; q++) grad[q] /= T;
  const se = bm.stderr();
  return {
    value: mean,
    gradient: grad,
    cost: { steps: 2 * T + transientOf(sys, obj) + (frame ? o.basisTransient : 0), tangentSolves: frame ? (2 * T + o.basisTransient) * u : 0, adjointSolves: T },
    diagnostics: {
      batchStderr: Array.from(se),
      adjointNormMean: nuSum / T,
      adjointNormMax: nuMax,
      memoryBytes: orbit.checkpointBytes + buf.states.byteLength + buf.xi.byteLength + phi.byteLength * 2 + (qbuf?.byteLength ?? 0) + (qStarts?.byteLength ?? 0),
    },
  };
}
