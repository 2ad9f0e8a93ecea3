import { failure, opt } from '../../errors/index.js';
import { TangentFrame } from '../../lyapunov/index.js';
import { BatchMeans } from '../../stats/index.js';
import { initialState, step, checkFinite } from '../../systems/index.js';
import { resolveObjective, transientOf } from '../objective.js';
import { CheckpointedOrbit } from '../../systems/orbit.js';
import { selectParams } from '../params.js';
import { repeatContext, type RepeatArg, type RepeatOutcome } from '../repeats.js';
import { ScoreCovector, requireNoise } from '../kernel/score.js';
import type { HybridRunOptions } from './options.js';
import { makeSplit } from './make.js';
import { ForwardBaseline } from './predict.js';
import { AdjointSteps } from '../adjointSteps.js';

/**
 * One orbit of the ergodic hybrid estimator (a runRepeats task). With ψ_n = Σ_{j=1..W}(Φ(x_{n+j}) − b_n)
 * and k_n = ψ_n·B s(ξ_n)/σ, the adjoint runs backward from ν_T = ∇Φ(x_T):
 *   g_n = (I − P_n)ν_{n+1} + P_n k_n,  ν_n = J_nᵀ g_n + ∇Φ(x_n),  d⟨Φ⟩/dp ≈ (1/T) Σ_n (∂f/∂p)(x_n)ᵀ g_n.
 * Pathwise and kernel parts carry the same 1/T: ν sums unscaled sources ∇Φ, ψ_n sums unscaled Φ,
 * and the single 1/T is applied at the end (a factor-T mismatch between them is the classic bug).
 *
 * The baseline b_n is the running mean of Φ(x_0 … x_n), as in the kernel estimator: it is known
 * before ξ_n is drawn, so E[b_n·s(ξ_n)] = 0 and it removes variance without bias (a mean over the
 * whole orbit would depend on ξ_n through the future and bias the estimate by O(W/T)).
 *
 * Memory O(K·(1 + u)·n + S·(1 + u)·n + W) for K = T/S checkpointed segments of S steps: the
 * backward sweep recomputes each segment's states, frames and Φ values, and the window sums
 * ψ_n run backward through a ring of the last W values of Φ. Within `keepBytes` the orbit's last
 * segments are kept from the forward pass instead of recomputed (a step then costs one map and
 * one backward, as the kernel's costs one map and one parameter adjoint).
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

  const x = initialState(sys, rng, transientOf(sys, obj));
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
  // Σ_{m<a} Φ(x_m) at every segment start a: the running-mean baseline is rebuilt per segment
  const phiBefore = new Float64Array(K);
  let phiRun = 0;
  let phi0 = 0;
  // progress: forward steps and backward steps count one each, about a hundred reports in all
  const report = arg.progress, every = Math.max(1, Math.floor(T / 50));
  // the predictive baseline (kernel/predict.ts): formed forward, adapted to the past, kept per step
  const fb = o.predict ? new ForwardBaseline(sys, ob, T, W, o.predict) : null;
  const visit = (xn: Float64Array, t: number) => {
    if (report && t % every === 0) report(t / (2 * T));
    if (t < T && t % S === 0) {
      phiBefore[t / S] = phiRun;
      if (frame) qStarts!.set(frame.q, (t / S) * u * n);
    }
    const v = ob.value(xn);
    fb?.visit(xn, t, v);
    if (t === 0) phi0 = v;
    phiRun += v;
    if (frame && t < T) frame.advance(xn);
  };
  const orbit = new CheckpointedOrbit(sys, x, T, rng, { segmentSteps: S, visit, keepBytes: o.keepBytes });
  const value = (phiRun - phi0) / T; // (1/T) Σ_{m=1..T} Φ(x_m)

  const score = new ScoreCovector(sys);
  const buf = orbit.allocSegment();
  const qbuf = frame ? new Float64Array(S * u * n) : null;
  const segPhi = new Float64Array(S + 1);
  // ring of the W most recent (in backward order) values Φ(x_{t+1}) … Φ(x_{t+W})
  const ring = new Float64Array(W);
  let ringPos = 0, ringCount = 0, winSum = 0;
  const nu = new Float64Array(n), g = new Float64Array(n), tx = new Float64Array(n), xn = new Float64Array(n), dphi = new Float64Array(n);
  const row = new Float64Array(P + 1);
  const bm = new BatchMeans(P + 1, T, Math.min(32, T));
  // each step's (∂f/∂p)ᵀg with Φ(x_{t+1}) is one batch-means sample; for many parameters they are
  // summed in blocks within a batch (adjointSteps.ts), the same sums in another order
  const steps = new AdjointSteps(sys, (sum, count, incomingSum) => {
    for (let q = 0; q < P; q++) row[q] = sum[sel.indices[q]];
    row[P] = incomingSum;
    if (count === 1) bm.push(row);
    else bm.pushSum(row, count);
  }, o.paramBlocks, () => bm.roomInBatch());
  for (let i = 0; i < n; i++) xn[i] = orbit.finalState[i];
  ob.gradient(xn, nu);
  let nuMax = 0, nuSum = 0;
  for (let s = K - 1; s >= 0; s--) {
    // backward steps done so far: those after this segment's end
    report?.((2 * T - orbit.segmentStart(s) - orbit.segmentLength(s)) / (2 * T));
    const len = orbit.segment(s, buf);
    const a = orbit.segmentStart(s);
    for (let j = 0; j <= len; j++) {
      for (let i = 0; i < n; i++) xn[i] = buf.states[j * n + i];
      segPhi[j] = ob.value(xn);
    }
    if (frame) {
      frame.q.set(qStarts!.subarray(s * u * n, (s + 1) * u * n));
      for (let j = 0; j < len; j++) {
        for (let i = 0; i < n; i++) xn[i] = buf.states[j * n + i];
        frame.advance(xn);
        qbuf!.set(frame.q, j * u * n);
      }
    }
    let cum = phiBefore[s]; // becomes Σ_{m≤t} Φ(x_m) for t = a + len − 1, then walks down
    for (let j = 0; j < len; j++) cum += segPhi[j];
    for (let j = len - 1; j >= 0; j--) {
      const t = a + j;
      // the window of step t gains Φ(x_{t+1}) and, once full, loses Φ(x_{t+W+1})
      const incoming = segPhi[j + 1];
      winSum += incoming - (ringCount === W ? ring[ringPos] : 0);
      ring[ringPos] = incoming;
      ringPos = ringPos + 1 === W ? 0 : ringPos + 1;
      if (ringCount < W) ringCount++;
      if (ringPos === 0) {
        // exact re-sum once per lap keeps the running sum from drifting over 10⁷ steps
        winSum = 0;
        for (let i = 0; i < ringCount; i++) winSum += ring[i];
      }
      const psi = winSum - (fb && ringCount === W ? fb.b[t] : ringCount * (cum / (t + 1)));
      cum -= segPhi[j];
      for (let i = 0; i < n; i++) xn[i] = buf.states[j * n + i];
      const k = score.set(buf.xi, psi, j * r);
      split.apply(nu, k, g, qbuf, j * u * n);
      steps.step(xn, g, tx, incoming);
      ob.gradient(xn, dphi);
      let norm2 = 0;
      for (let i = 0; i < n; i++) {
        nu[i] = tx[i] + dphi[i];
        norm2 += nu[i] * nu[i];
      }
      if (!(norm2 < Infinity)) {
        throw failure`hybrid adjoint became non-finite at step ${t} (the pathwise part explodes: raise ${opt('alpha')} or use ${opt('split')} shadowing with a larger ${opt('u')})`;
      }
      const nrm = Math.sqrt(norm2);
      nuSum += nrm;
      if (nrm > nuMax) nuMax = nrm;
    }
  }
  steps.flush();
  const mean = bm.mean(), se = bm.stderr();
  return {
    value,
    gradient: mean.slice(0, P),
    cost: {
      steps: T + orbit.recomputedSteps + transientOf(sys, obj) + (frame ? o.basisTransient : 0) + (fb?.maps ?? 0),
      tangentSolves: frame ? (2 * T + o.basisTransient) * u : 0,
      adjointSolves: T,
    },
    diagnostics: {
      batchStderr: Array.from(se.subarray(0, P)),
      valueStderr: se[P],
      adjointNormMean: nuSum / T,
      adjointNormMax: nuMax,
      keptSteps: orbit.keptSteps,
      ...(fb ? { predictBeta: fb.beta, forecastMaps: fb.maps } : {}),
      memoryBytes: steps.bytes + (fb?.b.byteLength ?? 0) + orbit.checkpointBytes + buf.states.byteLength + buf.xi.byteLength + segPhi.byteLength + phiBefore.byteLength + ring.byteLength +
        (qbuf?.byteLength ?? 0) + (qStarts?.byteLength ?? 0),
    },
  };
}
