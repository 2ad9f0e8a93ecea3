import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dot, jsKernels, loadWasmKernels, selectKernels, type Kernels } from '../../src/linalg/index.js';
import { Rng, ZIGGURAT } from '../../src/random/index.js';

const wasm = loadWasmKernels();

function filled(k: Kernels, len: number, rng: Rng): Float64Array {
  const a = k.f64(len);
  for (let i = 0; i < len; i++) a[i] = rng.normal();
  return a;
}

test('wasm and pure-TS GEMM agree bit for bit in every transpose, with odd sizes and leading dimensions', () => {
  for (const [M, N, K] of [[1, 1, 1], [5, 3, 7], [9, 17, 4], [13, 8, 33], [4, 1, 6], [12, 16, 9], [6, 7, 0], [7, 12, 5], [2, 8, 3], [18, 9, 5], [19, 20, 6]]) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        for (const beta of [0, 0.5]) {
          const rng = new Rng(M * 100 + N * 10 + K);
          const lda = (tA ? M : K) + 2, ldb = (tB ? K : N) + 1, ldc = N + 3;
          const a = filled(wasm, (tA ? K : M) * lda, rng), b = filled(wasm, (tB ? N : K) * ldb, rng), c = filled(wasm, M * ldc, rng);
          const c2 = Float64Array.from(c);
          wasm.gemm(tA, tB, M, N, K, 1.5, a, lda, b, ldb, beta, c, ldc);
          jsKernels.gemm(tA, tB, M, N, K, 1.5, a, lda, b, ldb, beta, c2, ldc);
          assert.deepEqual(Array.from(c), Array.from(c2), `M=${M} N=${N} K=${K} tA=${tA} tB=${tB} β=${beta}`);
          // against the definition
          const i = M - 1, j = N - 1;
          let s = 0;
          for (let q = 0; q < K; q++) s += a[tA ? q * lda + i : i * lda + q] * b[tB ? j * ldb + q : q * ldb + j];
          assert.ok(Math.abs(c2[i * ldc + j] - (1.5 * s + (beta === 0 ? 0 : beta * c[i * ldc + j] / 1))) < 1e-9 || beta !== 0);
        }
      }
    }
  }
});

test('GEMM with β = 0 overwrites NaN in C; NaN inputs propagate', () => {
  for (const k of [wasm, jsKernels]) {
    const a = k.f64(4), b = k.f64(4), c = k.f64(4);
    a.fill(1);
    b.fill(2);
    c.fill(NaN);
    k.gemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
    assert.deepEqual(Array.from(c), [4, 4, 4, 4]);
    a[0] = NaN;
    k.gemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2);
    assert.ok(Number.isNaN(c[0]) && c[2] === 4);
  }
});

test('kernel tanh is within 2 ulp of Math.tanh and identical on both paths (incl. ±0, ±Inf, NaN)', () => {
  const xs = [0, -0, 1e-300, -1e-10, 0.3, 0.6249, 0.625, -0.625, 1, -2.5, 7, 19.9, 25, -800, Infinity, -Infinity, NaN];
  const rng = new Rng(3);
  for (let i = 0; i < 20000; i++) xs.push(rng.normal() * (i % 3 === 0 ? 0.3 : 4));
  const x = wasm.f64(xs.length), out = wasm.f64(xs.length);
  x.set(xs);
  wasm.tanh(x, 0.25, out, xs.length);
  const ref = new Float64Array(xs.length);
  jsKernels.tanh(x, 0.25, ref, xs.length);
  assert.deepEqual(Array.from(out), Array.from(ref));
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const t = Math.tanh(xs[i] + 0.25);
    if (Number.isNaN(t)) assert.ok(Number.isNaN(ref[i]));
    else if (t === 0) assert.equal(ref[i], t);
    else worst = Math.max(worst, Math.abs(ref[i] - t) / Math.abs(t));
  }
  assert.ok(worst < 4.5e-16, `worst relative error ${worst}`);
});

