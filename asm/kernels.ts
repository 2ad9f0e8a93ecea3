// WebAssembly SIMD kernels of chaosgrad, in AssemblyScript (compiled by `npm run build:wasm`).
//
// Memory is imported (shared, so growing it never detaches the views JS holds); JS owns all
// allocation and passes byte offsets. Every kernel here has a pure-TS twin in
// src/linalg/kernels/js.ts that performs the SAME floating-point operations in the SAME order, so
// the two paths agree bit for bit (tests compare them): each output of a product is one
// sequential sum over k, started at 0, then α·s (+ β·c). SIMD runs across independent outputs,
// never across a sum.

// Rare paths call the host's Math so that both paths round identically there too.
@external("env", "exp") declare function hostExp(x: f64): f64;
@external("env", "log") declare function hostLog(x: f64): f64;

// ---------------------------------------------------------------- GEMM

/** Row-major element (i, j) address of a matrix with leading dimension ld, transposed or not. */
@inline function at(p: usize, t: i32, ld: i32, i: i32, j: i32): usize {
  return p + ((t ? <usize>j * <usize>ld + <usize>i : <usize>i * <usize>ld + <usize>j) << 3);
}

/**
 * C (M×N) ← α·op(A)·op(B) + β·C, op(X) = X or Xᵀ, row-major with leading dimensions. op(B) is
 * packed once into panels of 4 columns (K rows of 4 doubles, zero-padded) and each block of 4 rows
 * of op(A) into K groups of 4 (zero-padded), so the 4×4 register block streams two contiguous
 * buffers whatever the transposes. `work` holds ≥ 4·K·⌈N/4⌉ + (4·K + 8)·⌈M/4⌉ doubles.
 *
 * Why 4×4 (measured, docs/performance.md): V8 hoists every load of a loop iteration above the
 * arithmetic, so an iteration needs accumulators + loaded operands + one temporary in xmm
 * registers, and V8 gives wasm 15 of them (xmm15 is its scratch). 4×4 = 8 + 6 + 1 fits; 4×8,
 * 6×4 or any k-unrolling spill to the stack every iteration. The loop runs on an end pointer
 * (no counter): the iteration is then 27 instructions for 32 flops, ~21 GF/s here against
 * ~14 for the spilling 4×8 block.
 */
export function gemm(tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f64, pA: usize, lda: i32, pB: usize, ldb: i32, beta: f64, pC: usize, ldc: i32, work: usize): void {
  const panels = (N + 3) >> 2;
  const panelBytes = <usize>K << 5;
  // few rows of C (lockstep blocks of a small system): packing op(B) would cost about as much as
  // the product, so full panels of an untransposed B are read in place (row stride ldb)
  const direct = !tB && M <= DIRECT_B_MAX_M;
  for (let p = 0; p < panels; p++) {
    const j0 = p << 2, nb = min(4, N - j0);
    if (!(direct && nb == 4)) packB(tB, pB, ldb, K, j0, nb, work + <usize>p * panelBytes);
  }
  const pa0 = work + <usize>panels * panelBytes;
  // a transposed A is packed in one pass over its rows: packing it block by block would read
  // each block's K rows at a stride of lda (a power of two in the usual sizes: 4K aliasing in L1)
  const whole = tA && M > 4;
  if (whole) packAT(pA, lda, M, K, pa0);
  for (let i = 0; i < M; i += 4) {
    const mb = min(4, M - i);
    const pa = whole ? pa0 + <usize>(i >> 2) * (panelBytes + 64) : pa0;
    if (!whole) packA(tA, pA, lda, K, i, mb, pa);
    for (let p = 0; p < panels; p++) {
      const j0 = p << 2, nb = min(4, N - j0);
      const inPlace = direct && nb == 4;
      const pb = inPlace ? pB + (<usize>j0 << 3) : work + <usize>p * panelBytes;
      const bstep: usize = inPlace ? <usize>ldb << 3 : 32;
      const pc = pC + ((<usize>i * <usize>ldc + <usize>j0) << 3);
      if (mb > 2) block4x4(K, pa, pb, bstep, pc, ldc, alpha, beta, mb, nb);
      else for (let r = 0; r < mb; r++) block1x4(K, pa + (<usize>r << 3), pb, bstep, pc + ((<usize>r * <usize>ldc) << 3), alpha, beta, nb);
    }
  }
}

/** Largest M for which an untransposed B is read in place instead of packed. */
const DIRECT_B_MAX_M = 16;

