import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocNilsasStats, allocNilsasSums, NilsasSweeper } from '../../src/gradients/nilsas/index.js';
import { Rng } from '../../src/random/index.js';
import { createSystem, findObservable, type DynamicalSystem, type Observable } from '../../src/systems/index.js';
import { dotp, randn } from '../helpers/cases.js';

/** Small systems of every kind the sweeps meet: a flow, a wrapped map, a network, a plain map. */
const CASES: { name: string; options: Record<string, unknown>; observable: string; len: number }[] = [
  { name: 'lorenz63', options: {}, observable: 'z', len: 12 },
  { name: 'henon', options: {}, observable: 'x0', len: 6 },
  { name: 'rnn', options: { dim: 7 }, observable: 'meansq', len: 6 },
  { name: 'solenoid', options: { dim: 5 }, observable: 'phi', len: 4 },
];

/** States x_0..x_L (vector after vector) from a point on the attractor. */
function segmentStates(sys: DynamicalSystem, len: number, rng: Rng): Float64Array {
  const n = sys.dim;
  const x = new Float64Array(n), y = new Float64Array(n);
  sys.sampleInitial(rng, x);
  for (let i = 0; i < 200; i++) {
    sys.map(x, y);
    x.set(y);
  }
  const states = new Float64Array((len + 1) * n);
  states.set(x, 0);
  for (let j = 0; j < len; j++) {
    sys.map(states.subarray(j * n, (j + 1) * n), y);
    states.set(y, (j + 1) * n);
  }
  return states;
}

function state(states: Float64Array, n: number, j: number): Float64Array {
  return states.slice(j * n, (j + 1) * n);
}

/** Σ_{j=1..L} Φ(x_j) along the orbit of x₀ under sys (for finite differences). */
function segmentSum(sys: DynamicalSystem, x0: Float64Array, len: number, ob: Observable): number {
  let x = Float64Array.from(x0);
  const y = new Float64Array(sys.dim);
  let s = 0;
  for (let j = 0; j < len; j++) {
    sys.map(x, y);
    x = Float64Array.from(y);
    s += ob.value(x);
  }
  return s;
}

function setup(c: (typeof CASES)[number], seed: number, M: number) {
  const sys = createSystem(c.name, c.options);
  const ob = findObservable(sys, c.observable);
  const rng = new Rng(seed);
  const states = segmentStates(sys, c.len, rng);
  const sweeper = new NilsasSweeper(sys, M, ob, sys.kind === 'flow');
  return { sys, ob, rng, states, sweeper, n: sys.dim };
}

