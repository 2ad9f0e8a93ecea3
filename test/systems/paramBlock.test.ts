import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsKernels, loadWasmKernels } from '../../src/linalg/index.js';
import { Rng } from '../../src/random/index.js';
import { ParamAdjointBlock, batchedKernels, paramBlocksPay, createSystem, type DynamicalSystem } from '../../src/systems/index.js';

const wasm = loadWasmKernels();

/** k states of one orbit of sys (after a short transient) and k random covectors, step-major. */
function orbitPairs(sys: DynamicalSystem, k: number, seed: number): { xs: Float64Array; ws: Float64Array } {
  const n = sys.dim, rng = new Rng(seed);
  const x = new Float64Array(n), y = new Float64Array(n);
  sys.sampleInitial(rng, x);
  for (let t = 0; t < 20; t++) {
    sys.map(x, y);
    x.set(y);
  }
  const xs = new Float64Array(k * n), ws = new Float64Array(k * n);
  for (let t = 0; t < k; t++) {
    xs.set(x, t * n);
    for (let i = 0; i < n; i++) ws[t * n + i] = rng.normal();
    sys.map(x, y);
    x.set(y);
  }
  return { xs, ws };
}

/** Σ_t (∂f/∂p)(x_t)ᵀw_t step by step (the path the block replaces), with Σ_t |terms| for the tolerance. */
function stepByStep(sys: DynamicalSystem, xs: Float64Array, ws: Float64Array, k: number): { sum: Float64Array; scale: Float64Array } {
  const n = sys.dim, P = sys.nParams, sum = new Float64Array(P), scale = new Float64Array(P), g = new Float64Array(P);
  for (let t = 0; t < k; t++) {
    sys.paramAdjoint(xs.subarray(t * n, (t + 1) * n), ws.subarray(t * n, (t + 1) * n), g);
    for (let q = 0; q < P; q++) {
      sum[q] += g[q];
      scale[q] += Math.abs(g[q]);
    }
  }
  return { sum, scale };
}

function blockSum(sys: DynamicalSystem, xs: Float64Array, ws: Float64Array, k: number, capacity: number, kern = wasm): Float64Array {
  const n = sys.dim, blk = new ParamAdjointBlock(batchedKernels(sys, kern), capacity, kern), total = new Float64Array(sys.nParams);
  for (let t = 0; t < k; t++) {
    blk.push(xs.subarray(t * n, (t + 1) * n), ws.subarray(t * n, (t + 1) * n));
    if (blk.count === capacity || t === k - 1) {
      const s = blk.flush();
      for (let q = 0; q < total.length; q++) total[q] += s[q];
    }
  }
  return total;
}

const SYSTEMS: [string, Record<string, unknown>][] = [['rnn', { dim: 13 }], ['rnn', { dim: 70 }], ['ni9', {}], ['plrnn', {}], ['gru', { dim: 5 }], ['lorenz63', {}], ['henon', {}]];

for (const [name, opts] of SYSTEMS) {
  test(`ParamAdjointBlock on ${name} ${JSON.stringify(opts)}: the block sums equal Σ paramAdjoint step by step (1e-12), wasm = js bitwise`, () => {
    const sys = createSystem(name, opts);
    const k = 75;
    const { xs, ws } = orbitPairs(sys, k, 3);
    const ref = stepByStep(sys, xs, ws, k);
    for (const capacity of [1, 7, 32, 64]) {
      const got = blockSum(sys, xs, ws, k, capacity);
      for (let q = 0; q < sys.nParams; q++) {
        assert.ok(Math.abs(got[q] - ref.sum[q]) <= 1e-12 * (ref.scale[q] + 1e-300), `${name} capacity ${capacity} p[${q}]: ${got[q]} vs ${ref.sum[q]}`);
      }
      assert.deepEqual(Array.from(blockSum(sys, xs, ws, k, capacity, jsKernels)), Array.from(got), `capacity ${capacity}: wasm vs js`);
    }
  });
}

test('ParamAdjointBlock on rnn: the block sum against central finite differences of Σ_t w_tᵀ f(x_t; p)', () => {
  const sys = createSystem('rnn', { dim: 24 });
  const n = sys.dim, k = 40;
  const { xs, ws } = orbitPairs(sys, k, 5);
  const got = blockSum(sys, xs, ws, k, 16);
  const y = new Float64Array(n);
  const objective = (s: DynamicalSystem): number => {
    let v = 0;
    for (let t = 0; t < k; t++) {
      s.map(xs.subarray(t * n, (t + 1) * n), y);
      for (let i = 0; i < n; i++) v += ws[t * n + i] * y[i];
    }
    return v;
  };
  const h = 1e-6;
  // g, a few W entries across rows and columns, a few b entries
  for (const q of [0, 1, 2, 1 + 5 * n + 17, 1 + n * n - 1, 1 + n * n, 1 + n * n + 11, sys.nParams - 1]) {
    const p = Float64Array.from(sys.p);
    p[q] += h;
    const up = objective(sys.withParams(p));
    p[q] -= 2 * h;
    const down = objective(sys.withParams(p));
    const fd = (up - down) / (2 * h);
    assert.ok(Math.abs(got[q] - fd) <= 1e-6 * (1 + Math.abs(fd)), `p[${q}]: block ${got[q]} vs FD ${fd}`);
  }
});

test('ParamAdjointBlock: an empty flush is zero, a push on a full block is refused; the rule picks blocks for many parameters with GEMM parameter sums', () => {
  const sys = createSystem('rnn', { dim: 6 });
  const blk = new ParamAdjointBlock(batchedKernels(sys), 2);
  assert.ok(blk.flush().every((v) => v === 0));
  const x = new Float64Array(6).fill(0.1);
  blk.push(x, x);
  blk.push(x, x);
  assert.throws(() => blk.push(x, x), /full block/);
  assert.ok(blk.flush().some((v) => v !== 0));
  assert.equal(blk.count, 0);
  assert.equal(paramBlocksPay(createSystem('rnn', { dim: 64 })), true); // 4161 parameters ≥ 4·64, GEMM kernels
  assert.equal(paramBlocksPay(createSystem('rnn', { dim: 3 })), true); // 13 parameters ≥ 12
  assert.equal(paramBlocksPay(createSystem('rnn', { dim: 2 })), false); // 7 parameters < 8
  assert.equal(paramBlocksPay(createSystem('ni9')), false); // 2 parameters
  assert.equal(paramBlocksPay(createSystem('gru')), false); // 1584 parameters, but a model program's lane loop
  assert.equal(paramBlocksPay(createSystem('plrnn-clipped')), false);
  assert.equal(paramBlocksPay(createSystem('lorenz63')), false); // a flow: no batched kernels
  assert.equal(paramBlocksPay(createSystem('lorenz63'), true), true);
  assert.equal(paramBlocksPay(createSystem('rnn', { dim: 64 }), false), false);
});