/** Panel of columns j0…j0+nb of op(B): row k at dst + 32·k, zero beyond nb. */
function packB(tB: i32, pB: usize, ldb: i32, K: i32, j0: i32, nb: i32, dst: usize): void {
  if (!tB && nb == 4) {
    for (let k = 0; k < K; k++) {
      const src = pB + ((<usize>k * <usize>ldb + <usize>j0) << 3), d = dst + (<usize>k << 5);
      v128.store(d, v128.load(src));
      v128.store(d, v128.load(src, 16), 16);
    }
    return;
  }
  if (tB && nb == 4) {
    const r0 = pB + ((<usize>j0 * <usize>ldb) << 3), step = <usize>ldb << 3;
    const r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
    for (let k = 0; k < K; k++) {
      const o = <usize>k << 3, d = dst + (<usize>k << 5);
      store<f64>(d, load<f64>(r0 + o));
      store<f64>(d, load<f64>(r1 + o), 8);
      store<f64>(d, load<f64>(r2 + o), 16);
      store<f64>(d, load<f64>(r3 + o), 24);
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    const d = dst + (<usize>k << 5);
    for (let jj = 0; jj < 4; jj++) store<f64>(d + (<usize>jj << 3), jj < nb ? load<f64>(at(pB, tB, ldb, k, j0 + jj)) : 0.0);
  }
}

/**
 * All of op(A) = stored Aᵀ (K rows of M), block by block of 4 rows of op(A) (K·4 doubles each,
 * zero-padded), one pass along the stored rows. The blocks are 64 bytes apart beyond their K·32:
 * at a power-of-two stride the ⌈M/4⌉ write streams would all fall in one L1 set (measured: half
 * the GEMM rate at K = 256).
 */
function packAT(pA: usize, lda: i32, M: i32, K: i32, dst: usize): void {
  const blockBytes = (<usize>K << 5) + 64, full = M >> 2;
  for (let k = 0; k < K; k++) {
    const src = pA + ((<usize>k * <usize>lda) << 3);
    let d = dst + (<usize>k << 5);
    for (let q = 0; q < full; q++) {
      v128.store(d, v128.load(src + (<usize>q << 5)));
      v128.store(d, v128.load(src + (<usize>q << 5), 16), 16);
      d += blockBytes;
    }
    for (let r = 0; r < 4 && (full << 2) < M; r++) {
      const i = (full << 2) + r;
      store<f64>(d + (<usize>r << 3), i < M ? load<f64>(src + (<usize>i << 3)) : 0.0);
    }
  }
}

/**
 * Rows i…i+mb of op(A) by columns: group k at dst + 32·k, zero beyond mb. Row i of op(A) is
 * column i of op(A)ᵀ, so this is packB on A with the transpose flag flipped.
 */
@inline function packA(tA: i32, pA: usize, lda: i32, K: i32, i: i32, mb: i32, dst: usize): void {
  packB(tA ? 0 : 1, pA, lda, K, i, mb, dst);
}

/** Entry (r, c) of C at pc ← α·s + β·C, the TS twin's expression. */
@inline function finish1(pc: usize, ldc: i32, r: i32, c: i32, s: f64, alpha: f64, beta: f64): void {
  const q = pc + ((<usize>r * <usize>ldc + <usize>c) << 3);
  store<f64>(q, beta == 0.0 ? alpha * s : alpha * s + beta * load<f64>(q));
}

/** Row r of the block: two accumulators of two columns each, all four columns present. */
@inline function finishRow(q: usize, va: v128, vb: v128, beta: f64, lo: v128, hi: v128): void {
  let r0 = f64x2.mul(va, lo), r1 = f64x2.mul(va, hi);
  if (beta != 0.0) {
    r0 = f64x2.add(r0, f64x2.mul(vb, v128.load(q)));
    r1 = f64x2.add(r1, f64x2.mul(vb, v128.load(q, 16)));
  }
  v128.store(q, r0);
  v128.store(q, r1, 16);
}

/**
 * One 4×4 block of C (mb×nb of it stored): each entry one sequential sum over k from 0. Row k of
 * the B panel is at pb + k·bstep (32 when packed, the row stride when read in place).
 */
function block4x4(K: i32, pa: usize, pb: usize, bstep: usize, pc: usize, ldc: i32, alpha: f64, beta: f64, mb: i32, nb: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let a = pa, b = pb;
  const aEnd = pa + (<usize>K << 5);
  while (a < aEnd) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const a0 = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    const a1 = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    const a2 = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(a2, b0));
    c21 = f64x2.add(c21, f64x2.mul(a2, b1));
    const a3 = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(a3, b0));
    c31 = f64x2.add(c31, f64x2.mul(a3, b1));
    a += 32;
    b += bstep;
  }
  if (mb == 4 && nb == 4) {
    const va = f64x2.splat(alpha), vb = f64x2.splat(beta), step = <usize>ldc << 3;
    finishRow(pc, va, vb, beta, c00, c01);
    finishRow(pc + step, va, vb, beta, c10, c11);
    finishRow(pc + 2 * step, va, vb, beta, c20, c21);
    finishRow(pc + 3 * step, va, vb, beta, c30, c31);
    return;
  }
  for (let r = 0; r < mb; r++) {
    const lo = r == 0 ? c00 : r == 1 ? c10 : r == 2 ? c20 : c30;
    const hi = r == 0 ? c01 : r == 1 ? c11 : r == 2 ? c21 : c31;
    finish1(pc, ldc, r, 0, f64x2.extract_lane(lo, 0), alpha, beta);
    if (nb > 1) finish1(pc, ldc, r, 1, f64x2.extract_lane(lo, 1), alpha, beta);
    if (nb > 2) finish1(pc, ldc, r, 2, f64x2.extract_lane(hi, 0), alpha, beta);
    if (nb > 3) finish1(pc, ldc, r, 3, f64x2.extract_lane(hi, 1), alpha, beta);
  }
}

/** One row of a 4-column block (row r of a packed A group at pa, stride 32): the rows left over when M mod 4 ≤ 2. */
function block1x4(K: i32, pa: usize, pb: usize, bstep: usize, pc: usize, alpha: f64, beta: f64, nb: i32): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0);
  let a = pa, b = pb;
  const aEnd = pa + (<usize>K << 5);
  while (a < aEnd) {
    const av = v128.load64_splat(a);
    c0 = f64x2.add(c0, f64x2.mul(av, v128.load(b)));
    c1 = f64x2.add(c1, f64x2.mul(av, v128.load(b, 16)));
    a += 32;
    b += bstep;
  }
  if (nb == 4) {
    finishRow(pc, f64x2.splat(alpha), f64x2.splat(beta), beta, c0, c1);
    return;
  }
  finish1(pc, 0, 0, 0, f64x2.extract_lane(c0, 0), alpha, beta);
  if (nb > 1) finish1(pc, 0, 0, 1, f64x2.extract_lane(c0, 1), alpha, beta);
  if (nb > 2) finish1(pc, 0, 0, 2, f64x2.extract_lane(c1, 0), alpha, beta);
}

// ---------------------------------------------------------------- matrix–vector products of single-orbit steps

