/**
 * The finite-difference step from a pilot. A central difference D(h) of a noisy statistic has a
 * curvature bias a·h² (a = f‴/6) and a standard error that falls as h grows, like h^{−γ}: γ = 1
 * once the orbits at p ± h decorrelate (chaos), less while common random numbers still couple
 * them. The pilot runs D at h₀ and 4h₀ on the same batches (paired), which gives
 *   a ≈ mean(D(4h₀) − D(h₀)) / (15 h₀²)   and   γ ≈ log₄(se(h₀)/se(4h₀)),
 * and the step minimising a²h⁴ + se(h)² at the full run's length (se scales like 1/√(work)) is
 * picked from h₀·2^k, k = −3 … 2. A curvature below its own error is taken at one error (a
 * pessimistic bound: an invisible curvature does not license an arbitrarily large step).
 */
export const FD_PILOT_BATCHES = 8;
/** never beyond 4h₀, the largest step the pilot ran (the system may not exist further out: Hénon escapes) */
export const FD_STEP_LADDER = [-3, -2, -1, 0, 1, 2];

export interface FdPilotRow {
  /** per batch: D(h₀) and D(4h₀) of one entry */
  readonly d1: readonly number[];
  readonly d4: readonly number[];
}

export interface FdStepChoice {
  readonly h: number;
  readonly h0: number;
  readonly curvature: number;
  readonly curvatureStderr: number;
  /** se(h) ∝ h^{−gamma}, measured between h₀ and 4h₀ (clamped to [0, 1.5]) */
  readonly gamma: number;
  /** predicted standard error and bias of the full run at the chosen h */
  readonly predictedStderr: number;
  readonly predictedBias: number;
}

function meanSe(v: readonly number[]): { mean: number; se: number } {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const ss = v.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : Infinity };
}

/** The step for one entry. `workRatio` = pilot work / full-run work (per evaluation of D). */
export function chooseFdStep(row: FdPilotRow, h0: number, workRatio: number): FdStepChoice {
  const s1 = meanSe(row.d1), s4 = meanSe(row.d4);
  const diff = meanSe(row.d4.map((d, i) => d - row.d1[i]));
  const curvature = diff.mean / (15 * h0 * h0), curvatureStderr = diff.se / (15 * h0 * h0);
  const a = Math.max(Math.abs(curvature), curvatureStderr);
  const gamma = s1.se > 0 && s4.se > 0 ? Math.min(1.5, Math.max(0, Math.log(s1.se / s4.se) / Math.log(4))) : 1;
  const se0 = s1.se * Math.sqrt(workRatio);
  let best: FdStepChoice | null = null;
  for (const k of FD_STEP_LADDER) {
    const h = h0 * 2 ** k;
    const se = se0 * (h0 / h) ** gamma, bias = a * h * h;
    if (best === null || bias * bias + se * se < best.predictedBias ** 2 + best.predictedStderr ** 2) {
      best = { h, h0, curvature, curvatureStderr, gamma, predictedStderr: se, predictedBias: bias };
    }
  }
  return best!;
}
