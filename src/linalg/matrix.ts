/** Dense row-major matrix; `data[i * cols + j]` is entry (i, j). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

function checkDim(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function zeros(rows: number, cols: number): Matrix {
  checkDim('rows', rows);
  checkDim('cols', cols);
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: number[][]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const row = rows[i];
    if (row.length !== c) {
      throw new Error(`fromRows: ragged input, row ${i} has length ${row.length} but row 0 has length ${c}`);
    }
    for (let j = 0; j < c; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`fromRows: entry (${i}, ${j}) is not a finite number: ${String(v)}`);
      }
      data[i * c + j] = v;
    }
  }
  return { rows: r, cols: c, data };
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

// BLAS convention: beta = 0 overwrites y, so stale NaN/Inf in an output buffer cannot leak in.
// Zero multipliers are deliberately not skipped: a NaN from a blown-up trajectory must propagate.
function scaleOutput(y: Float64Array, n: number, beta: number): void {
  if (beta === 0) y.fill(0, 0, n);
  else if (beta !== 1) for (let i = 0; i < n; i++) y[i] *= beta;
}

/** y ← α·A·x + β·y */
export function gemv(a: Matrix, x: Float64Array, y: Float64Array, alpha = 1, beta = 0): void {
  const { rows, cols, data } = a;
  if (x.length < cols || y.length < rows) {
    throw new Error(`gemv: A is ${rows}x${cols} but x has length ${x.length} and y has length ${y.length}`);
  }
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) s += data[base + j] * x[j];
    y[i] = beta === 0 ? alpha * s : alpha * s + beta * y[i];
  }
}

/** y ← α·Aᵀ·x + β·y */
export function gemvT(a: Matrix, x: Float64Array, y: Float64Array, alpha = 1, beta = 0): void {
  const { rows, cols, data } = a;
  if (x.length < rows || y.length < cols) {
    throw new Error(`gemvT: A is ${rows}x${cols} but x has length ${x.length} and y has length ${y.length}`);
  }
  scaleOutput(y, cols, beta);
  // Row-wise axpy keeps the access to A contiguous.
  for (let i = 0; i < rows; i++) {
    const xi = alpha * x[i];
    const base = i * cols;
    for (let j = 0; j < cols; j++) y[j] += xi * data[base + j];
  }
}

/** C ← α·op(A)·op(B) + β·C, op = identity or transpose. */
export function gemm(a: Matrix, b: Matrix, c: Matrix, opts?: GemmOptions): void {
  // No `= {}` default: that would allocate on every call in time-stepping loops.
  const transA = opts?.transA ?? false;
  const transB = opts?.transB ?? false;
  const alpha = opts?.alpha ?? 1;
  const beta = opts?.beta ?? 0;
  const m = transA ? a.cols : a.rows;
  const p = transA ? a.rows : a.cols;
  const pb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (p !== pb || c.rows !== m || c.cols !== n) {
    throw new Error(
      `gemm: shape mismatch, op(A) is ${m}x${p}, op(B) is ${pb}x${n}, C is ${c.rows}x${c.cols}`,
    );
  }
  if (c.data === a.data || c.data === b.data) throw new Error('gemm: C must not alias A or B');
  const A = a.data;
  const B = b.data;
  const C = c.data;
  scaleOutput(C, m * n, beta);

  if (!transA && !transB) {
    // i-k-j: the innermost loop streams rows of B and C.
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * p;
      for (let k = 0; k < p; k++) {
        const aik = alpha * A[ai + k];
        const bk = k * n;
        for (let j = 0; j < n; j++) C[ci + j] += aik * B[bk + j];
      }
    }
  } else if (transA && !transB) {
    // k-i-j: row k of A gives the k-th column of op(A), row k of B is contiguous.
    for (let k = 0; k < p; k++) {
      const ak = k * m;
      const bk = k * n;
      for (let i = 0; i < m; i++) {
        const aki = alpha * A[ak + i];
        const ci = i * n;
        for (let j = 0; j < n; j++) C[ci + j] += aki * B[bk + j];
      }
    }
  } else if (!transA && transB) {
    // Each entry is a dot product of two contiguous rows.
    for (let i = 0; i < m; i++) {
      const ai = i * p;
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * p;
        let s = 0;
        for (let k = 0; k < p; k++) s += A[ai + k] * B[bj + k];
        C[ci + j] += alpha * s;
      }
    }
  } else {
    // Both transposed: j-k-i keeps A's rows contiguous in the innermost loop.
    for (let j = 0; j < n; j++) {
      const bj = j * p;
      for (let k = 0; k < p; k++) {
        const bjk = alpha * B[bj + k];
        const ak = k * m;
        for (let i = 0; i < m; i++) C[i * n + j] += bjk * A[ak + i];
      }
    }
  }
}

/**
 * Four independent partial sums: a single accumulator chains every add on the previous one, and
 * that latency, not the multiplies, bounds a dense mat-vec (measured ≈ 3× on rnn n = 64).
 */
export function dot(a: Float64Array, b: Float64Array, n = a.length, offA = 0, offB = 0): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[offA + i] * b[offB + i];
    s1 += a[offA + i + 1] * b[offB + i + 1];
    s2 += a[offA + i + 2] * b[offB + i + 2];
    s3 += a[offA + i + 3] * b[offB + i + 3];
  }
  for (; i < n; i++) s0 += a[offA + i] * b[offB + i];
  return s0 + s1 + (s2 + s3);
}

// Below this the sum of squares may have lost digits to underflow.
const SUMSQ_SAFE_MIN = 2 ** -900;

export function norm2(a: Float64Array, n = a.length, off = 0): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = a[off + i];
    s += v * v;
  }
  if (s > SUMSQ_SAFE_MIN && s < Infinity) return Math.sqrt(s);
  // Rare path: rescale so that tiny or huge vectors neither underflow nor overflow.
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(a[off + i]);
    if (v > amax) amax = v;
    else if (v !== v) return NaN;
  }
  if (amax === 0 || amax === Infinity) return amax;
  // Divide rather than multiply by 1/amax: the reciprocal of a subnormal overflows.
  s = 0;
  for (let i = 0; i < n; i++) {
    const v = a[off + i] / amax;
    s += v * v;
  }
  return amax * Math.sqrt(s);
}

/** y ← α·x + y */
export function axpy(alpha: number, x: Float64Array, y: Float64Array, n = x.length, offX = 0, offY = 0): void {
  for (let i = 0; i < n; i++) y[offY + i] += alpha * x[offX + i];
}

/** x ← α·x */
export function scale(alpha: number, x: Float64Array, n = x.length, off = 0): void {
  for (let i = 0; i < n; i++) x[off + i] *= alpha;
}