/**
 * y[i] ← Σ_k A[i,k]·x[k] for i < M, each row in the order of linalg's dot(): four partial sums
 * s_r over k ≡ r (mod 4), the k left over by fours added to s_0, then (s_0 + s_1) + (s_2 + s_3).
 * [s_0, s_1] and [s_2, s_3] are the two lanes of two f64x2 sums, so the SIMD loop is that order
 * exactly (a single orbit's W·x gives the bits of the TS dot loop it replaces). Two rows per pass
 * share the x loads: 4 sums + 2 x + 4 A operands fit V8's 15 xmm registers.
 */
export function matVec(M: i32, K: i32, pA: usize, lda: i32, px: usize, py: usize): void {
  const K4 = K & ~3;
  const xEnd = px + (<usize>K4 << 3), rowBytes = <usize>lda << 3;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const r0 = pA + <usize>i * rowBytes, r1 = r0 + rowBytes;
    let a01 = f64x2.splat(0), a23 = f64x2.splat(0), b01 = f64x2.splat(0), b23 = f64x2.splat(0);
    let x = px, o: usize = 0;
    while (x < xEnd) {
      const x01 = v128.load(x), x23 = v128.load(x, 16);
      a01 = f64x2.add(a01, f64x2.mul(v128.load(r0 + o), x01));
      a23 = f64x2.add(a23, f64x2.mul(v128.load(r0 + o, 16), x23));
      b01 = f64x2.add(b01, f64x2.mul(v128.load(r1 + o), x01));
      b23 = f64x2.add(b23, f64x2.mul(v128.load(r1 + o, 16), x23));
      x += 32;
      o += 32;
    }
    store<f64>(py + (<usize>i << 3), dotFinish(a01, a23, r0, px, K4, K));
    store<f64>(py + (<usize>i << 3), dotFinish(b01, b23, r1, px, K4, K), 8);
  }
  if (i < M) {
    const r0 = pA + <usize>i * rowBytes;
    let a01 = f64x2.splat(0), a23 = f64x2.splat(0);
    for (let o: usize = 0; o < (<usize>K4 << 3); o += 32) {
      a01 = f64x2.add(a01, f64x2.mul(v128.load(r0 + o), v128.load(px + o)));
      a23 = f64x2.add(a23, f64x2.mul(v128.load(r0 + o, 16), v128.load(px + o, 16)));
    }
    store<f64>(py + (<usize>i << 3), dotFinish(a01, a23, r0, px, K4, K));
  }
}

/** dot()'s ending: the leftover k into s_0, then (s_0 + s_1) + (s_2 + s_3). */
@inline function dotFinish(s01: v128, s23: v128, row: usize, px: usize, k0: i32, K: i32): f64 {
  let s0 = f64x2.extract_lane(s01, 0);
  for (let k = k0; k < K; k++) s0 += load<f64>(row + (<usize>k << 3)) * load<f64>(px + (<usize>k << 3));
  return s0 + f64x2.extract_lane(s01, 1) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
}

/**
 * y[j] ← Σ_i c[i]·A[i,j] for j < N over the rows i < M: y ← 0, then for each group of four rows
 * y_j ← y_j + (((c_0·a_0j + c_1·a_1j) + c_2·a_2j) + c_3·a_3j), and the rows left over one at a time
 * y_j ← y_j + c_i·a_ij (the order of the rnn's TS transpose product, which this replaces). A is read
 * along its rows in place; two j per SIMD lane pair.
 */
export function matTVec(M: i32, N: i32, pA: usize, lda: i32, pc: usize, py: usize): void {
  memory.fill(py, 0, <usize>N << 3);
  const rowBytes = <usize>lda << 3, N2 = N & ~1;
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const r0 = pA + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    const q = pc + (<usize>i << 3);
    const c0 = load<f64>(q), c1 = load<f64>(q, 8), c2 = load<f64>(q, 16), c3 = load<f64>(q, 24);
    const v0 = f64x2.splat(c0), v1 = f64x2.splat(c1), v2 = f64x2.splat(c2), v3 = f64x2.splat(c3);
    for (let o: usize = 0; o < (<usize>N2 << 3); o += 16) {
      let t = f64x2.add(f64x2.mul(v0, v128.load(r0 + o)), f64x2.mul(v1, v128.load(r1 + o)));
      t = f64x2.add(t, f64x2.mul(v2, v128.load(r2 + o)));
      t = f64x2.add(t, f64x2.mul(v3, v128.load(r3 + o)));
      v128.store(py + o, f64x2.add(v128.load(py + o), t));
    }
    if (N2 < N) {
      const o = <usize>N2 << 3;
      store<f64>(py + o, load<f64>(py + o) + (c0 * load<f64>(r0 + o) + c1 * load<f64>(r1 + o) + c2 * load<f64>(r2 + o) + c3 * load<f64>(r3 + o)));
    }
  }
  for (; i < M; i++) {
    const r0 = pA + <usize>i * rowBytes, c = load<f64>(pc + (<usize>i << 3)), v = f64x2.splat(c);
    for (let o: usize = 0; o < (<usize>N2 << 3); o += 16) v128.store(py + o, f64x2.add(v128.load(py + o), f64x2.mul(v, v128.load(r0 + o))));
    if (N2 < N) {
      const o = <usize>N2 << 3;
      store<f64>(py + o, load<f64>(py + o) + c * load<f64>(r0 + o));
    }
  }
}

// ---------------------------------------------------------------- elementwise passes of lockstep steps

