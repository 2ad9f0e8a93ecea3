// Shared argument checks for the dense eigen-solvers (internal: not re-exported).

export function checkSquare(fn: string, a: Float64Array, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a non-negative integer, got ${n}`);
  if (a.length < n * n) throw new Error(`${fn}: matrix has length ${a.length}, need n*n = ${n * n}`);
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) throw new Error(`${fn}: entry ${i} is not finite (${a[i]})`);
  }
}
