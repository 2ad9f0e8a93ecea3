import { UsageError, requirePositiveInteger } from '../../errors/index.js';
import { defineSystem, type DefinedModel } from '../define/index.js';
import type { Observable } from '../types.js';
import { WeightDraw, identity } from './weights.js';

export interface PlrnnOptions {
  /** latent dimension M (default 3) */
  dim?: number;
  /** hidden units L (default 10·M) */
  hidden?: number;
  /** Hess et al. 2023 clipped form, whose orbits stay bounded for |Aᵢ| < 1 */
  clipped?: boolean;
  /** seed of the random default weights */
  netSeed?: number;
  /** extra observables of the latent state (e.g. a reconstruction's statistics), besides the standard ones */
  observables?: readonly Observable[];
  /** append spectral resonators that follow the first coordinates (see Resonators) */
  resonators?: Resonators;
}

/**
 * A bank of damped resonators driven by the first `observed` latent coordinates, appended to the
 * state: w ↦ ρe^{iω}w + zᵢ for every coordinate i < observed and frequency ω (radians per step),
 * stored as (Re w, Im w). They do not feed back and have no parameters, so the PLRNN's dynamics
 * and parameter vector are unchanged; their use is that ⟨zᵢ·Re wᵢ,ω⟩ = Σ_{k≥1} ρ^{k−1}cos(ω(k−1))·⟨zᵢ(t)zᵢ(t−k)⟩,
 * a smoothed power spectrum of coordinate i at ω (from lags ≥ 1, so white observation noise does
 * not enter), becomes a long-time average of a state observable (named `spec{i}_{j}`) that kernel
 * and hybrid estimators can differentiate. Noise belongs on the first M coordinates only.
 */
export interface Resonators {
  observed: number;
  /** ω_j in radians per step */
  frequencies: readonly number[];
  /** ρ ∈ (0, 1): memory ≈ 1/(1 − ρ) steps, spectral resolution ≈ 1 − ρ radians */
  decay: number;
}

/**
 * Shallow piecewise-linear RNN of dynamical-systems reconstruction (Hess et al., ICML 2023):
 * z ↦ A⊙z + W₁·relu(W₂·z + h₂) + h₁, A diagonal; clipped: W₁·[relu(W₂z + h₂) − relu(W₂z)].
 * Default weights (chaotic, see docs/models.md), from netSeed:
 * - standard form: L = M, W₂ = I, h₂ = 0, A = 1.8, W₁ = −3.6·I + C with C ~ U(−0.05/M, 0.05/M),
 *   h₁ = 1 — a lattice of weakly coupled skew tent maps, orbits in [−1, 1]ᴹ;
 * - clipped form: L = 10M, A = 0.8, W₂ ~ N(0, 1/M), h₂ ~ U(−1, 1), W₁ ~ N(0, 36/L), h₁ = 0.
 */