/** y[i] ← y[i] + a·x[i] for i < len; returns Σ y[i]·0 (NaN iff some new y[i] is not finite). */
export function axpy(a: f64, px: usize, py: usize, len: i32): f64 {
  const va = f64x2.splat(a);
  let chk = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    const y = f64x2.add(v128.load(py + o), f64x2.mul(va, v128.load(px + o)));
    v128.store(py + o, y);
    chk = f64x2.add(chk, f64x2.mul(y, f64x2.splat(0)));
  }
  let c = f64x2.extract_lane(chk, 0) + f64x2.extract_lane(chk, 1);
  if (i < len) {
    const o = <usize>i << 3;
    const y = load<f64>(py + o) + a * load<f64>(px + o);
    store<f64>(py + o, y);
    c += y * 0;
  }
  return c;
}

/** out[i] ← a·x[i] + c for i < len (the c is skipped when it is 0, so −0 stays −0 as in the TS twin). */
export function scaleShift(a: f64, px: usize, c: f64, pout: usize, len: i32): void {
  const va = f64x2.splat(a), vc = f64x2.splat(c);
  let i = 0;
  if (c == 0) {
    for (; i + 2 <= len; i += 2) v128.store(pout + (<usize>i << 3), f64x2.mul(va, v128.load(px + (<usize>i << 3))));
    if (i < len) store<f64>(pout + (<usize>i << 3), a * load<f64>(px + (<usize>i << 3)));
    return;
  }
  for (; i + 2 <= len; i += 2) v128.store(pout + (<usize>i << 3), f64x2.add(f64x2.mul(va, v128.load(px + (<usize>i << 3))), vc));
  if (i < len) store<f64>(pout + (<usize>i << 3), a * load<f64>(px + (<usize>i << 3)) + c);
}

/**
 * Per-lane scores of a tanh layer's shift and output offset, lane-major n×B blocks: for each lane
 * b, out[b] ← Σ_i U[i,b]·(1 − T[i,b]²) and out[B + b] ← Σ_i W[i,b], sums in i order from 0.
 */
export function tanhScoreLanes(pU: usize, pT: usize, pW: usize, n: i32, B: i32, pout: usize): void {
  const one = f64x2.splat(1.0);
  const rowBytes = <usize>B << 3;
  let b = 0;
  for (; b + 2 <= B; b += 2) {
    let sg = f64x2.splat(0), sc = f64x2.splat(0);
    let o = <usize>b << 3;
    for (let i = 0; i < n; i++) {
      const t = v128.load(pT + o);
      sg = f64x2.add(sg, f64x2.mul(v128.load(pU + o), f64x2.sub(one, f64x2.mul(t, t))));
      sc = f64x2.add(sc, v128.load(pW + o));
      o += rowBytes;
    }
    v128.store(pout + (<usize>b << 3), sg);
    v128.store(pout + rowBytes + (<usize>b << 3), sc);
  }
  for (; b < B; b++) {
    let sg = 0.0, sc = 0.0;
    let o = <usize>b << 3;
    for (let i = 0; i < n; i++) {
      const t = load<f64>(pT + o);
      sg += load<f64>(pU + o) * (1.0 - t * t);
      sc += load<f64>(pW + o);
      o += rowBytes;
    }
    store<f64>(pout + (<usize>b << 3), sg);
    store<f64>(pout + rowBytes + (<usize>b << 3), sc);
  }
}

// ---------------------------------------------------------------- tanh across lanes

// Cephes tanh: odd rational form below 0.625, 1 − 2/(e^{2|x|} + 1) above, e^y by Cody–Waite
// reduction y = k·ln2 + r and a degree-13 Taylor polynomial (|r| ≤ ln2/2), 2^k by exponent bits.
const P0: f64 = -9.64399179425052238628e-1, P1: f64 = -9.92877231001918586564e1, P2: f64 = -1.61468768441708447952e3;
const Q0: f64 = 1.12811678491632931402e2, Q1: f64 = 2.23548839060100448583e3, Q2: f64 = 4.84406305325125486048e3;
const LOG2E: f64 = 1.4426950408889634;
const LN2HI: f64 = 6.93147180369123816490e-1, LN2LO: f64 = 1.90821492927058770002e-10;

@inline function splat(x: f64): v128 { return f64x2.splat(x); }

@inline function expv(y: v128): v128 {
  const k = f64x2.floor(f64x2.add(f64x2.mul(y, splat(LOG2E)), splat(0.5)));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(k, splat(LN2HI))), f64x2.mul(k, splat(LN2LO)));
  let p = splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), splat(1.0));
  // 2^k: k + 1023 in the low mantissa bits of (k + 2^52 + 1023), shifted into the exponent field
  const bits = i64x2.shl(f64x2.add(k, splat(4503599627371519.0)), 52);
  return f64x2.mul(p, bits);
}

/**
 * out[i] ← tanh(x[i] + shift) for i < len (x and out may coincide). Eight entries (four vectors)
 * per pass, their steps interleaved: one tanh is a long dependent chain (the polynomial, a
 * division), so independent chains side by side keep the pipelines full (measured ~2× faster).
 * Each entry gets exactly the operations of tanh2 (same bits). Both branches are evaluated for
 * every entry but share one division (the select happens on its operands: divisions are the
 * slowest vector operation here), and pmin (one minpd) replaces min (five instructions for
 * NaN semantics the abs'd argument does not need: pmin(NaN, 20) is NaN too).
 */
