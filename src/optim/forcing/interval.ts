import { UsageError } from '../../errors/index.js';

/**
 * The sparse-forcing interval from the data's largest Lyapunov exponent (Mikhaeil, Monfared &
 * Durstewitz 2022): forcing about once per predictability time, the time in which a small error
 * doubles, τ = ln 2 / λ₁ in steps (λ₁ per step). At least 1; λ₁ ≤ 0 is not chaotic and has no τ.
 */
export function forcingInterval(lambda1PerStep: number): number {
  if (!(lambda1PerStep > 0) || !Number.isFinite(lambda1PerStep)) throw new UsageError(`the forcing interval needs a positive largest Lyapunov exponent (got ${lambda1PerStep})`);
  return Math.max(1, Math.round(Math.LN2 / lambda1PerStep));
}
