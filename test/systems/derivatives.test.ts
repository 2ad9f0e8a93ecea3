import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random/index.js';
import type { DynamicalSystem } from '../../src/systems/index.js';
import { SMALL_SYSTEMS, dotp, maxAbs, randn, randomCase } from '../helpers/cases.js';

const CASES = 12;

/** Difference of two images reduced by the system's period (mod 1, mod 2π) where it wraps. */
function periodicDiff(sys: DynamicalSystem, a: Float64Array, b: Float64Array): Float64Array {
  const d = Float64Array.from(a, (v, i) => v - b[i]);
  const period = sys.name === 'tent' ? 1 : sys.name === 'solenoid' ? 2 * Math.PI : 0;
  if (period) for (let i = sys.name === 'solenoid' ? 1 : 0; i < d.length; i++) d[i] -= period * Math.round(d[i] / period);
  return d;
}

/** Keeps tent states away from its kink, where the one-sided derivatives differ. */
function awayFromKinks(sys: DynamicalSystem, x: Float64Array, rng: Rng): void {
  if (sys.name === 'tent' && Math.abs(x[0] - 0.5) < 1e-3) x[0] = 0.25 + 0.2 * rng.uniform();
}

function fdImage(sys: DynamicalSystem, x: Float64Array, v: Float64Array, eps: number): Float64Array {
  const xp = Float64Array.from(x, (xi, i) => xi + eps * v[i]);
  const xm = Float64Array.from(x, (xi, i) => xi - eps * v[i]);
  const fp = new Float64Array(sys.dim), fm = new Float64Array(sys.dim);
  sys.map(xp, fp);
  sys.map(xm, fm);
  return periodicDiff(sys, fp, fm).map((d) => d / (2 * eps));
}

function relErr(a: Float64Array, b: Float64Array): number {
  const diff = a.map((v, i) => v - b[i]);
  return maxAbs(diff) / Math.max(1e-12, maxAbs(b), maxAbs(a));
}

for (const { name, options } of SMALL_SYSTEMS) {
  describe(`${name} derivatives`, () => {
    it('tangent matches central finite differences over random states and parameters', () => {
      const rng = new Rng(11);
      for (let c = 0; c < CASES; c++) {
        const { sys, x } = randomCase(name, options, rng);
        awayFromKinks(sys, x, rng);
        const v = randn(rng, sys.dim);
        const jv = new Float64Array(sys.dim);
        sys.tangent(x, v, 1, jv);
        const fd = fdImage(sys, x, v, 1e-6);
        assert.ok(relErr(jv, fd) < 1e-6, `case ${c}: tangent ${jv} vs fd ${fd}`);
      }
    });

    it('adjoint is the exact transpose of the tangent on blocks: ⟨W, J V⟩ = ⟨Jᵀ W, V⟩', () => {
      const rng = new Rng(12);
      for (let c = 0; c < CASES; c++) {
        const { sys, x } = randomCase(name, options, rng);
        const k = 3, n = sys.dim;
        const v = randn(rng, n * k), w = randn(rng, n * k);
        const jv = new Float64Array(n * k), jtw = new Float64Array(n * k);
        sys.tangent(x, v, k, jv);
        sys.adjoint(x, w, k, jtw);
        for (let j = 0; j < k; j++) {
          const a = dotp(w.subarray(j * n, (j + 1) * n), jv.subarray(j * n, (j + 1) * n));
          const b = dotp(jtw.subarray(j * n, (j + 1) * n), v.subarray(j * n, (j + 1) * n));
          assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), `case ${c} vector ${j}: ${a} vs ${b}`);
        }
        // the block form agrees with one vector at a time
        const single = new Float64Array(n);
        sys.tangent(x, v.subarray(n, 2 * n), 1, single);
        assert.ok(relErr(single, jv.subarray(n, 2 * n)) < 1e-14);
      }
    });

    it('parameter tangent matches finite differences and the parameter adjoint is its transpose', () => {
      const rng = new Rng(13);
      for (let c = 0; c < CASES; c++) {
        const { sys, x } = randomCase(name, options, rng);
        awayFromKinks(sys, x, rng);
        const dp = randn(rng, sys.nParams);
        const pd = new Float64Array(sys.dim);
        sys.paramTangent(x, dp, pd);
        const eps = 1e-6;
        const fp = new Float64Array(sys.dim), fm = new Float64Array(sys.dim);
        sys.withParams(sys.p.map((v, i) => v + eps * dp[i])).map(x, fp);
        sys.withParams(sys.p.map((v, i) => v - eps * dp[i])).map(x, fm);
        const fd = periodicDiff(sys, fp, fm).map((d) => d / (2 * eps));
        assert.ok(relErr(pd, fd) < 1e-6, `case ${c}: ${pd} vs ${fd}`);
        const w = randn(rng, sys.dim);
        const ptw = new Float64Array(sys.nParams);
        sys.paramAdjoint(x, w, ptw);
        const a = dotp(w, pd), b = dotp(ptw, dp);
        assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), `case ${c}: ${a} vs ${b}`);
      }
    });

    it('backward equals adjoint and parameter adjoint', () => {
      const rng = new Rng(14);
      for (let c = 0; c < 4; c++) {
        const { sys, x } = randomCase(name, options, rng);
        const w = randn(rng, sys.dim);
        const ax = new Float64Array(sys.dim), ap = new Float64Array(sys.nParams);
        const bx = new Float64Array(sys.dim), bp = new Float64Array(sys.nParams);
        sys.adjoint(x, w, 1, ax);
        sys.paramAdjoint(x, w, ap);
        sys.backward(x, w, bx, bp);
        assert.ok(relErr(bx, ax) < 1e-14 && relErr(bp, ap) < 1e-14);
      }
    });

    it('observable gradients match finite differences', () => {
      const rng = new Rng(15);
      const { sys, x } = randomCase(name, options, rng);
      const g = new Float64Array(sys.dim);
      for (const ob of sys.observables.slice(0, 12)) {
        ob.gradient(x, g);
        const v = randn(rng, sys.dim);
        const eps = 1e-6;
        const fd = (ob.value(x.map((xi, i) => xi + eps * v[i])) - ob.value(x.map((xi, i) => xi - eps * v[i]))) / (2 * eps);
        const an = dotp(g, v);
        assert.ok(Math.abs(an - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `${ob.name}: ${an} vs ${fd}`);
      }
    });
  });
}