export function tanhv(px: usize, shift: f64, pout: usize, len: i32): void {
  let i = 0;
  const sh = splat(shift);
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 3;
    const x0 = f64x2.add(v128.load(px + o, 0), sh);
    const x1 = f64x2.add(v128.load(px + o, 16), sh);
    const x2 = f64x2.add(v128.load(px + o, 32), sh);
    const x3 = f64x2.add(v128.load(px + o, 48), sh);
    const z0 = f64x2.pmin(f64x2.abs(x0), splat(20.0));
    const z1 = f64x2.pmin(f64x2.abs(x1), splat(20.0));
    const z2 = f64x2.pmin(f64x2.abs(x2), splat(20.0));
    const z3 = f64x2.pmin(f64x2.abs(x3), splat(20.0));
    const y0 = f64x2.add(z0, z0);
    const y1 = f64x2.add(z1, z1);
    const y2 = f64x2.add(z2, z2);
    const y3 = f64x2.add(z3, z3);
    const k0 = f64x2.floor(f64x2.add(f64x2.mul(y0, splat(LOG2E)), splat(0.5)));
    const k1 = f64x2.floor(f64x2.add(f64x2.mul(y1, splat(LOG2E)), splat(0.5)));
    const k2 = f64x2.floor(f64x2.add(f64x2.mul(y2, splat(LOG2E)), splat(0.5)));
    const k3 = f64x2.floor(f64x2.add(f64x2.mul(y3, splat(LOG2E)), splat(0.5)));
    const r0 = f64x2.sub(f64x2.sub(y0, f64x2.mul(k0, splat(LN2HI))), f64x2.mul(k0, splat(LN2LO)));
    const r1 = f64x2.sub(f64x2.sub(y1, f64x2.mul(k1, splat(LN2HI))), f64x2.mul(k1, splat(LN2LO)));
    const r2 = f64x2.sub(f64x2.sub(y2, f64x2.mul(k2, splat(LN2HI))), f64x2.mul(k2, splat(LN2LO)));
    const r3 = f64x2.sub(f64x2.sub(y3, f64x2.mul(k3, splat(LN2HI))), f64x2.mul(k3, splat(LN2LO)));
    let p0 = splat(1.0 / 6227020800.0);
    let p1 = splat(1.0 / 6227020800.0);
    let p2 = splat(1.0 / 6227020800.0);
    let p3 = splat(1.0 / 6227020800.0);
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 479001600.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 479001600.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 479001600.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 479001600.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 39916800.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 39916800.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 39916800.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 39916800.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 3628800.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 3628800.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 3628800.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 3628800.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 362880.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 362880.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 362880.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 362880.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 40320.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 40320.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 40320.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 40320.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 5040.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 5040.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 5040.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 5040.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 720.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 720.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 720.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 720.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 120.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 120.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 120.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 120.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 24.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 24.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 24.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 24.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0 / 6.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0 / 6.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0 / 6.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0 / 6.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(0.5));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(0.5));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(0.5));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(0.5));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0));
    p0 = f64x2.add(f64x2.mul(p0, r0), splat(1.0));
    p1 = f64x2.add(f64x2.mul(p1, r1), splat(1.0));
    p2 = f64x2.add(f64x2.mul(p2, r2), splat(1.0));
    p3 = f64x2.add(f64x2.mul(p3, r3), splat(1.0));
    const e0 = f64x2.mul(p0, i64x2.shl(f64x2.add(k0, splat(4503599627371519.0)), 52));
    const e1 = f64x2.mul(p1, i64x2.shl(f64x2.add(k1, splat(4503599627371519.0)), 52));
    const e2 = f64x2.mul(p2, i64x2.shl(f64x2.add(k2, splat(4503599627371519.0)), 52));
    const e3 = f64x2.mul(p3, i64x2.shl(f64x2.add(k3, splat(4503599627371519.0)), 52));
    const s0 = f64x2.mul(x0, x0);
    const s1 = f64x2.mul(x1, x1);
    const s2 = f64x2.mul(x2, x2);
    const s3 = f64x2.mul(x3, x3);
    const num0 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(splat(P0), s0), splat(P1)), s0), splat(P2));
    const num1 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(splat(P0), s1), splat(P1)), s1), splat(P2));
    const num2 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(splat(P0), s2), splat(P1)), s2), splat(P2));
    const num3 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(splat(P0), s3), splat(P1)), s3), splat(P2));
    const den0 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s0, splat(Q0)), s0), splat(Q1)), s0), splat(Q2));
    const den1 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s1, splat(Q0)), s1), splat(Q1)), s1), splat(Q2));
    const den2 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s2, splat(Q0)), s2), splat(Q1)), s2), splat(Q2));
    const den3 = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s3, splat(Q0)), s3), splat(Q1)), s3), splat(Q2));
    const m0 = f64x2.ge(z0, splat(0.625));
    const m1 = f64x2.ge(z1, splat(0.625));
    const m2 = f64x2.ge(z2, splat(0.625));
    const m3 = f64x2.ge(z3, splat(0.625));
    const q0 = f64x2.div(v128.bitselect(splat(2.0), num0, m0), v128.bitselect(f64x2.add(e0, splat(1.0)), den0, m0));
    const q1 = f64x2.div(v128.bitselect(splat(2.0), num1, m1), v128.bitselect(f64x2.add(e1, splat(1.0)), den1, m1));
    const q2 = f64x2.div(v128.bitselect(splat(2.0), num2, m2), v128.bitselect(f64x2.add(e2, splat(1.0)), den2, m2));
    const q3 = f64x2.div(v128.bitselect(splat(2.0), num3, m3), v128.bitselect(f64x2.add(e3, splat(1.0)), den3, m3));
    const big0 = v128.or(f64x2.sub(splat(1.0), q0), v128.and(x0, i64x2.splat(0x8000000000000000)));
    const big1 = v128.or(f64x2.sub(splat(1.0), q1), v128.and(x1, i64x2.splat(0x8000000000000000)));
    const big2 = v128.or(f64x2.sub(splat(1.0), q2), v128.and(x2, i64x2.splat(0x8000000000000000)));
    const big3 = v128.or(f64x2.sub(splat(1.0), q3), v128.and(x3, i64x2.splat(0x8000000000000000)));
    const small0 = f64x2.add(x0, f64x2.mul(f64x2.mul(x0, s0), q0));
    const small1 = f64x2.add(x1, f64x2.mul(f64x2.mul(x1, s1), q1));
    const small2 = f64x2.add(x2, f64x2.mul(f64x2.mul(x2, s2), q2));
    const small3 = f64x2.add(x3, f64x2.mul(f64x2.mul(x3, s3), q3));
    v128.store(pout + o, v128.bitselect(big0, small0, m0), 0);
    v128.store(pout + o, v128.bitselect(big1, small1, m1), 16);
    v128.store(pout + o, v128.bitselect(big2, small2, m2), 32);
    v128.store(pout + o, v128.bitselect(big3, small3, m3), 48);
  }
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    v128.store(pout + o, tanh2(f64x2.add(v128.load(px + o), sh)));
  }
  if (i < len) {
    const o = <usize>i << 3;
    const v = tanh2(f64x2.splat(load<f64>(px + o) + shift));
    store<f64>(pout + o, f64x2.extract_lane(v, 0));
  }
}

