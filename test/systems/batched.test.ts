import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernels, loadWasmKernels } from '../../src/linalg/index.js';
import { Rng } from '../../src/random/index.js';
import { batchedKernels, createSystem, gatherLane, scatterLane, type DynamicalSystem } from '../../src/systems/index.js';

const wasm = loadWasmKernels();
const SYSTEMS: [string, Record<string, unknown>][] = [['henon', {}], ['lorenz63', {}], ['tent', {}], ['ni9', {}], ['rnn', { dim: 13 }], ['lorenz96', {}]];

/** Lane-major block of B random states (each from the system's own initial distribution). */
function randomBlock(sys: DynamicalSystem, B: number, rng: Rng, len = sys.dim): Float64Array {
  const X = new Float64Array(len * B), x = new Float64Array(len);
  for (let b = 0; b < B; b++) {
    if (len === sys.dim) sys.sampleInitial(rng, x);
    else for (let i = 0; i < len; i++) x[i] = rng.normal();
    scatterLane(x, len, B, b, X);
  }
  return X;
}

function close(a: Float64Array, b: Float64Array, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/**
 * Every batched kernel (the model's own where it has them, else the lane loop), on both kernel
 * paths, against the single-orbit kernels lane by lane; and B = 1 against B = 5 lanes.
 */
for (const [name, opts] of SYSTEMS) {
  test(`batched kernels of ${name} match the single-orbit kernels lane by lane (wasm and js)`, () => {
    const sys = createSystem(name, opts);
    const n = sys.dim, P = sys.nParams, B = 5;
    const rng = new Rng(7);
    const X = randomBlock(sys, B, rng), V = randomBlock(sys, B, rng, n), W = randomBlock(sys, B, rng, n);
    const outs: Float64Array[][] = [];
    for (const k of [wasm, jsKernels]) {
      const bk = batchedKernels(sys, k);
      const buf = (len: number) => { const a = k.f64(len); return a; };
      const Xk = buf(n * B), Vk = buf(n * B), Wk = buf(n * B);
      Xk.set(X); Vk.set(V); Wk.set(W);
      const map = buf(n * B), jvp = buf(n * B), vjp = buf(n * B), sum = buf(P), lanes = buf(P * B), bx = buf(n * B), bp = buf(P);
      bk.map(Xk, B, map);
      bk.jvp(Xk, Vk, B, jvp);
      bk.vjp(Xk, Wk, B, vjp);
      bk.paramAdjointSum(Xk, Wk, B, sum);
      bk.paramAdjointLanes(Xk, Wk, B, lanes);
      bk.backward(Xk, Wk, B, bx, bp);
      assert.equal(bk.native, name === 'ni9' || name === 'rnn');
      const bx2 = buf(n * B), bp2 = buf(P), bf = buf(n * B);
      bk.backward(Xk, Wk, B, bx2, bp2, bf);
      assert.deepEqual([...bx2, ...bp2, ...bf], [...bx, ...bp, ...map], 'backward with the map');
      if (bk.mapParamAdjointLanes) {
        const fm = buf(n * B), fl = buf(P * B);
        bk.mapParamAdjointLanes(Xk, Wk, B, fm, fl);
        assert.deepEqual(Array.from(fm), Array.from(map));
        assert.deepEqual(Array.from(fl), Array.from(lanes));
      }
      outs.push([map, jvp, vjp, sum, lanes, bx, bp].map((a) => Float64Array.from(a)));
      // B = 1 on lane 3 alone gives lane 3 of the batch, bit for bit
      const x1 = buf(n), w1 = buf(n), m1 = buf(n), l1 = buf(P);
      gatherLane(X, n, B, 3, x1);
      gatherLane(W, n, B, 3, w1);
      bk.map(x1, 1, m1);
      bk.paramAdjointLanes(x1, w1, 1, l1);
      const ref = new Float64Array(n), refP = new Float64Array(P);
      gatherLane(map, n, B, 3, ref);
      gatherLane(lanes, P, B, 3, refP);
      assert.deepEqual(Array.from(m1), Array.from(ref));
      assert.deepEqual(Array.from(l1), Array.from(refP));
    }
    // wasm and js paths: the same operations in the same order
    outs[0].forEach((a, i) => assert.deepEqual(Array.from(a), Array.from(outs[1][i]), `output ${i}`));
    // against the single-orbit kernels
    const [map, jvp, vjp, sum, lanes, bx, bp] = outs[1];
    const x = new Float64Array(n), v = new Float64Array(n), w = new Float64Array(n), y = new Float64Array(n), g = new Float64Array(P), gs = new Float64Array(P);
    const col = new Float64Array(n), colP = new Float64Array(P);
    for (let b = 0; b < B; b++) {
      gatherLane(X, n, B, b, x);
      gatherLane(V, n, B, b, v);
      gatherLane(W, n, B, b, w);
      sys.map(x, y);
      gatherLane(map, n, B, b, col);
      close(col, y, 1e-13, 'map');
      sys.tangent(x, v, 1, y);
      gatherLane(jvp, n, B, b, col);
      close(col, y, 1e-12, 'jvp');
      sys.adjoint(x, w, 1, y);
      gatherLane(vjp, n, B, b, col);
      close(col, y, 1e-12, 'vjp');
      gatherLane(bx, n, B, b, col);
      close(col, y, 1e-12, 'backward x');
      sys.paramAdjoint(x, w, g);
      gatherLane(lanes, P, B, b, colP);
      close(colP, g, 1e-12, 'param adjoint lanes');
      for (let q = 0; q < P; q++) gs[q] += g[q];
    }
    close(sum, gs, 1e-12, 'param adjoint sum');
    close(bp, gs, 1e-12, 'backward p');
  });
}