describe('NILSAS segment sweeps', () => {
  for (const c of CASES) {
    it(`${c.name}: the homogeneous sweep is the exact transpose of the tangent over a segment`, () => {
      const M = 2;
      const { sys, rng, states, sweeper, n } = setup(c, 3, M);
      // W at x_L random, v* = 0 so only the homogeneous part moves (the source is added to v* only)
      const wL = randn(rng, M * n);
      sweeper.block.fill(0);
      sweeper.block.set(wL, 0);
      sweeper.homogeneousPass(states, c.len, true, allocNilsasSums(M, false));
      // tangent V_0 → V_L along the same states
      const v0 = randn(rng, n);
      let v = Float64Array.from(v0);
      const out = new Float64Array(n);
      for (let j = 0; j < c.len; j++) {
        sys.tangent(state(states, n, j), v, 1, out);
        v = Float64Array.from(out);
      }
      for (let a = 0; a < M; a++) {
        const lhs = dotp(sweeper.block.subarray(a * n, (a + 1) * n), v0);
        const rhs = dotp(wL.subarray(a * n, (a + 1) * n), v);
        assert.ok(Math.abs(lhs - rhs) <= 1e-11 * Math.max(1, Math.abs(rhs)), `column ${a}: ⟨W_0, V_0⟩ = ${lhs} vs ⟨W_L, V_L⟩ = ${rhs}`);
      }
    });

    it(`${c.name}: the inhomogeneous sweep gives ∇ of Σ_{j=0..L} Φ(x_j) with respect to x_0`, () => {
      const { sys, ob, states, sweeper, n } = setup(c, 4, 1);
      const g = new Float64Array(n);
      ob.gradient(state(states, n, c.len), g);
      sweeper.block.fill(0);
      sweeper.block.set(g, n); // v*_L = ∇Φ(x_L), W = 0
      sweeper.homogeneousPass(states, c.len, true, allocNilsasSums(1, false));
      const vStar0 = sweeper.block.slice(n, 2 * n); // includes the source at x_0
      const x0 = state(states, n, 0);
      const dir = randn(new Rng(9), n);
      const eps = 1e-6;
      const f = (s: number) => ob.value(x0.map((xi, i) => xi + s * dir[i])) + segmentSum(sys, x0.map((xi, i) => xi + s * dir[i]), c.len, ob);
      const fd = (f(eps) - f(-eps)) / (2 * eps);
      const an = dotp(vStar0, dir);
      assert.ok(Math.abs(an - fd) <= 1e-5 * Math.max(1, Math.abs(fd)), `${an} vs finite difference ${fd}`);
    });

    it(`${c.name}: the gradient pass gives ∂/∂p of Σ_{j=1..L} Φ(x_j) with x_0 fixed (BPTT over the segment)`, () => {
      const { sys, ob, states, sweeper, n } = setup(c, 5, 1);
      const v = new Float64Array(n);
      ob.gradient(state(states, n, c.len), v);
      const grad = new Float64Array(sys.nParams);
      sweeper.gradientPass(states, c.len, v, grad, allocNilsasStats(), 0);
      const x0 = state(states, n, 0);
      const dp = randn(new Rng(8), sys.nParams);
      const eps = 1e-6;
      const f = (s: number) => segmentSum(sys.withParams(sys.p.map((p, i) => p + s * dp[i])), x0, c.len, ob);
      const fd = (f(eps) - f(-eps)) / (2 * eps);
      const an = dotp(grad, dp);
      assert.ok(Math.abs(an - fd) <= 1e-5 * Math.max(1, Math.abs(fd)), `${an} vs finite difference ${fd}`);
    });
  }

  it('the least-squares sums and the renormalisation agree with a column-by-column reference', () => {
    const c = CASES[0]; // lorenz63: the flow sums e and g are exercised too
    const M = 2;
    const { sys, ob, rng, states, sweeper, n } = setup(c, 6, M);
    const init = randn(rng, (M + 1) * n);
    sweeper.block.set(init);
    const sums = allocNilsasSums(M, true);
    sweeper.homogeneousPass(states, c.len, true, sums);
    NilsasSweeper.finishSums(sums, M);
    // reference: propagate each covector alone, keep every value, sum by definition
    const cols: Float64Array[][] = Array.from({ length: M + 1 }, (_, a) => [init.slice(a * n, (a + 1) * n)]);
    const out = new Float64Array(n), gradPhi = new Float64Array(n);
    for (let j = c.len - 1; j >= 0; j--) {
      const x = state(states, n, j);
      ob.gradient(x, gradPhi);
      for (let a = 0; a <= M; a++) {
        const prev = cols[a][cols[a].length - 1];
        sys.adjoint(x, prev, 1, out);
        const next = Float64Array.from(out);
        if (a === M) for (let i = 0; i < n; i++) next[i] += gradPhi[i];
        cols[a].push(next);
      }
    }
    // cols[a][m] is at local state len − m; the sums run over local states len..1
    const C = new Float64Array(M * M), d = new Float64Array(M), e = new Float64Array(M);
    let g = 0;
    const f = new Float64Array(n);
    for (let m = 0; m < c.len; m++) {
      const x = state(states, n, c.len - m);
      sys.vectorField!(x, f);
      for (let i = 0; i < n; i++) f[i] *= sys.dt!;
      for (let a = 0; a < M; a++) {
        for (let b = 0; b < M; b++) C[a * M + b] += dotp(cols[a][m], cols[b][m]);
        d[a] += dotp(cols[a][m], cols[M][m]);
        e[a] += dotp(cols[a][m], f);
      }
      g += dotp(cols[M][m], f);
    }
    const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-10 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);
    for (let i = 0; i < M * M; i++) close(sums.C[i], C[i], `C[${i}]`);
    for (let a = 0; a < M; a++) {
      close(sums.d[a], d[a], `d[${a}]`);
      close(sums.e![a], e[a], `e[${a}]`);
    }
    close(sums.g, g, 'g');
    // the block now holds local state 0; renormalise and check W = QR, v*_old = v*_new + Q b, v* ⊥ Q
    const before = Float64Array.from(sweeper.block);
    for (let a = 0; a <= M; a++) for (let i = 0; i < n; i++) close(before[a * n + i], cols[a][c.len][i], `block[${a}][${i}]`);
    const R = new Float64Array(M * M), b = new Float64Array(M);
    sweeper.renormalise(R, b);
    const Q = sweeper.block;
    for (let a = 0; a < M; a++) for (let c2 = 0; c2 < M; c2++) close(dotp(Q.subarray(a * n, (a + 1) * n), Q.subarray(c2 * n, (c2 + 1) * n)), a === c2 ? 1 : 0, `QᵀQ[${a},${c2}]`);
    for (let a = 0; a < M; a++) {
      for (let i = 0; i < n; i++) {
        let w = 0;
        for (let r = 0; r <= a; r++) w += R[r * M + a] * Q[r * n + i];
        close(w, before[a * n + i], `(QR)[${a}][${i}]`);
      }
      close(dotp(Q.subarray(a * n, (a + 1) * n), Q.subarray(M * n, (M + 1) * n)), 0, `⟨Q_${a}, v*⟩`);
    }
    for (let i = 0; i < n; i++) {
      let w = Q[M * n + i];
      for (let a = 0; a < M; a++) w += b[a] * Q[a * n + i];
      close(w, before[M * n + i], `v*[${i}]`);
    }
  });
});