@inline function tanh2(x: v128): v128 {
  const z = f64x2.pmin(f64x2.abs(x), splat(20.0)); // tanh(20) rounds to 1; pmin keeps NaN as Math.min does
  const e = expv(f64x2.add(z, z));
  const s2 = f64x2.mul(x, x);
  const num = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(splat(P0), s2), splat(P1)), s2), splat(P2));
  const den = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s2, splat(Q0)), s2), splat(Q1)), s2), splat(Q2));
  // one division serves both branches: 2/(e + 1) above 0.625, P(s)/Q(s) below
  const m = f64x2.ge(z, splat(0.625));
  const q = f64x2.div(v128.bitselect(splat(2.0), num, m), v128.bitselect(f64x2.add(e, splat(1.0)), den, m));
  // large branch: 1 − 2/(e^{2z} + 1), sign restored; small branch: x + x·s·P(s)/Q(s), s = x²
  const big = v128.or(f64x2.sub(splat(1.0), q), v128.and(x, i64x2.splat(0x8000000000000000)));
  const small = f64x2.add(x, f64x2.mul(f64x2.mul(x, s2), q));
  return v128.bitselect(big, small, m);
}

// ---------------------------------------------------------------- Gaussian draws per lane

// Ziggurat tables (129 X, 129 F, 128 RATIO doubles and the tail start r) are set by the loader.
let zigX: usize = 0, zigF: usize = 0, zigRatio: usize = 0;
let ZIG_R: f64 = 0;

export function setZiggurat(px: usize, pf: usize, pr: usize, r: f64): void {
  zigX = px;
  zigF = pf;
  zigRatio = pr;
  ZIG_R = r;
}

// xoshiro128** state of the lane being drawn (loaded from / stored to the lane's 4 words)
let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

@inline function next(): u32 {
  const a0 = s0, a1 = s1;
  const a2 = s2 ^ a0, a3 = s3 ^ a1;
  const m = a1 * 5;
  const result = rotl<u32>(m, 7) * 9;
  s0 = a0 ^ a3;
  s1 = a1 ^ a2;
  s2 = a2 ^ (a1 << 9);
  s3 = rotl<u32>(a3, 11);
  return result;
}

@inline function uniform(): f64 {
  const a = <f64>(next() >>> 5), b = <f64>(next() >>> 6);
  return (a * 67108864.0 + b) * 1.1102230246251565e-16;
}

function uniformOpen(): f64 {
  const a = <f64>(next() >>> 6), b = <f64>(next() >>> 6);
  return (a * 67108864.0 + b + 0.5) * 2.220446049250313e-16;
}

function tail(): f64 {
  while (true) {
    const x = -hostLog(uniformOpen()) / ZIG_R;
    const y = -hostLog(uniformOpen());
    if (y + y >= x * x) return ZIG_R + x;
  }
  return 0; // unreachable
}

/** The ziggurat of Rng.normal, draw for draw. */
function normal(): f64 {
  while (true) {
    const a = next(), b = next();
    const i = <usize>(a & 127);
    const u = (<f64>(a >>> 11) * 4294967296.0 + <f64>b) * 1.1102230246251565e-16;
    const x = u * load<f64>(zigX + (i << 3));
    if (u < load<f64>(zigRatio + (i << 3))) return (a & 128) ? -x : x;
    if (i == 0) {
      const t = tail();
      return (a & 128) ? -t : t;
    }
    const f0 = load<f64>(zigF + (i << 3)), f1 = load<f64>(zigF + ((i + 1) << 3));
    const y = f0 + uniform() * (f1 - f0);
    if (y < hostExp(-0.5 * x * x)) return (a & 128) ? -x : x;
  }
  return 0; // unreachable
}

/** The rest of the ziggurat after the quick test failed for (a, i, x): wedge or tail, else a fresh draw. */
function rejected(a: u32, i: usize, x: f64): f64 {
  if (i == 0) {
    const t = tail();
    return (a & 128) ? -t : t;
  }
  const f0 = load<f64>(zigF + (i << 3)), f1 = load<f64>(zigF + ((i + 1) << 3));
  const y = f0 + uniform() * (f1 - f0);
  if (y < hostExp(-0.5 * x * x)) return (a & 128) ? -x : x;
  return normal();
}

@inline function okLane(ok01: v128, ok23: v128, j: i32): bool {
  return j == 0 ? i64x2.extract_lane(ok01, 0) != 0 : j == 1 ? i64x2.extract_lane(ok01, 1) != 0 : j == 2 ? i64x2.extract_lane(ok23, 0) != 0 : i64x2.extract_lane(ok23, 1) != 0;
}

/**
 * Four lanes at once (states at st, st+16, st+32, st+48; outputs at out + 8·(c·B + j)): the
 * xoshiro128** steps run in i32x4, the quick ziggurat test in f64x2; a lane that fails it finishes
 * its draw on the scalar path from its own state, so every lane's numbers are Rng.normal's.
 */
