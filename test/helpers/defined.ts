import type { Rng } from '../../src/random/index.js';
import { NI9_J0, NI9_SCALE, randomRnnWeights, type DynamicalSystem, type SystemOptions } from '../../src/systems/index.js';
import { randn } from './cases.js';
import { defineSystem, type DefinedModel } from '../../src/systems/define/index.js';

/**
 * The hand-written built-in systems re-expressed through defineSystem, with the same parameter
 * layout, defaults, time step and initial distribution, so every kernel can be compared one to one.
 */
export function definedLorenz63(dt = 0.005): DefinedModel {
  return defineSystem({
    name: 'lorenz63', kind: 'flow', dim: 3, dt,
    params: { sigma: 10, rho: 28, beta: 8 / 3 },
    sampleInitial: (rng, out) => { out[0] = 1 + rng.normal(); out[1] = 1 + rng.normal(); out[2] = 25 + rng.normal(); },
    step: (x, { sigma, rho, beta }, ops) => {
      const [a, b, c] = [x.at(0), x.at(1), x.at(2)];
      return ops.concat(sigma.mul(b.sub(a)), a.mul(rho.sub(c)).sub(b), a.mul(b).sub(beta.mul(c)));
    },
  });
}

export function definedLorenz96(n = 40, dt = 0.01): DefinedModel {
  return defineSystem({
    name: 'lorenz96', kind: 'flow', dim: n, dt,
    params: { F: 8 },
    sampleInitial: (rng, out) => { for (let i = 0; i < n; i++) out[i] = 8 + 0.01 * rng.normal(); },
    step: (x, { F }) => x.shift(1).sub(x.shift(-2)).mul(x.shift(-1)).sub(x).add(F),
  });
}

export function definedHenon(): DefinedModel {
  return defineSystem({
    name: 'henon', kind: 'map', dim: 2,
    params: { a: 1.4, b: 0.3 },
    sampleInitial: (rng, out) => { out[0] = 0.1 * rng.uniform(); out[1] = 0.1 * rng.uniform(); },
    step: (x, { a, b }, ops) => ops.concat(ops.sub(1, a.mul(x.at(0).square())).add(x.at(1)), b.mul(x.at(0))),
  });
}

export function definedNi9(): DefinedModel {
  return defineSystem({
    name: 'ni9', kind: 'map', dim: 9,
    params: { gamma: 0, c: 0 },
    step: (x, { gamma, c }, ops) => ops.constant(NI9_J0.map((r) => r.map((v) => NI9_SCALE * v))).matvec(x.add(gamma).tanh()).add(c),
  });
}

export function definedRnn(n = 64, netSeed = 1): DefinedModel {
  const { W, b } = randomRnnWeights(n, netSeed);
  return defineSystem({
    name: 'rnn', kind: 'map', dim: n,
    params: { g: 3, W: { shape: [n, n], default: W }, b: { shape: [n], default: b } },
    step: (x, p) => p.W.matvec(x).mul(p.g).add(p.b).tanh(),
  });
}

/** The five re-expressed systems next to the built-in they mirror (small sizes keep tests fast). */
export const DEFINED_CASES: { name: string; options: SystemOptions; model: () => DefinedModel }[] = [
  { name: 'lorenz63', options: {}, model: () => definedLorenz63() },
  { name: 'lorenz96', options: { dim: 8 }, model: () => definedLorenz96(8) },
  { name: 'henon', options: {}, model: () => definedHenon() },
  { name: 'ni9', options: {}, model: () => definedNi9() },
  { name: 'rnn', options: { dim: 7 }, model: () => definedRnn(7) },
];

function relErr(a: Float64Array, b: Float64Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  if (!Number.isFinite(d) || !Number.isFinite(s)) return Infinity; // never let NaN pass a comparison
  return d === 0 ? 0 : d / Math.max(s, 1e-300);
}

/**
 * Worst relative difference, per kernel, between two systems over random parameters (defaults
 * perturbed by a few percent), states reached from x₀, vectors, blocks of 3, parameter directions.
 */
export function kernelDifferences(a: DynamicalSystem, b: DynamicalSystem, rng: Rng, cases: number): Record<string, number> {
  const n = a.dim, np = a.nParams, k = 3;
  const worst: Record<string, number> = {};
  const note = (kernel: string, x: Float64Array, y: Float64Array) => { worst[kernel] = Math.max(worst[kernel] ?? 0, relErr(x, y)); };
  for (let c = 0; c < cases; c++) {
    const p = Float64Array.from(a.p, (v) => v * (1 + 0.05 * (2 * rng.uniform() - 1)) + 0.01 * (2 * rng.uniform() - 1));
    const A = a.withParams(p), B = b.withParams(p);
    const x = new Float64Array(n), y = new Float64Array(n);
    A.sampleInitial(rng, x);
    for (let s = 0, m = 5 + rng.int(20); s < m; s++) { A.map(x, y); x.set(y); }
    const v = randn(rng, n * k), w = randn(rng, n * k), dp = randn(rng, np);
    const out = (len: number) => [new Float64Array(len), new Float64Array(len)];
    let [o1, o2] = out(n);
    A.map(x, o1); B.map(x, o2); note('map', o1, o2);
    if (A.vectorField && B.vectorField) { A.vectorField(x, o1); B.vectorField(x, o2); note('vectorField', o1, o2); }
    A.paramTangent(x, dp, o1); B.paramTangent(x, dp, o2); note('paramTangent', o1, o2);
    [o1, o2] = out(n * k);
    A.tangent(x, v, k, o1); B.tangent(x, v, k, o2); note('tangent', o1, o2);
    A.adjoint(x, w, k, o1); B.adjoint(x, w, k, o2); note('adjoint', o1, o2);
    const wi = w.subarray(0, n);
    [o1, o2] = out(np);
    A.paramAdjoint(x, wi, o1); B.paramAdjoint(x, wi, o2); note('paramAdjoint', o1, o2);
    const [g1, g2] = out(n);
    A.backward(x, wi, g1, o1); B.backward(x, wi, g2, o2); note('backward.x', g1, g2); note('backward.p', o1, o2);
  }
  return worst;
}