export function plrnn(o: PlrnnOptions = {}): DefinedModel {
  const M = requirePositiveInteger('dim', o.dim ?? 3);
  const clipped = o.clipped ?? false;
  const L = requirePositiveInteger('hidden', o.hidden ?? (clipped ? 10 * M : M));
  const w = clipped ? clippedDefaults(M, L, o.netSeed ?? 1) : tentDefaults(M, L, o.netSeed ?? 1);
  const bank = o.resonators ? resonatorBank(M, o.resonators) : null;
  const dim = M + (bank?.size ?? 0);
  return defineSystem({
    name: clipped ? 'plrnn-clipped' : 'plrnn',
    kind: 'map',
    dim,
    description: `${clipped ? 'clipped ' : ''}shallow PLRNN (Hess et al. 2023), ${M} latent, ${L} hidden units; weights from the network seed (netSeed)`,
    equations: clipped ? 'z ↦ A⊙z + W1·[relu(W2·z + h2) − relu(W2·z)] + h1' : 'z ↦ A⊙z + W1·relu(W2·z + h2) + h1',
    params: {
      A: { shape: [M], default: w.A, description: `diagonal of A, ${M} entries` },
      W1: { shape: [M, L], default: w.W1, description: `${M}×${L} output weights` },
      W2: { shape: [L, M], default: w.W2, description: `${L}×${M} input weights` },
      h1: { shape: [M], default: w.h1, description: `latent bias, ${M} entries` },
      h2: { shape: [L], default: w.h2, description: `hidden thresholds, ${L} entries` },
    },
    step: (state, p, ops) => {
      const z = bank ? state.slice(0, M) : state;
      const pre = p.W2.matvec(z);
      const phi = clipped ? pre.add(p.h2).relu().sub(pre.relu()) : pre.add(p.h2).relu();
      const next = p.A.mul(z).add(p.W1.matvec(phi)).add(p.h1);
      if (!bank) return next;
      // w ← ρe^{iω}w + zᵢ elementwise on (Re w, Im w): a dense rotation matrix would cost (2NJ)² per step
      const half = bank.size / 2, re = state.slice(M, half), im = state.slice(M + half, half);
      const c = ops.constant(bank.cos), sn = ops.constant(bank.sin);
      const reNext = c.mul(re).sub(sn.mul(im)).add(ops.constant(bank.drive).matvec(z));
      return ops.concat(next, reNext, sn.mul(re).add(c.mul(im)));
    },
    sampleInitial: (rng, out) => {
      for (let i = 0; i < M; i++) out[i] = clipped ? rng.normal() : 0.9 * (2 * rng.uniform() - 1);
      out.fill(0, M);
    },
    defaultTransient: 1000,
    naturalHorizon: null,
    ...((o.observables || bank) && { observables: [...(o.observables ?? []), ...(bank?.observables ?? [])] }),
  });
}

/** The resonators' constants (ρcos ω, ρsin ω per resonator, the drive from z; layout [Re w; Im w]) and spectral observables. */
function resonatorBank(M: number, r: Resonators) {
  const N = requirePositiveInteger('resonators.observed', r.observed);
  if (N > M) throw new UsageError(`resonators.observed (${N}) exceeds the latent dimension ${M}`);
  if (!(r.decay > 0 && r.decay < 1)) throw new UsageError(`resonators.decay must be in (0, 1) (got ${r.decay})`);
  const J = r.frequencies.length, size = 2 * N * J;
  const cos = new Array<number>(N * J), sin = new Array<number>(N * J);
  const drive = Array.from({ length: N * J }, () => new Array<number>(M).fill(0));
  const observables: Observable[] = [];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < J; j++) {
      const q = i * J + j, k = M + q;
      cos[q] = r.decay * Math.cos(r.frequencies[j]);
      sin[q] = r.decay * Math.sin(r.frequencies[j]);
      drive[q][i] = 1;
      observables.push({
        name: `spec${i}_${j}`,
        description: `x${i}·Re w (resonator ω = ${r.frequencies[j].toFixed(4)}, ρ = ${r.decay})`,
        value: (x) => x[i] * x[k],
        gradient: (x, out) => {
          out.fill(0);
          out[i] = x[k];
          out[k] = x[i];
        },
      });
    }
  }
  return { size, cos, sin, drive, observables };
}

interface PlrnnWeights { A: number; W1: Float64Array; W2: Float64Array; h1: number; h2: Float64Array | number }

function clippedDefaults(M: number, L: number, netSeed: number): PlrnnWeights {
  const draw = new WeightDraw(netSeed);
  const W2 = draw.gaussian(L, M, 1), h2 = draw.uniform(L, -1, 1), W1 = draw.gaussian(M, L, 6);
  return { A: 0.8, W1, W2, h1: 0, h2 };
}

function tentDefaults(M: number, L: number, netSeed: number): PlrnnWeights {
  const draw = new WeightDraw(netSeed);
  const W2 = L === M ? identity(M) : draw.gaussian(L, M, 1);
  const C = draw.uniform(M * L, -0.05 / M, 0.05 / M);
  const W1 = Float64Array.from(C, (c, k) => c + (L === M && k % (M + 1) === 0 ? -3.6 : 0));
  return { A: 1.8, W1, W2, h1: 1, h2: 0 };
}