function normals4(st: usize, B: i32, comps: i32, out: usize): void {
  let S0 = i32x4.splat(0), S1 = i32x4.splat(0), S2 = i32x4.splat(0), S3 = i32x4.splat(0);
  S0 = i32x4.replace_lane(S0, 0, load<i32>(st)); S1 = i32x4.replace_lane(S1, 0, load<i32>(st, 4)); S2 = i32x4.replace_lane(S2, 0, load<i32>(st, 8)); S3 = i32x4.replace_lane(S3, 0, load<i32>(st, 12));
  S0 = i32x4.replace_lane(S0, 1, load<i32>(st, 16)); S1 = i32x4.replace_lane(S1, 1, load<i32>(st, 20)); S2 = i32x4.replace_lane(S2, 1, load<i32>(st, 24)); S3 = i32x4.replace_lane(S3, 1, load<i32>(st, 28));
  S0 = i32x4.replace_lane(S0, 2, load<i32>(st, 32)); S1 = i32x4.replace_lane(S1, 2, load<i32>(st, 36)); S2 = i32x4.replace_lane(S2, 2, load<i32>(st, 40)); S3 = i32x4.replace_lane(S3, 2, load<i32>(st, 44));
  S0 = i32x4.replace_lane(S0, 3, load<i32>(st, 48)); S1 = i32x4.replace_lane(S1, 3, load<i32>(st, 52)); S2 = i32x4.replace_lane(S2, 3, load<i32>(st, 56)); S3 = i32x4.replace_lane(S3, 3, load<i32>(st, 60));
  const five = i32x4.splat(5), nine = i32x4.splat(9), low7 = i32x4.splat(127), bit7 = i32x4.splat(128), zero = i32x4.splat(0);
  const two32 = f64x2.splat(4294967296.0), two53 = f64x2.splat(1.1102230246251565e-16);
  for (let c = 0; c < comps; c++) {
    let A = zero, Bv = zero;
      {
        const t2 = v128.xor(S2, S0), t3 = v128.xor(S3, S1);
        const m = i32x4.mul(S1, five);
        A = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
        const s1old = S1;
        S0 = v128.xor(S0, t3);
        S1 = v128.xor(S1, t2);
        S2 = v128.xor(t2, i32x4.shl(s1old, 9));
        S3 = v128.or(i32x4.shl(t3, 11), i32x4.shr_u(t3, 21));
      }
      {
        const t2 = v128.xor(S2, S0), t3 = v128.xor(S3, S1);
        const m = i32x4.mul(S1, five);
        Bv = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), nine);
        const s1old = S1;
        S0 = v128.xor(S0, t3);
        S1 = v128.xor(S1, t2);
        S2 = v128.xor(t2, i32x4.shl(s1old, 9));
        S3 = v128.or(i32x4.shl(t3, 11), i32x4.shr_u(t3, 21));
      }
    const Ah = i32x4.shr_u(A, 11);
    const u01 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(Ah), two32), f64x2.convert_low_i32x4_u(Bv)), two53);
    const u23 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_u(v128.shuffle<i32>(Ah, Ah, 2, 3, 0, 1)), two32), f64x2.convert_low_i32x4_u(v128.shuffle<i32>(Bv, Bv, 2, 3, 0, 1))), two53);
    const I = v128.and(A, low7);
    const i0 = <usize>i32x4.extract_lane(I, 0), i1 = <usize>i32x4.extract_lane(I, 1), i2 = <usize>i32x4.extract_lane(I, 2), i3 = <usize>i32x4.extract_lane(I, 3);
    const X01 = f64x2.replace_lane(f64x2.splat(load<f64>(zigX + (i0 << 3))), 1, load<f64>(zigX + (i1 << 3)));
    const X23 = f64x2.replace_lane(f64x2.splat(load<f64>(zigX + (i2 << 3))), 1, load<f64>(zigX + (i3 << 3)));
    const R01 = f64x2.replace_lane(f64x2.splat(load<f64>(zigRatio + (i0 << 3))), 1, load<f64>(zigRatio + (i1 << 3)));
    const R23 = f64x2.replace_lane(f64x2.splat(load<f64>(zigRatio + (i2 << 3))), 1, load<f64>(zigRatio + (i3 << 3)));
    const x01 = f64x2.mul(u01, X01), x23 = f64x2.mul(u23, X23);
    // sign bit 7 of a → bit 63 of the double: bit 31 of the odd i32 half
    const sg = i32x4.shl(v128.and(A, bit7), 24);
    const y01 = v128.xor(x01, v128.shuffle<i32>(zero, sg, 0, 4, 0, 5));
    const y23 = v128.xor(x23, v128.shuffle<i32>(zero, sg, 0, 6, 0, 7));
    const ok01 = f64x2.lt(u01, R01), ok23 = f64x2.lt(u23, R23);
    const o = out + ((<usize>c * <usize>B) << 3);
    v128.store(o, y01);
    v128.store(o, y23, 16);
    if (!(i64x2.all_true(ok01) && i64x2.all_true(ok23))) {
        if (!okLane(ok01, ok23, 0)) {
          s0 = i32x4.extract_lane(S0, 0); s1 = i32x4.extract_lane(S1, 0); s2 = i32x4.extract_lane(S2, 0); s3 = i32x4.extract_lane(S3, 0);
          store<f64>(o, rejected(<u32>i32x4.extract_lane(A, 0), i0, f64x2.extract_lane(x01, 0)), 0);
          S0 = i32x4.replace_lane(S0, 0, s0); S1 = i32x4.replace_lane(S1, 0, s1); S2 = i32x4.replace_lane(S2, 0, s2); S3 = i32x4.replace_lane(S3, 0, s3);
        }
        if (!okLane(ok01, ok23, 1)) {
          s0 = i32x4.extract_lane(S0, 1); s1 = i32x4.extract_lane(S1, 1); s2 = i32x4.extract_lane(S2, 1); s3 = i32x4.extract_lane(S3, 1);
          store<f64>(o, rejected(<u32>i32x4.extract_lane(A, 1), i1, f64x2.extract_lane(x01, 1)), 8);
          S0 = i32x4.replace_lane(S0, 1, s0); S1 = i32x4.replace_lane(S1, 1, s1); S2 = i32x4.replace_lane(S2, 1, s2); S3 = i32x4.replace_lane(S3, 1, s3);
        }
        if (!okLane(ok01, ok23, 2)) {
          s0 = i32x4.extract_lane(S0, 2); s1 = i32x4.extract_lane(S1, 2); s2 = i32x4.extract_lane(S2, 2); s3 = i32x4.extract_lane(S3, 2);
          store<f64>(o, rejected(<u32>i32x4.extract_lane(A, 2), i2, f64x2.extract_lane(x23, 0)), 16);
          S0 = i32x4.replace_lane(S0, 2, s0); S1 = i32x4.replace_lane(S1, 2, s1); S2 = i32x4.replace_lane(S2, 2, s2); S3 = i32x4.replace_lane(S3, 2, s3);
        }
        if (!okLane(ok01, ok23, 3)) {
          s0 = i32x4.extract_lane(S0, 3); s1 = i32x4.extract_lane(S1, 3); s2 = i32x4.extract_lane(S2, 3); s3 = i32x4.extract_lane(S3, 3);
          store<f64>(o, rejected(<u32>i32x4.extract_lane(A, 3), i3, f64x2.extract_lane(x23, 1)), 24);
          S0 = i32x4.replace_lane(S0, 3, s0); S1 = i32x4.replace_lane(S1, 3, s1); S2 = i32x4.replace_lane(S2, 3, s2); S3 = i32x4.replace_lane(S3, 3, s3);
        }
    }
  }
  store<i32>(st, i32x4.extract_lane(S0, 0)); store<i32>(st, i32x4.extract_lane(S1, 0), 4); store<i32>(st, i32x4.extract_lane(S2, 0), 8); store<i32>(st, i32x4.extract_lane(S3, 0), 12);
  store<i32>(st, i32x4.extract_lane(S0, 1), 16); store<i32>(st, i32x4.extract_lane(S1, 1), 20); store<i32>(st, i32x4.extract_lane(S2, 1), 24); store<i32>(st, i32x4.extract_lane(S3, 1), 28);
  store<i32>(st, i32x4.extract_lane(S0, 2), 32); store<i32>(st, i32x4.extract_lane(S1, 2), 36); store<i32>(st, i32x4.extract_lane(S2, 2), 40); store<i32>(st, i32x4.extract_lane(S3, 2), 44);
  store<i32>(st, i32x4.extract_lane(S0, 3), 48); store<i32>(st, i32x4.extract_lane(S1, 3), 52); store<i32>(st, i32x4.extract_lane(S2, 3), 56); store<i32>(st, i32x4.extract_lane(S3, 3), 60);
}

