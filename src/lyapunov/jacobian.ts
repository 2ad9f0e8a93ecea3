import type { DynamicalSystem } from '../systems/index.js';

/**
 * The full Jacobian J(x) assembled column by column with the system's tangent block
 * (J·e_j is column j), for diagnostics that need the matrix itself (norms, eigenvalues,
 * determinants). Buffers are preallocated: `at(x)` allocates nothing.
 */
export class JacobianBuilder {
  readonly n: number;
  /** row-major n×n J(x) after `at(x)` */
  readonly matrix: Float64Array;
  private readonly identity: Float64Array;
  private readonly columns: Float64Array;

  constructor(readonly sys: DynamicalSystem) {
    const n = sys.dim;
    this.n = n;
    this.matrix = new Float64Array(n * n);
    this.identity = new Float64Array(n * n);
    for (let j = 0; j < n; j++) this.identity[j * n + j] = 1;
    this.columns = new Float64Array(n * n);
  }

  at(x: Float64Array): Float64Array {
    const n = this.n;
    this.sys.tangent(x, this.identity, n, this.columns);
    // columns[j·n + i] = J_ij: transpose into row-major
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) this.matrix[i * n + j] = this.columns[j * n + i];
    return this.matrix;
  }
}
