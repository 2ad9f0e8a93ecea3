import { eigenvaluesGeneral } from './hessenbergQR.js';
import { type Matrix, norm2 } from './matrix.js';
import { checkSquare } from './validate.js';

const EPS = 2 ** -52;
const MAX_SWEEPS = 100;

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi (the symmetric part of `a`
 * is used). Values descending; eigenvector i is row i of `vectors`.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  checkSquare('symmetricEigen', a, n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Relative threshold (Demmel–Veselić) keeps small eigenvalues accurate to high relative precision.
        if (Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq))) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        // Smaller root of t² + 2θt − 1 = 0, so the rotation angle is at most π/4.
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        // Closed forms are more accurate than the rotated values and make the pivot exactly zero.
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
    if (!rotated) break;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const c = order[r];
    values[r] = A[c * n + c];
    for (let k = 0; k < n; k++) vectors[r * n + k] = V[k * n + c];
  }
  return { values, vectors };
}

/**
 * Singular values, descending, by one-sided (Hestenes) Jacobi: orthogonalising columns directly
 * avoids squaring the condition number as eig(AᵀA) would, so small singular values keep relative accuracy.
 */
export function singularValues(a: Matrix): Float64Array {
  const { rows, cols, data } = a;
  for (let i = 0; i < rows * cols; i++) {
    if (!Number.isFinite(data[i])) throw new Error(`singularValues: entry ${i} is not finite (${data[i]})`);
  }
  // Orthogonalise the shorter family: columns if tall, rows if wide (same singular values).
  const tall = rows >= cols;
  const count = tall ? cols : rows;
  const len = tall ? rows : cols;
  const u = new Float64Array(count * len);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (tall) u[j * len + i] = data[i * cols + j];
      else u[i * len + j] = data[i * cols + j];
    }
  }
  const tol = Math.max(len, 1) * EPS;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < count - 1; p++) {
      const op = p * len;
      for (let q = p + 1; q < count; q++) {
        const oq = q * len;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < len; i++) {
          const x = u[op + i];
          const y = u[oq + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < len; i++) {
          const x = u[op + i];
          const y = u[oq + i];
          u[op + i] = c * x - s * y;
          u[oq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(count);
  for (let j = 0; j < count; j++) sv[j] = norm2(u, len, j * len);
  return sv.sort().reverse();
}

/** max |λ| over the (possibly complex) eigenvalues of a general real n×n matrix. */
export function spectralRadius(a: Float64Array, n: number): number {
  checkSquare('spectralRadius', a, n);
  if (n === 0) return 0;
  if (n === 1) return Math.abs(a[0]);
  if (n === 2) {
    const mean = 0.5 * (a[0] + a[3]);
    const half = 0.5 * (a[0] - a[3]);
    // Discriminant written as ((a−d)/2)² + bc avoids the cancellation in tr²/4 − det.
    const disc = half * half + a[1] * a[2];
    return disc >= 0 ? Math.abs(mean) + Math.sqrt(disc) : Math.hypot(mean, Math.sqrt(-disc));
  }
  const { re, im } = eigenvaluesGeneral(a, n);
  let rho = 0;
  for (let i = 0; i < n; i++) rho = Math.max(rho, Math.hypot(re[i], im[i]));
  return rho;
}

/** λ_max / λ_min of a symmetric positive-definite matrix; Infinity if it is not positive definite. */
export function conditionNumberSPD(a: Float64Array, n: number): number {
  if (n === 0) return 1;
  const { values } = symmetricEigen(a, n);
  const lo = values[n - 1];
  return lo > 0 ? values[0] / lo : Infinity;
}