test('lane normals: every lane reproduces Rng.normal from its state, on both paths, whatever B', () => {
  const B = 7, comps = 300;
  const seeds = Array.from({ length: B }, (_, b) => new Rng(b + 11).getState().s);
  const results: Float64Array[] = [];
  for (const k of [wasm, jsKernels]) {
    const st = k.u32(4 * B);
    seeds.forEach((s, b) => st.set(s, 4 * b));
    const out = k.f64(comps * B);
    k.normals(st, B, comps / 2, out.subarray(0, (comps / 2) * B), ZIGGURAT);
    k.normals(st, B, comps / 2, out.subarray((comps / 2) * B), ZIGGURAT);
    results.push(out);
  }
  assert.deepEqual(Array.from(results[0]), Array.from(results[1]));
  for (let b = 0; b < B; b++) {
    const r = new Rng(b + 11);
    // the two halves were drawn in two calls: component c of the second half is draw comps/2 + c
    for (let c = 0; c < comps; c++) assert.equal(results[0][c * B + b], r.normal(), `lane ${b} draw ${c}`);
  }
});

test('CHAOSGRAD_KERNELS selects the path and rejects unknown values', () => {
  assert.equal(selectKernels('js').name, 'js');
  assert.equal(selectKernels('wasm').name, 'wasm');
  assert.throws(() => selectKernels('gpu'), /CHAOSGRAD_KERNELS must be 'wasm' or 'js', got 'gpu'/);
});

test('kernel memory grows without detaching earlier buffers, and the wasm kernels keep working in place on them', () => {
  const k = loadWasmKernels();
  const a = k.f64(64), view = a.subarray(8, 16);
  a[9] = 3;
  const big = k.f64(4_000_000); // 32 MB: the shared memory grows
  assert.equal(a.length, 64);
  assert.equal(view[1], 3);
  assert.ok(k.owns(a) && k.owns(view) && k.owns(big));
  assert.ok(!k.owns(new Float64Array(4)));
  const b = k.f64(64), c = k.f64(64);
  b.fill(1);
  k.gemm(false, false, 8, 8, 8, 1, a, 8, b, 8, 0, c, 8);
  assert.equal(c[8], 3); // row 1 of a has a 3 in column 1
});

test('matVec and matTVec: wasm = pure TS bit for bit (odd sizes, leftover rows and columns, leading dimensions), matVec = dot() per row, both = the definition', () => {
  for (const [M, K] of [[1, 1], [1, 7], [2, 4], [3, 5], [5, 3], [7, 13], [8, 8], [9, 1], [16, 33], [64, 64], [37, 70]]) {
    const rng = new Rng(M * 1000 + K);
    const lda = K + (M % 3);
    const A = filled(wasm, M * lda, rng), x = filled(wasm, K, rng), y = wasm.f64(M), y2 = new Float64Array(M);
    wasm.matVec(M, K, A, lda, x, y);
    jsKernels.matVec(M, K, A, lda, x, y2);
    assert.deepEqual(Array.from(y), Array.from(y2), `matVec M=${M} K=${K}`);
    for (let i = 0; i < M; i++) {
      assert.equal(y[i], dot(A, x, K, i * lda, 0), `matVec row ${i} = dot()`);
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * lda + k] * x[k];
      assert.ok(Math.abs(y[i] - s) <= 1e-13 * (1 + Math.abs(s)));
    }
    // y ← Aᵀc with y holding garbage first (it is overwritten)
    const c = filled(wasm, M, rng), t = filled(wasm, K, rng), t2 = Float64Array.from(t);
    wasm.matTVec(M, K, A, lda, c, t);
    jsKernels.matTVec(M, K, A, lda, c, t2);
    assert.deepEqual(Array.from(t), Array.from(t2), `matTVec M=${M} N=${K}`);
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += c[i] * A[i * lda + j];
      assert.ok(Math.abs(t[j] - s) <= 1e-13 * (1 + Math.abs(s)), `matTVec[${j}]`);
    }
    // arrays outside kernel memory run the TS twin: same bits
    const y3 = new Float64Array(M);
    wasm.matVec(M, K, Float64Array.from(A), lda, Float64Array.from(x), y3);
    assert.deepEqual(Array.from(y3), Array.from(y));
  }
});
