/**
 * Learning-rate schedules: the step size α_t of update t (t = 0, 1, …) as a pure function of t,
 * so that a resumed run needs only the update count to continue with the same rates.
 */
export type Schedule =
  | { readonly kind: 'constant'; readonly warmup?: number }
  /** α·factor^⌊t/every⌋ */
  | { readonly kind: 'step'; readonly every: number; readonly factor: number; readonly warmup?: number }
  /** α_min + (α − α_min)·(1 + cos(π·min(t, T)/T))/2 over T = `total` updates */
  | { readonly kind: 'cosine'; readonly total: number; readonly min?: number; readonly warmup?: number }
  /** α/(1 + t/τ): the Robbins–Monro decay that averages gradient noise away */
  | { readonly kind: 'inverse-time'; readonly tau: number; readonly warmup?: number };

export const SCHEDULE_KINDS = ['constant', 'step', 'cosine', 'inverse-time'] as const;

/**
 * α_t for base rate α. With `warmup` W > 0 the rate ramps linearly, α_t·(t + 1)/W for t < W, so
 * that the first updates, taken with the noisiest moment estimates, are small.
 */
export function learningRate(base: number, s: Schedule, t: number): number {
  let a: number;
  switch (s.kind) {
    case 'constant':
      a = base;
      break;
    case 'step':
      a = base * s.factor ** Math.floor(t / s.every);
      break;
    case 'cosine': {
      const lo = s.min ?? 0;
      a = lo + ((base - lo) * (1 + Math.cos((Math.PI * Math.min(t, s.total)) / s.total))) / 2;
      break;
    }
    case 'inverse-time':
      a = base / (1 + t / s.tau);
      break;
  }
  const w = s.warmup ?? 0;
  return w > 0 && t < w ? (a * (t + 1)) / w : a;
}
