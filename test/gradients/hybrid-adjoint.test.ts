import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hybridErgodicRun } from '../../src/gradients/hybrid/ergodic.js';
import { hybridHorizonChunk, runSample, sampleRng } from '../../src/gradients/hybrid/horizon.js';
import type { HybridRunOptions } from '../../src/gradients/hybrid/options.js';
import { resolveObjective, selectParams, scatter, type Objective } from '../../src/gradients/index.js';
import { TangentFrame } from '../../src/lyapunov/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, initialState, step, type DynamicalSystem } from '../../src/systems/index.js';

process.env.CHAOSGRAD_WORKERS = '1';

/**
 * Adjoint identity, one realisation at a time (no statistics): the backward sweep's dpᵀ·gradient
 * must equal the same estimator run FORWARD along dp — the split perturbation
 *   u_m = J_m δx_m + (∂f/∂p)(x_m)·dp,  b_m = P_m u_m,  δx_{m+1} = u_m − b_m,
 * the kernel weight Σ_m ψ_m·b_mᵀ B s(ξ_m)/σ and the pathwise term Σ ∇Φᵀδx. Written here from the
 * derivation, independently of the adjoint code, on nonlinear systems with every parameter entry.
 */

interface Realisation {
  states: Float64Array; // (T+1)·n
  xi: Float64Array; // T·r
  frames: Float64Array | null; // frame Q_{m+1} at m·u·n
}

function projector(sys: DynamicalSystem, o: HybridRunOptions, frames: Float64Array | null, m: number, v: Float64Array, out: Float64Array): void {
  const n = sys.dim;
  if (o.split === 'pathkernel') {
    for (let i = 0; i < n; i++) out[i] = o.alpha * v[i];
    return;
  }
  out.fill(0);
  for (let j = 0; j < o.u; j++) {
    const off = (m * o.u + j) * n;
    let c = 0;
    for (let i = 0; i < n; i++) c += frames![off + i] * v[i];
    for (let i = 0; i < n; i++) out[i] += c * frames![off + i];
  }
}

/** Σ_m ψ_m b_mᵀ s(ξ_m)/σ + Σ_m w_m ∇Φ(x_m)ᵀδx_m along dp (isotropic Gaussian noise: s(ξ) = ξ). */
function forwardSweep(sys: DynamicalSystem, o: HybridRunOptions, re: Realisation, T: number, psi: (m: number) => number, pathWeight: (m: number) => number, dp: Float64Array, observable: string): number {
  const n = sys.dim, sigma = sys.noise!.sigma;
  const ob = resolveObjective(sys, { kind: 'horizon', observable, horizon: 1, samples: 1 });
  const dx = new Float64Array(n), u = new Float64Array(n), pu = new Float64Array(n), fp = new Float64Array(n), x = new Float64Array(n), grad = new Float64Array(n);
  let D = 0;
  for (let m = 0; m < T; m++) {
    x.set(re.states.subarray(m * n, (m + 1) * n));
    sys.tangent(x, dx, 1, u);
    sys.paramTangent(x, dp, fp);
    for (let i = 0; i < n; i++) u[i] += fp[i];
    projector(sys, o, re.frames, m, u, pu);
    for (let i = 0; i < n; i++) {
      D += (psi(m) * pu[i] * re.xi[m * n + i]) / sigma;
      dx[i] = u[i] - pu[i];
    }
    const w = pathWeight(m + 1);
    if (w !== 0) {
      x.set(re.states.subarray((m + 1) * n, (m + 2) * n));
      ob.gradient(x, grad);
      for (let i = 0; i < n; i++) D += w * grad[i] * dx[i];
    }
  }
  return D;
}