/**
 * out[c·B + b] ← c-th next standard normal of lane b, for c < comps and b < B: lane b draws its
 * components in order from its own xoshiro128** state (4 words at state + 16·b, updated), so a
 * lane's numbers never depend on B. Four lanes at a time in SIMD, the rest one by one.
 */
export function normals(pstate: usize, B: i32, comps: i32, pout: usize): void {
  let b = 0;
  for (; b + 4 <= B; b += 4) normals4(pstate + (<usize>b << 4), B, comps, pout + (<usize>b << 3));
  for (; b < B; b++) normals1(pstate + (<usize>b << 4), B, comps, pout + (<usize>b << 3));
}

/**
 * One lane (state at st, outputs at out + 8·c·B): normal() with the xoshiro128** state in locals.
 * The globals s0…s3 live in instance memory, so next() on them loads and stores all four words per
 * draw; here the two draws and the quick ziggurat test run in registers (≈ 2× faster), and a draw
 * that fails the quick test finishes on the global path (rejected), from the same state: the same
 * numbers as normal(), draw for draw.
 */
function normals1(st: usize, B: i32, comps: i32, out: usize): void {
  let l0 = load<u32>(st), l1 = load<u32>(st, 4), l2 = load<u32>(st, 8), l3 = load<u32>(st, 12);
  for (let c = 0; c < comps; c++) {
    // a = next()
    let t2 = l2 ^ l0, t3 = l3 ^ l1;
    const a = rotl<u32>(l1 * 5, 7) * 9;
    let o1 = l1;
    l0 = l0 ^ t3; l1 = o1 ^ t2; l2 = t2 ^ (o1 << 9); l3 = rotl<u32>(t3, 11);
    // b = next()
    t2 = l2 ^ l0; t3 = l3 ^ l1;
    const bb = rotl<u32>(l1 * 5, 7) * 9;
    o1 = l1;
    l0 = l0 ^ t3; l1 = o1 ^ t2; l2 = t2 ^ (o1 << 9); l3 = rotl<u32>(t3, 11);
    const i = <usize>(a & 127);
    const u = (<f64>(a >>> 11) * 4294967296.0 + <f64>bb) * 1.1102230246251565e-16;
    const x = u * load<f64>(zigX + (i << 3));
    const o = out + ((<usize>c * <usize>B) << 3);
    if (u < load<f64>(zigRatio + (i << 3))) {
      store<f64>(o, (a & 128) ? -x : x);
      continue;
    }
    s0 = l0; s1 = l1; s2 = l2; s3 = l3;
    store<f64>(o, rejected(a, i, x));
    l0 = s0; l1 = s1; l2 = s2; l3 = s3;
  }
  store<u32>(st, l0); store<u32>(st, l1, 4); store<u32>(st, l2, 8); store<u32>(st, l3, 12);
}
