import { splitIndices } from '../../lyapunov/index.js';
import { BatchMeans } from '../../stats/index.js';

/**
 * The leading M Lyapunov exponents read off a NILSAS run's own QR factors. At each interface the
 * homogeneous adjoints W are re-orthonormalised, W = QR: log|R_jj| is the growth of the j-th
 * adjoint direction over that segment (backward in time, under Jᵀ), so (Σ log|R_jj|)/(steps) is
 * the j-th exponent, exactly as a forward Lyapunov run reads it from its tangent QR. This costs
 * nothing beyond the run, so a run with M and the segment length given needs no short Lyapunov
 * run (planNilsas skips it); what it cannot see is exponent M + 1.
 */

/** One orbit's growth per interface: rates[k][j] = log|R_jj| / (steps of the segment), and those steps. */
export interface AdjointGrowth {
  rates: number[][];
  lengths: number[];
}

/** The growth over segments 1 … K−1 (segment k ends at the interface whose R is R[k − 1]). */
export function adjointGrowth(R: readonly Float64Array[], M: number, segmentSteps: number, steps: number): AdjointGrowth {
  const rates: number[][] = [], lengths: number[] = [];
  R.forEach((r, i) => {
    const len = Math.min(segmentSteps, steps - (i + 1) * segmentSteps);
    lengths.push(len);
    rates.push(Array.from({ length: M }, (_, j) => Math.log(Math.abs(r[j * M + j])) / len));
  });
  return { rates, lengths };
}

export interface AdjointExponents {
  /** per step for maps, per unit time for flows */
  exponents: number[];
  /** batch means over the segments of every orbit */
  stderr: number[];
  /** unstable + neutral directions when the M exponents show it (fewer than M of them), else null */
  requiredM: number | null;
  warning: string | null;
}

/** Pools the orbits' segments: exponent j = Σ log|R_jj| / Σ steps, standard error by batch means over segments. */
export function adjointExponents(orbits: readonly AdjointGrowth[], M: number, dt: number | null, flow: boolean): AdjointExponents | null {
  const events = orbits.reduce((s, o) => s + o.lengths.length, 0);
  if (M === 0 || events < 2) return null;
  const scale = dt === null ? 1 : 1 / dt;
  const sums = new Float64Array(M);
  let steps = 0;
  const bm = new BatchMeans(M, events, Math.min(32, events));
  for (const o of orbits) {
    o.rates.forEach((r, k) => {
      for (let j = 0; j < M; j++) sums[j] += r[j] * o.lengths[k];
      steps += o.lengths[k];
      bm.push(r);
    });
  }
  const exponents = Array.from(sums, (s) => (s / steps) * scale);
  const stderr = Array.from(bm.stderr(), (s) => s * scale);
  const split = splitIndices(exponents, stderr, flow);
  let requiredM: number | null = null, warning: string | null = null;
  if (split.unstable + split.neutral < M) requiredM = split.unstable + split.neutral;
  else if (flow && split.unstable === M) {
    // every adjoint kept grows: the flow's neutral direction (exponent 0) is not among them
    requiredM = M + 1;
    warning = `M = ${M} keeps only unstable directions (adjoint exponents of the run: ${exponents.map((e) => e.toFixed(3)).join(', ')}): the flow's neutral direction is left out, the adjoint is not kept bounded and the estimate is unreliable; use --M ${M + 1} or more`;
  }
  return { exponents, stderr, requiredM, warning };
}
