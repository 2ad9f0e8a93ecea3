// Eigenvalues of a general real matrix, for spectralRadius (Jacobian / Floquet-type stability checks).
import { checkSquare } from './validate.js';

/**
 * Eigenvalues (real parts `re`, imaginary parts `im`, unordered; complex pairs adjacent) of a
 * general real matrix: balancing, Householder reduction to Hessenberg form, then Francis
 * double-shift QR (after EISPACK hqr), so complex pairs need no complex arithmetic.
 */
export function eigenvaluesGeneral(a: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  checkSquare('eigenvaluesGeneral', a, n);
  // 1-based rows keep the translation of the classic algorithm verifiable line by line.
  const h: Float64Array[] = [];
  for (let i = 0; i <= n; i++) h.push(new Float64Array(n + 1));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= n; j++) h[i][j] = a[(i - 1) * n + (j - 1)];
  balance(h, n);
  toHessenberg(h, n);
  const wr = new Float64Array(n + 1);
  const wi = new Float64Array(n + 1);
  hqr(h, n, wr, wi);
  return { re: wr.slice(1), im: wi.slice(1) };
}

// Power-of-two diagonal similarity equalising row and column norms; exact in floating point.
function balance(a: Float64Array[], n: number): void {
  const RADIX = 2;
  const sqrdx = RADIX * RADIX;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 1; i <= n; i++) {
      let r = 0;
      let c = 0;
      for (let j = 1; j <= n; j++) {
        if (j !== i) {
          c += Math.abs(a[j][i]);
          r += Math.abs(a[i][j]);
        }
      }
      if (c !== 0 && r !== 0) {
        let g = r / RADIX;
        let f = 1;
        const s = c + r;
        while (c < g) {
          f *= RADIX;
          c *= sqrdx;
        }
        g = r * RADIX;
        while (c > g) {
          f /= RADIX;
          c /= sqrdx;
        }
        if ((c + r) / f < 0.95 * s) {
          done = false;
          g = 1 / f;
          for (let j = 1; j <= n; j++) a[i][j] *= g;
          for (let j = 1; j <= n; j++) a[j][i] *= f;
        }
      }
    }
  }
}

function toHessenberg(a: Float64Array[], n: number): void {
  const v = new Float64Array(n + 1);
  for (let k = 1; k <= n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i <= n; i++) alpha = Math.hypot(alpha, a[i][k]);
    if (alpha === 0) continue;
    const x0 = a[k + 1][k];
    const sgn = x0 >= 0 ? 1 : -1;
    v[k + 1] = x0 + sgn * alpha;
    for (let i = k + 2; i <= n; i++) v[i] = a[i][k];
    let vv = 0;
    for (let i = k + 1; i <= n; i++) vv += v[i] * v[i];
    const beta = 2 / vv;
    for (let j = k; j <= n; j++) {
      let s = 0;
      for (let i = k + 1; i <= n; i++) s += v[i] * a[i][j];
      s *= beta;
      for (let i = k + 1; i <= n; i++) a[i][j] -= s * v[i];
    }
    for (let i = 1; i <= n; i++) {
      let s = 0;
      for (let j = k + 1; j <= n; j++) s += a[i][j] * v[j];
      s *= beta;
      for (let j = k + 1; j <= n; j++) a[i][j] -= s * v[j];
    }
    for (let i = k + 2; i <= n; i++) a[i][k] = 0;
  }
}

function sign(a: number, b: number): number {
  return b >= 0 ? Math.abs(a) : -Math.abs(a);
}

// Francis double-shift QR on an upper Hessenberg matrix (1-based), eigenvalues only.
function hqr(a: Float64Array[], n: number, wr: Float64Array, wi: Float64Array): void {
  const MAX_ITS = 60;
  let anorm = 0;
  for (let i = 1; i <= n; i++) for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i][j]);
  let nn = n;
  let t = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let w = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  while (nn >= 1) {
    let its = 0;
    let l: number;
    do {
      // Look for a negligible subdiagonal element that splits the matrix.
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l][l - 1]) + s === s) {
          a[l][l - 1] = 0;
          break;
        }
      }
      x = a[nn][nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = a[nn - 1][nn - 1];
        w = a[nn][nn - 1] * a[nn - 1][nn];
        if (l === nn - 1) {
          // Trailing 2×2 block: a real pair or a complex-conjugate pair.
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -z;
            wi[nn] = z;
          }
          nn -= 2;
        } else {
          if (its === MAX_ITS) throw new Error('eigenvaluesGeneral: QR iteration did not converge');
          if (its > 0 && its % 10 === 0) {
            // Exceptional shift breaks the rare cycles of the standard Francis shift.
            t += x;
            for (let i = 1; i <= nn; i++) a[i][i] -= x;
            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m][m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
            q = a[m + 1][m + 1] - z - r - s;
            r = a[m + 2][m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i][i - 2] = 0;
            if (i !== m + 2) a[i][i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k][k - 1];
              q = a[k + 1][k - 1];
              r = 0;
              if (k !== nn - 1) r = a[k + 2][k - 1];
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s !== 0) {
              if (k === m) {
                if (l !== m) a[k][k - 1] = -a[k][k - 1];
              } else {
                a[k][k - 1] = -s * x;
              }
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a[k][j] + q * a[k + 1][j];
                if (k !== nn - 1) {
                  p += r * a[k + 2][j];
                  a[k + 2][j] -= p * z;
                }
                a[k + 1][j] -= p * y;
                a[k][j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a[i][k] + y * a[i][k + 1];
                if (k !== nn - 1) {
                  p += z * a[i][k + 2];
                  a[i][k + 2] -= p * r;
                }
                a[i][k + 1] -= p * q;
                a[i][k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
}