function randomDirection(P: number, seed: number): Float64Array {
  const d = new Float64Array(P);
  new Rng(seed).fillNormal(d);
  return d;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const SYSTEMS: { label: string; sys: () => DynamicalSystem; params: string[]; observable: string }[] = [
  { label: 'ni9 (σ = 0.5)', sys: () => createSystem('ni9', { noise: 0.5, set: { gamma: 0.3 } }), params: ['gamma', 'c'], observable: 'sum' },
  { label: 'rnn n = 7 (σ = 0.1), g, W, b', sys: () => createSystem('rnn', { dim: 7, noise: 0.1, set: { g: 2.5 } }), params: ['g', 'W', 'b'], observable: 'meansq' },
];

const SPLITS: HybridRunOptions[] = [
  { split: 'pathkernel', alpha: 0.4, u: 0, window: 6, segmentSteps: 9, basisTransient: 15, keepBytes: 0 },
  // 4000 bytes keep the last 2–3 segments: the sweep crosses from kept to recomputed segments
  { split: 'pathkernel', alpha: 0.7, u: 0, window: 4, segmentSteps: 9, basisTransient: 15, keepBytes: 4000 },
  { split: 'shadowing', alpha: 0, u: 2, window: 6, segmentSteps: 9, basisTransient: 15, keepBytes: 4000 },
];

describe('hybrid adjoint identity: backward sweep = forward split perturbation, per realisation', () => {
  for (const S of SYSTEMS) {
    for (const o of SPLITS) {
      const name = `${S.label}, ${o.split === 'pathkernel' ? `path-kernel α = ${o.alpha}` : `shadowing u = ${o.u}`}, ${o.keepBytes} bytes kept`;

      it(`finite horizon, one sample — ${name}`, () => {
        const sys = S.sys();
        const L = 12, seed = 4, i = 3, baseline = 0.37;
        const objective: Objective = { kind: 'horizon', observable: S.observable, horizon: L, samples: 10 };
        const out = hybridHorizonChunk({ spec: null, system: sys, objective, params: S.params, seed, stream: 0, options: { ...o, first: i, count: 1, baseline } });
        const sel = selectParams(sys, S.params);
        const n = sys.dim;
        const re: Realisation = { states: new Float64Array((L + 1) * n), xi: new Float64Array(L * n), frames: null };
        const rng = sampleRng(seed, i);
        const ob = resolveObjective(sys, objective);
        const phiL = runSample(sys, ob, L, rng, re.states, re.xi, new Float64Array(n), new Float64Array(n));
        if (o.split === 'shadowing') {
          const frame = new TangentFrame(sys, o.u, rng.split(1));
          re.frames = new Float64Array(L * o.u * n);
          for (let m = 0; m < L; m++) {
            frame.advance(re.states.subarray(m * n, (m + 1) * n));
            re.frames.set(frame.q, m * o.u * n);
          }
        }
        const d = randomDirection(sel.indices.length, 77);
        const fwd = forwardSweep(sys, o, re, L, () => phiL - baseline, (m) => (m === L ? 1 : 0), scatter(d, sel, sys.nParams), S.observable);
        const adj = dot(d, out.gradient);
        assert.ok(Math.abs(fwd) > 1e-6, `non-trivial check (forward ${fwd})`);
        assert.ok(Math.abs(adj - fwd) <= 1e-9 * Math.max(1, Math.abs(fwd)), `adjoint ${adj} vs forward ${fwd}`);
      });

      it(`ergodic, one orbit (running-mean baseline, window sums across segments) — ${name}`, () => {
        const sys = S.sys();
        const T = 140, seed = 6, transient = 20;
        const objective: Objective = { kind: 'average', observable: S.observable, steps: T, transient };
        const out = hybridErgodicRun({ spec: null, system: sys, objective, params: S.params, seed, stream: 0, options: o });
        const sel = selectParams(sys, S.params);
        const n = sys.dim, W = o.window;
        const ob = resolveObjective(sys, objective);
        // replay the orbit as the estimator draws it: transient, frame settling, then T noisy steps
        const rng = new Rng(seed).split(0);
        const x = initialState(sys, rng, transient);
        const frame = o.split === 'shadowing' ? new TangentFrame(sys, o.u, rng.split(1)) : null;
        const y = new Float64Array(n);
        if (frame) {
          for (let t = 0; t < o.basisTransient; t++) {
            frame.advance(x);
            step(sys, x, y, rng);
            x.set(y);
          }
        }
        const re: Realisation = { states: new Float64Array((T + 1) * n), xi: new Float64Array(T * n), frames: frame ? new Float64Array(T * o.u * n) : null };
        const xi = new Float64Array(n);
        re.states.set(x, 0);
        for (let t = 0; t < T; t++) {
          if (frame) {
            frame.advance(x);
            re.frames!.set(frame.q, t * o.u * n);
          }
          step(sys, x, y, rng, xi);
          re.xi.set(xi, t * n);
          re.states.set(y, (t + 1) * n);
          x.set(y);
        }
        const phi = Array.from({ length: T + 1 }, (_, t) => ob.value(re.states.subarray(t * n, (t + 1) * n)));
        const psi = (t: number) => {
          let b = 0;
          for (let m = 0; m <= t; m++) b += phi[m];
          b /= t + 1;
          let s = 0;
          for (let j = 1; j <= W && t + j <= T; j++) s += phi[t + j] - b;
          return s;
        };
        const d = randomDirection(sel.indices.length, 78);
        const fwd = forwardSweep(sys, o, re, T, psi, () => 1, scatter(d, sel, sys.nParams), S.observable) / T;
        const adj = dot(d, out.gradient);
        assert.ok(Math.abs(fwd) > 1e-8, `non-trivial check (forward ${fwd})`);
        assert.ok(Math.abs(adj - fwd) <= 1e-9 * Math.max(1e-3, Math.abs(fwd)), `adjoint ${adj} vs forward ${fwd}`);
        const meanPhi = phi.slice(1).reduce((a, b) => a + b, 0) / T;
        assert.ok(Math.abs(out.value - meanPhi) < 1e-12 * Math.max(1, Math.abs(meanPhi)));
      });
    }
  }
});
